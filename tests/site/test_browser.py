"""The built site in a real browser: every page opens without console errors, every in-site
link and anchor resolves, every claim card has its fix with a copy button, and the site's
search finds a claim by its id.

As a reader (issue 36): from the landing page each answer to "what do you run?" leads, in one
click, to its deployment page, which links its checklist section (the anchor exists) and offers
the assembled configuration file where there is one (the download is served and not empty); the
`jsv audit` command each page shows is one `python -m jsv audit --help` accepts (parsed by the
argparse parser of jsv/audit/cli.py, not run); no page shows a claim's record repr; fix blocks
wrap instead of scrolling sideways; every page names an icon that is served.

The site is served over HTTP on loopback inside the browser-lab container (Debian's
Chromium driven by Selenium), so the theme behaves as it does for readers.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import tarfile
from datetime import datetime
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest

from jsv.audit.cli import parser as audit_parser
from jsv.environments import BrowserLab, Lab
from jsv.polling import poll_until

pytestmark = [pytest.mark.site, pytest.mark.docker]
SITE_DIR = "/srv/site"
SCRIPT = "/opt/jsv/site_browser.py"
READER_SCRIPT = "/opt/jsv/site_reader.py"
# Runs inside the browser-lab container, as jsv/probes/scripts/site_browser.py does:
#   python3 site_reader.py BASE_URL PAGES_JSON  -> one JSON object on the last line of stdout.
READER = r"""
import json
import sys
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

FETCH = '''
const done = arguments[arguments.length - 1];
fetch(arguments[0])
  .then(r => r.text().then(t => done({status: r.status, length: t.length, head: t.slice(0, 300)})))
  .catch(e => done({status: 0, length: 0, head: String(e)}));
'''
PAGE_STATE = '''
const text = document.body.innerText;
const icon = document.querySelector('link[rel~="icon"]');
const wide = Array.from(document.querySelectorAll('.jsv-fix-code pre'))
  .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
  .map(pre => (pre.closest('.jsv-claim') || {id: '?'}).id);
return {
  repr: text.includes('<ClaimResult') || text.includes('ClaimResult('),
  icon: icon ? icon.href : '',
  wide: wide,
};
'''
ANSWERS = '''
return Array.from(document.querySelectorAll('.jsv-deployments a'))
  .map(a => ({text: a.textContent.trim(), href: a.getAttribute('href')}));
'''
ON_PAGE = '''
const all = selector => Array.from(document.querySelectorAll(selector));
const h1 = document.querySelector('h1');
return {
  heading: h1 ? h1.innerText : '',
  audit: all('.jsv-audit-command pre').map(p => p.innerText),
  checklists: all("article a[href*='checklists.html#']").map(a => a.href),
  downloads: all('a.jsv-download').map(a => a.href),
};
'''


def loaded(driver):
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def main():
    base, pages_json = sys.argv[1:3]
    pages = json.loads(open(pages_json).read())
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    flags = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu")
    for flag in (*flags, "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(30)
    report = {"answers": [], "pages": {}, "icons": {}}
    try:
        landing = f"{base}/index.html"
        driver.get(landing)
        loaded(driver)
        for index, answer in enumerate(driver.execute_script(ANSWERS)):
            driver.get(landing)
            loaded(driver)
            link = driver.find_elements("css selector", ".jsv-deployments a")[index]
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
            try:
                link.click()
            except WebDriverException:  # covered by an overlay: follow the same link as a script click
                driver.execute_script("arguments[0].click()", link)
            WebDriverWait(driver, 30).until(lambda d: d.current_url.split("#")[0] != landing)
            loaded(driver)
            found = driver.execute_script(ON_PAGE)
            seen = dict(answer, url=driver.current_url, heading=found["heading"], audit=found["audit"])
            seen["downloads"] = {}
            for href in dict.fromkeys(found["downloads"]):
                seen["downloads"][href] = driver.execute_async_script(FETCH, href)
            seen["checklists"] = {}
            for href in dict.fromkeys(found["checklists"]):
                driver.get(href)
                loaded(driver)
                fragment = urlsplit(href).fragment
                has = driver.execute_script("return !!document.getElementById(arguments[0])", fragment)
                seen["checklists"][href] = has
            report["answers"].append(seen)
        for page in pages:
            driver.get(f"{base}/{page}")
            loaded(driver)
            state = driver.execute_script(PAGE_STATE)
            report["pages"][page] = {
                "repr": state["repr"], "wide fix blocks": state["wide"], "icon": state["icon"]
            }
        for icon in sorted({seen["icon"] for seen in report["pages"].values() if seen["icon"]}):
            report["icons"][icon] = driver.execute_async_script(FETCH, icon)["status"]
    finally:
        driver.quit()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
"""


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def _pages(html: Path) -> list[Path]:
    skip = {"genindex.html", "search.html"}
    return sorted(p for p in html.rglob("*.html") if p.name not in skip and "_static" not in p.parts)


def test_every_in_site_link_and_anchor_resolves(build_dir):
    html = build_dir / "html"
    parsed = {page: _parse(page) for page in _pages(html)}
    broken = []
    for page, links in parsed.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(html)}: {href} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{page.relative_to(html)}: {href} (no such anchor)")
    assert broken == []


@pytest.fixture(scope="module")
def browser_report(build_dir):
    html = build_dir / "html"
    pages = [p.relative_to(html).as_posix() for p in _pages(html)]
    ledger = json.loads((html / "claims.json").read_text())
    claim_id = ledger["claims"][0]["id"]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(html, arcname=SITE_DIR.lstrip("/"))
        listing = json.dumps(pages).encode()
        info = tarfile.TarInfo("srv/pages.json")
        info.size = len(listing)
        tar.addfile(info, io.BytesIO(listing))
    lab = Lab("site-browser")
    try:
        browser = lab.start(BrowserLab("reader"))
        browser.get_wrapped_container().put_archive("/", buffer.getvalue())
        script = resources.files("jsv.probes").joinpath("scripts/site_browser.py").read_text()
        browser.put_file(SCRIPT, script, 0o755)
        browser.run(
            f"chmod -R a+rX {SITE_DIR}; nohup python3 -m http.server 8123 --bind 127.0.0.1 "
            f"-d {SITE_DIR} >/tmp/http.log 2>&1 &"
        )
        served = poll_until(
            lambda: browser.run("curl -sf -o /dev/null http://127.0.0.1:8123/index.html").exit_code,
            lambda code: code == 0,
            timeout=30,
        )
        assert served.met, browser.run("cat /tmp/http.log").stdout
        ran = browser.run(
            ["/opt/jupyter/bin/python", SCRIPT, "http://127.0.0.1:8123", "/srv/pages.json", claim_id],
            user="alice",
            environment={"HOME": "/home/alice"},
            timeout=900,
        )
        assert ran.exit_code == 0, ran.stderr[-2000:]
        report = json.loads(ran.stdout.strip().splitlines()[-1])
        browser.put_file(READER_SCRIPT, READER, 0o755)
        reader = browser.run(
            ["/opt/jupyter/bin/python", READER_SCRIPT, "http://127.0.0.1:8123", "/srv/pages.json"],
            user="alice",
            environment={"HOME": "/home/alice"},
            timeout=900,
        )
        lines = reader.stdout.strip().splitlines()
        ok = reader.exit_code == 0 and lines
        report["reader"] = (
            json.loads(lines[-1]) if ok else {"error": (reader.stderr or reader.stdout)[-2000:]}
        )
        report["claim ids"] = [r["id"] for r in ledger["claims"]]
        report["claim id searched"] = claim_id
        return report
    finally:
        assert lab.close() == []


def test_no_page_logs_a_console_error(browser_report):
    errors = {
        page: seen["console errors"]
        for page, seen in browser_report["pages"].items()
        if seen["console errors"]
    }
    assert errors == {}


def test_every_claim_card_has_its_fix_and_a_copy_button(browser_report):
    cards = {card["id"]: card for seen in browser_report["pages"].values() for card in seen["cards"]}
    expected = {claim_id.lower() for claim_id in browser_report["claim ids"]}
    assert expected <= set(cards), sorted(expected - set(cards))
    missing = sorted(i for i in expected if not (cards[i]["fix"] and cards[i]["copy"]))
    assert missing == []


def test_search_finds_a_claim_by_its_id(browser_report):
    results = browser_report["search"]["results"]
    anchor = browser_report["claim id searched"].lower()
    assert results, f"searching {browser_report['claim id searched']} found nothing"
    assert any(re.search(r"runbooks/", r) for r in results), results
    assert anchor  # the id itself is searchable text on its page


def _audit_arguments(shown: str) -> list[str]:
    """The arguments of the one `python -m jsv audit` command a block shows (its "$ " prompt taken off)."""
    lines = [line.strip() for line in shown.strip().splitlines() if line.strip()]
    assert len(lines) == 1, f"one command per block: {shown!r}"
    words = shlex.split(lines[0].removeprefix("$ "))
    assert words[:4] == ["python", "-m", "jsv", "audit"], words
    return words[4:]


@pytest.fixture(scope="module")
def reader(browser_report):
    seen = browser_report["reader"]
    assert "error" not in seen, seen.get("error")
    return seen


def test_each_landing_answer_leads_to_its_deployment_page(reader, build_dir):
    deployments = build_dir / "html" / "docs" / "deployments"
    pages = {p.name for p in deployments.glob("*.html") if p.name != "index.html"}
    reached = {urlsplit(seen["url"]).path.rpartition("/")[2] for seen in reader["answers"]}
    assert len(reader["answers"]) == len(pages) >= 6, [seen["text"] for seen in reader["answers"]]
    assert reached == pages
    for seen in reader["answers"]:
        assert "/docs/deployments/" in seen["url"], seen
        assert seen["heading"], seen


def test_each_deployment_page_links_its_checklist_and_offers_its_config_file(reader):
    for seen in reader["answers"]:
        assert seen["checklists"], f"{seen['text']}: no link to a checklist section"
        assert all(seen["checklists"].values()), seen["checklists"]  # each anchor exists on the page
        for href, got in seen["downloads"].items():
            assert got["status"] == 200 and got["length"] > 0, (href, got)
            assert "c." in got["head"], (href, got["head"])  # a configuration file: c.Class.trait = ...
    with_file = [seen["text"] for seen in reader["answers"] if seen["downloads"]]
    assert len(with_file) >= 2, with_file  # the single-user and the hub files at least


def test_each_deployment_page_shows_an_audit_command_the_cli_accepts(reader):
    for seen in reader["answers"]:
        assert seen["audit"], f"{seen['text']}: no audit command"
        for shown in seen["audit"]:
            arguments = _audit_arguments(shown)
            try:
                parsed = audit_parser().parse_args(arguments)
            except SystemExit as refused:
                pytest.fail(f"{seen['text']}: `jsv audit` refuses {arguments} (exit {refused.code})")
            assert urlsplit(parsed.url).scheme in ("http", "https"), parsed.url


def test_no_page_shows_a_claim_record_repr(reader):
    assert sorted(page for page, seen in reader["pages"].items() if seen["repr"]) == []


def test_fix_blocks_wrap_instead_of_scrolling_sideways(reader):
    wide = {
        page: seen["wide fix blocks"] for page, seen in reader["pages"].items() if seen["wide fix blocks"]
    }
    assert wide == {}


def test_every_page_names_an_icon_that_is_served(reader):
    assert sorted(page for page, seen in reader["pages"].items() if not seen["icon"]) == []
    assert reader["icons"], "no page names an icon"
    assert all(status == 200 for status in reader["icons"].values()), reader["icons"]


def test_the_changes_page_and_its_atom_feed_exist_and_validate(build_dir):
    html = build_dir / "html"
    page = (html / "docs" / "changes.html").read_text(encoding="utf-8")
    assert "compared with the previous published ledger" in page or "no previous published ledger" in page
    root = ElementTree.fromstring((html / "changes.atom").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.tag == atom + "feed"
    for tag in ("id", "title", "updated"):
        assert len(root.findall(atom + tag)) == 1, tag
    assert root.findtext(f"{atom}author/{atom}name")
    assert any(link.get("rel") == "self" for link in root.findall(atom + "link"))
    for entry in root.findall(atom + "entry"):
        for tag in ("id", "title", "updated"):
            assert (entry.findtext(atom + tag) or "").strip(), tag
        assert datetime.fromisoformat(entry.findtext(atom + "updated")).tzinfo is not None
    assert datetime.fromisoformat(root.findtext(atom + "updated")).tzinfo is not None
