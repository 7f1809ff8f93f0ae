"""Headless Chromium for the browser tests and the README screenshots (Debian's chromium and
chromium-driver, driven by Selenium). The machine may have no network: every background
service of the browser is switched off and a new empty profile is used."""
from __future__ import annotations

import atexit
import shutil
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]


def why_not() -> str | None:
    """None when a browser can be driven here, else the reason."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return "no chromium here (apt-get install chromium chromium-driver; .ci/run does it)"
    if not shutil.which("chromedriver"):
        return "no chromedriver here (apt-get install chromium-driver; .ci/run does it)"
    return None


def start(width: int = 1280, height: int = 900):
    """A headless Chromium with a new empty profile; quit() it when done."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = tempfile.mkdtemp(prefix="scriptcheck-chromium-")
    atexit.register(shutil.rmtree, profile, ignore_errors=True)
    for flag in FLAGS + [f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    return driver
