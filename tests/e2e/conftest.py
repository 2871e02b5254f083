"""Fixtures of the end-to-end tests: a store built from corpus/, the app served from it by
`streamlit run app.py` on a free port, and Debian's headless Chromium driven by Selenium.
A missing browser or driver fails the tests with what to install; nothing is skipped.
"""
from __future__ import annotations

import pytest
from harness import App, BrowserMissing, build_store, chromium_paths, make_driver


@pytest.fixture(scope="session")
def e2e_store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("e2e") / "store")


@pytest.fixture(scope="session")
def app_url(e2e_store, tmp_path_factory):
    app = App(e2e_store, tmp_path_factory.mktemp("e2e-log") / "streamlit.log", env={"NEO4J_URI": ""})
    yield app.url
    app.stop()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    try:
        chromium_paths()
    except BrowserMissing as exc:
        pytest.fail(str(exc))
    driver = make_driver(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()
