"""End to end: the SERVICE smuggle of issue 14 (tests/attacks/queries/sparql-escape-service.yaml)
typed into the query console in headless Chromium. The page shows the one-line refusal, and a
listener on 127.0.0.1, whose URL is in the query, receives nothing. Before the fix the app's
Oxigraph fetched the URL and the page showed its rows.
"""
from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import yaml
from harness import open_and_wait, page_text, running
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ATTACK = Path(__file__).resolve().parents[1] / "attacks" / "queries" / "sparql-escape-service.yaml"


def test_console_refuses_the_escaped_service_and_fetches_nothing(browser, app_url):
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        case = yaml.safe_load(ATTACK.read_text(encoding="utf-8"))
        query = case["query"].strip().replace("{listener}", f"http://127.0.0.1:{server.server_address[1]}")
        open_and_wait(browser, f"{app_url}/?view=console", ["SPARQL", "运行"])
        box = browser.find_element(By.CSS_SELECTOR, '[data-testid="stTextArea"] textarea')
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.DELETE)
        box.send_keys(query)
        box.send_keys(Keys.CONTROL, Keys.ENTER)  # Streamlit takes the text on Ctrl+Enter
        WebDriverWait(browser, 30).until(lambda d: box.get_attribute("value") == query)
        time.sleep(1)  # let the rerun that took the text start
        WebDriverWait(browser, 60).until(lambda d: not running(d))
        browser.find_element(By.XPATH, '//button[normalize-space()="运行"]').click()
        try:
            WebDriverWait(browser, 90).until(lambda d: case["refused_with"][0] in page_text(d))
        except TimeoutException:
            raise AssertionError(f"no refusal on the page:\n{page_text(browser)[:3000]}") from None
        alert = browser.find_element(By.CSS_SELECTOR, '[data-testid="stAlert"]').text
        for word in case["refused_with"]:
            assert word in alert, alert
        assert "行，用时" not in page_text(browser)  # no result table
        time.sleep(0.5)
        assert seen == []
    finally:
        server.shutdown()
        server.server_close()
