"""The hostile queries of tests/attacks/queries/ typed into the app's query console (Streamlit's
AppTest, the real embedded store, the real Neo4j): each is refused on the page with the words its
file names, nothing runs, and the 127.0.0.1 listener receives nothing.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from policykg.config import neo4j_settings
from tests.attacks.hostile_queries import HOST_DETAIL, QUERY_FILES, Listener, load

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# The console shows errors through webapp.views.common.plain, which backslash-escapes Markdown.
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]<>!#|~$&])")


def cases(language: str) -> list[Path]:
    found = [p for p in QUERY_FILES if yaml.safe_load(p.read_text(encoding="utf-8"))["language"] == language]
    assert found, f"no {language} attack files in {HERE / 'queries'}"
    return found


@pytest.fixture(scope="module")
def listener():
    with Listener() as server:
        yield server


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    from policykg.build import build

    path = tmp_path_factory.mktemp("console-attacks") / "store"
    build(ROOT / "corpus", path, ROOT)
    return path


def console(store: Path, monkeypatch, backend: str):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("POLICYKG_STORE", str(store))
    if backend == "cypher":
        from graph import neo4j as pg_neo4j

        monkeypatch.setenv("NEO4J_URI", neo4j_settings()["uri"])
        pg_neo4j.load(store, neo4j_settings())
    else:
        monkeypatch.delenv("NEO4J_URI", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["view"] = "console"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if backend == "cypher":
        assert not at.warning, f"Neo4j is not running at {neo4j_settings()['uri']}: run `make neo4j-start`"
        at.button_group(key="console_backend").set_value("cypher").run()
    return at


@pytest.mark.parametrize("backend", ["sparql", "cypher"])
def test_console_refuses_every_hostile_query_on_the_page(backend, store, listener, monkeypatch):
    at = console(store, monkeypatch, backend)
    key = next(k for k in at.session_state if k.startswith(f"console_text_{backend}"))
    for path in cases(backend):
        case = load(path, listener)
        at.text_area(key=key).input(case["query"]).run()
        at.button(key="console_run").click().run()
        assert not at.exception, (path.name, [e.value for e in at.exception])
        assert len(at.error) == 1 and not at.dataframe, (path.name, [e.value for e in at.error])
        message = MARKDOWN_ESCAPE.sub(r"\1", at.error[0].value)  # as the page shows it
        assert "\n" not in message, (path.name, message)
        for word in case["refused_with"]:
            assert word in message, (path.name, message)
        for detail in HOST_DETAIL + (str(listener.port),):
            assert detail not in message, (path.name, message)
    assert listener.received() == []
