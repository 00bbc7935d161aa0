"""The built site in a real browser: every page opens without console errors, every in-site
link and anchor resolves, every claim card has its fix with a copy button, and the site's
search finds a claim by its id.

The site is served over HTTP on loopback inside the browser-lab container (Debian's
Chromium driven by Selenium), so the theme behaves as it does for readers.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from jsv.environments import BrowserLab, Lab
from jsv.polling import poll_until

pytestmark = [pytest.mark.site, pytest.mark.docker]
SITE_DIR = "/srv/site"
SCRIPT = "/opt/jsv/site_browser.py"


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
