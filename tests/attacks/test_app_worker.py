"""Attack: one input freezes the app for everyone, and a stopped query keeps running (issue 14,
item 5). Through headless Chromium: a 120 KB upload with no punctuation, and a console query
that never ends; meanwhile a thread asks /_stcore/health every 0.1 s and every answer must come
within 1 s. The query is then stopped with Streamlit's Stop button, and its worker process must
be gone (ps). Before the worker process, the upload stopped /_stcore/health answering for 65 s
and a stopped query kept a core busy until it ended by itself.
"""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.attacks.browser import (
    App,
    HealthTimer,
    build_store,
    make_driver,
    open_and_wait,
    page_text,
    worker_pids,
)

# a cross product of the store with itself four times over: never ends on 10,000 triples
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("worker")
    server = App(build_store(tmp / "store"), tmp / "streamlit.log", env={"NEO4J_URI": ""})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = make_driver(tmp_path_factory.mktemp("chromium-worker"))
    yield driver
    driver.quit()


def test_health_answers_during_an_upload_without_punctuation(app, browser, tmp_path):
    text = "对自建独立站且年度跨境电商出口额达三百万美元以上的企业按建设费用给予补助" * 1100
    upload = tmp_path / "no-punctuation.txt"
    upload.write_text("宁波市人民政府办公厅文件\n\n" + text + "\n", "utf-8")
    assert 110_000 < upload.stat().st_size < 130_000
    open_and_wait(browser, f"{app.url}/?view=upload", ["文件"])
    health = HealthTimer(app.url)
    try:
        browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(upload))
        WebDriverWait(browser, 200, poll_frequency=0.5).until(
            lambda d: any(x in page_text(d) for x in ("解析结果", "无法解析")))
    finally:
        worst = health.stop()
    assert len(health.times) > 5
    assert worst < 1.0, f"/_stcore/health took {worst:.2f} s during the upload"


def test_an_endless_query_leaves_health_alone_and_stops_with_the_page(app, browser):
    open_and_wait(browser, f"{app.url}/?view=console", ["运行"])
    box = browser.find_element(By.CSS_SELECTOR, "textarea")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(ENDLESS)
    box.send_keys(Keys.CONTROL, Keys.ENTER)
    time.sleep(1)
    timeout = browser.find_elements(By.CSS_SELECTOR, "input[type=number]")[0]  # the time limit: 30 s
    timeout.send_keys(Keys.CONTROL, "a")
    timeout.send_keys("30", Keys.ENTER)
    time.sleep(1)
    health = HealthTimer(app.url)
    try:
        browser.find_element(By.XPATH, '//button[normalize-space()="运行"]').click()
        deadline = time.monotonic() + 20
        while not worker_pids(app.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker_pids(app.proc.pid), "no worker process runs the query"
        time.sleep(6)
    finally:
        worst = health.stop()
    assert worst < 1.0, f"/_stcore/health took {worst:.2f} s during the query"
    stop = browser.find_element(By.XPATH, '//*[@data-testid="stStatusWidget"]//button')
    stop.click()
    deadline = time.monotonic() + 5
    while worker_pids(app.proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert worker_pids(app.proc.pid) == [], "the stopped query's process still runs"
