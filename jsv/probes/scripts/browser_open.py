"""Open a JupyterLab URL in headless Chromium and report whether a notebook's script ran.

Runs *inside* the browser-lab container (Debian's chromium + chromium-driver,
Selenium from PyPI; no browser download):

    JSV_LAB_TOKEN=... python3 browser_open.py URL MARKER_TEXT ATTRIBUTE

The server's token comes from the environment and is added to URL here, so it
is never on a command line (``ps`` shows those to every user).
Waits until an output containing MARKER_TEXT is rendered, then up to 5 s for
``document.body`` to carry ATTRIBUTE (set only by the notebook's script).
Prints one JSON line.
"""

import json
import os
import sys

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait


def main() -> int:
    url, marker, attribute = sys.argv[1:4]
    if os.environ.get("JSV_LAB_TOKEN"):
        url += ("&" if "?" in url else "?") + "token=" + os.environ["JSV_LAB_TOKEN"]
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(url)
        WebDriverWait(driver, 90).until(
            lambda d: (
                marker
                in d.execute_script(
                    "return Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
                    ".map(e => e.textContent).join(' ')"
                )
            )
        )
        try:
            WebDriverWait(driver, 5).until(
                lambda d: d.execute_script(f"return document.body.hasAttribute('{attribute}')")
            )
            ran = True
        except TimeoutException:
            ran = False
        print(json.dumps({"output rendered": True, "script ran": ran}))
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
