"""Shared fixtures: the project root, the corpus, clause models ingested once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def corpus_docs():
    """Clause models of the five corpus documents, by file name."""
    from ingest.files import corpus_files
    from ingest.pipeline import ingest_file

    return {p.name: ingest_file(p, ROOT)[0] for p in corpus_files(CORPUS)}


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Path:
    """A store built from corpus/ once per test session (the real pipeline, real Oxigraph)."""
    from policykg.build import build

    store = tmp_path_factory.mktemp("store") / "store"
    build(CORPUS, store, ROOT)
    return store


def pytest_terminal_summary(terminalreporter):
    """List the figures tests recorded (record_property("figure", ...)): facts matched per document."""
    lines = [value for reports in terminalreporter.stats.values() for report in reports
             for name, value in getattr(report, "user_properties", ()) if name == "figure"
             and getattr(report, "when", "call") == "call"]
    if lines:
        terminalreporter.write_sep("-", "facts matched")
        for line in lines:
            terminalreporter.write_line(line)
