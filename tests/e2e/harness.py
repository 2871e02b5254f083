"""Start the app (`streamlit run app.py`) on a free port against a given store, and drive Debian's
headless Chromium with Selenium: shared by the end-to-end tests (conftest.py) and by
`make screenshots` (screenshots.py). Everything stays on 127.0.0.1.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
CHROMIUM = ("/usr/bin/chromium", "/usr/lib/chromium/chromium")
CHROMEDRIVER = "/usr/bin/chromedriver"
MISSING = "install Debian's chromium and chromium-driver (make system-deps)"
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-dev-shm-usage", "--lang=zh-CN")


class BrowserMissing(RuntimeError):
    """Chromium or its driver is not installed."""


def chromium_paths() -> tuple[str, str]:
    """(browser, driver), or BrowserMissing saying what to install."""
    browser = next((p for p in CHROMIUM if os.access(p, os.X_OK)), None) or shutil.which("chromium")
    driver = CHROMEDRIVER if os.access(CHROMEDRIVER, os.X_OK) else shutil.which("chromedriver")
    if not browser or not driver:
        raise BrowserMissing(f"{'chromium' if not browser else 'chromedriver'} not found: {MISSING}")
    return browser, driver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_store(store: Path) -> Path:
    """A store built from corpus/ with the real pipeline (policykg.build.build)."""
    from policykg.build import build

    build(CORPUS, store, ROOT)
    return store


class App:
    """A running `streamlit run app.py`; `url` is its address; stop() ends it."""

    def __init__(self, store: Path, log: Path, port: int | None = None, env: dict | None = None,
                 extra_args: tuple[str, ...] = ()):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        full_env = {**os.environ, "POLICYKG_STORE": str(store), **(env or {})}
        self._log_file = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
             "--server.fileWatcherType", "none", *extra_args],
            cwd=ROOT, env=full_env, stdout=self._log_file, stderr=subprocess.STDOUT)
        self._wait(90)

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the app did not start on {self.url}:\n{self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log_file.close()


def make_driver(user_data_dir: Path, width: int = 1500, height: int = 1100):
    """Headless Chromium through Debian's chromedriver, with a fresh profile and no network chatter."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.add_argument(f"--window-size={width},{height}")
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def page_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def open_and_wait(driver, url: str, texts: list[str], timeout: float = 60) -> str:
    """Open `url` and wait until every one of `texts` is in the rendered page; returns the page text."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    try:
        WebDriverWait(driver, timeout, poll_frequency=0.25).until(
            lambda d: all(x in page_text(d) for x in texts) and not running(d))
    except TimeoutException:
        body = page_text(driver)
        missing = [x for x in texts if x not in body]
        raise AssertionError(f"{url}: still missing {missing} after {timeout:g} s; page text:\n{body[:3000]}") from None
    return page_text(driver)


def running(driver) -> bool:
    """Whether Streamlit is still running the script (its status widget shows)."""
    from selenium.webdriver.common.by import By

    return bool(driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))


def wait_for_element(driver, css: str, timeout: float = 60):
    """The first element matching `css`, waited for: Streamlit writes a page's elements one by one, so
    the text above an element can show before it (a slow machine shows it). On timeout, an assertion
    with the page text (an exception the script showed instead, say)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.25).until(
            lambda d: (d.find_elements(By.CSS_SELECTOR, css) or [None])[0])
    except TimeoutException:
        raise AssertionError(f"{driver.current_url}: no {css} after {timeout:g} s; page text:\n"
                             f"{page_text(driver)[:3000]}") from None


def full_screenshot(driver, path: Path, width: int = 1500, max_height: int = 6000) -> Path:
    """A PNG of the whole page: the window is made as tall as the app's scrolling content first."""
    driver.set_window_size(width, 900)
    time.sleep(0.5)
    height = driver.execute_script(
        "var b=document.querySelector('[data-testid=\"stMainBlockContainer\"]');"
        "var m=document.querySelector('[data-testid=\"stMain\"]');"
        "if(!b){return document.body.scrollHeight;}"
        "return b.getBoundingClientRect().bottom+(m?m.scrollTop:0);")
    driver.set_window_size(width, min(max(int(height) + 40, 900), max_height))
    time.sleep(1.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    return path
