"""Attack: Markdown from a URL or a document is rendered, and the browser fetches what it names
(issue 14, item 6). A deep link ?view=![x](http://127.0.0.1:PORT/view.png) and a document whose
clauses carry Markdown images, links and an <img> tag (data/markdown-injection.txt, ingested
with the real pipeline) are opened in headless Chromium; a listener on that port must receive
nothing. Before the fix the deep link's image was fetched (GET /view.png) and the draft view
rendered the clause's images (GET /clause.png).
"""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.attacks.browser import App, Listener, build_store, make_driver, open_and_wait

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).parent / "data" / "markdown-injection.txt"
DOC = "jiaxing-2024-3"


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app(tmp_path_factory, listener):
    tmp = tmp_path_factory.mktemp("markdown")
    store = build_store(tmp / "store")
    doc = tmp / f"{DOC}.txt"
    doc.write_text(TEMPLATE.read_text("utf-8").replace("{listener}", listener.url), "utf-8")
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "ingest", "--store", str(store), str(doc)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    server = App(store, tmp / "streamlit.log", env={"NEO4J_URI": ""})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = make_driver(tmp_path_factory.mktemp("chromium-markdown"))
    yield driver
    driver.quit()


def settle_and_check(listener) -> None:
    time.sleep(2)  # images load after the page renders
    assert listener.paths == [], f"the browser fetched {listener.paths} from the listener"


def test_a_deep_link_view_name_is_shown_as_text(browser, app, listener):
    listener.paths.clear()
    name = f"![x]({listener.url}/view.png)"
    text = open_and_wait(browser, f"{app.url}/?view={urllib.parse.quote(name, safe='')}", ["没有名为"])
    settle_and_check(listener)
    assert name in text  # shown as written


# each page shows the hostile document's clauses; the text that must be on it, from the data file
PAGES = {
    "draft": ("?view=draft&category=independent-site", [f"{DOC}/1/c1", "起草条款"]),
    "document": (f"?view=document&doc={DOC}&clause={DOC}/1/c1", ["嘉政办发〔2024〕3号", "对自建独立站的企业"]),
    "compare": ("?view=compare&category=independent-site", ["嘉兴"]),
    "overview": ("?view=overview", ["嘉兴"]),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_documents_markdown_loads_nothing(browser, app, listener, page):
    listener.paths.clear()
    query, texts = PAGES[page]
    text = open_and_wait(browser, f"{app.url}/{query}", texts)
    settle_and_check(listener)
    if page in ("draft", "document"):  # the clause's Markdown is shown as written
        assert f"![i]({listener.url}/clause.png)" in text
