"""Open every page of a built site in headless Chromium and report what a reader would hit.

Runs *inside* the browser-lab container (Debian's chromium + chromium-driver,
Selenium), against the site served on loopback:

    python3 site_browser.py BASE_URL PAGES_JSON CLAIM_ID

PAGES_JSON lists the site's pages (paths relative to BASE_URL) and, per
page, the claim ids whose cards it holds.  For each page: console errors,
and for each card whether its fix code block got a copy button.  Then one
search for CLAIM_ID through the theme's search page.  Prints one JSON object.
"""

import json
import sys

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

CARD_SCRIPT = """
return Array.from(document.querySelectorAll('.jsv-claim')).map(card => ({
  id: card.id,
  fix: !!card.querySelector('.jsv-fix-code'),
  copy: !!card.querySelector('.jsv-fix-code button.copybtn, .jsv-fix-code + button.copybtn'),
}));
"""


def main() -> int:
    base, pages_json, claim_id = sys.argv[1:4]
    pages = json.loads(open(pages_json).read())
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    report: dict[str, dict[str, object]] = {"pages": {}, "search": {}}
    try:
        for page in pages:
            driver.get(f"{base}/{page}")
            WebDriverWait(driver, 30).until(
                lambda d: d.execute_script("return document.readyState") == "complete"
            )
            try:  # sphinx-copybutton adds its buttons on DOMContentLoaded
                WebDriverWait(driver, 5).until(
                    lambda d: (
                        not d.find_elements("css selector", ".jsv-fix-code")
                        or d.find_elements("css selector", "button.copybtn")
                    )
                )
            except TimeoutException:
                pass
            errors = [
                e["message"]
                for e in driver.get_log("browser")
                if e.get("level") == "SEVERE"
                and "favicon.ico" not in e["message"]  # the browser's own request
            ]
            report["pages"][page] = {"console errors": errors, "cards": driver.execute_script(CARD_SCRIPT)}
        driver.get(f"{base}/search.html?q={claim_id}")
        try:
            WebDriverWait(driver, 30).until(
                lambda d: (
                    d.find_elements("css selector", "#search-results li")
                    or "did not match" in d.find_element("css selector", "body").text
                )
            )
        except TimeoutException:
            pass
        found = driver.execute_script(
            "return Array.from(document.querySelectorAll('#search-results li a')).map(a => a.href)"
        )
        report["search"] = {"query": claim_id, "results": found}
    finally:
        driver.quit()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
