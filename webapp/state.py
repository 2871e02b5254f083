"""Streamlit plumbing shared by the views: the store (built on first start, cached across reruns and
sessions until it changes), the Neo4j status, and widgets kept in step with the URL's query
parameters so that every view has a deep link.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from policykg import config
from webapp import data


@dataclass
class Ctx:
    """What every view's render() gets."""

    store: Path
    stamp: str
    corpus: data.Corpus
    lang: str
    neo4j: dict  # {"configured": bool, "up": bool, "uri": str, "error": str | None}


def store_path() -> Path:
    return config.default_store()


def ensure_store(store: Path) -> None:
    """Build the store from corpus/ when it is missing (first start of a fresh clone)."""
    from policykg.build import DOCUMENTS, build

    if (store / DOCUMENTS).exists():
        return
    with st.spinner("首次启动：正在从 corpus/ 构建知识图谱…… / First start: building the graph from corpus/ ..."):
        report = build(config.default_corpus(), store, config.project_root())
    st.toast(f"{report.documents} documents, {report.clauses} clauses, {report.triples} triples")


@st.cache_resource(show_spinner=False, max_entries=4)
def _corpus(key: str, store: str) -> data.Corpus:
    return data.load_corpus(Path(store))


def corpus(store: Path) -> tuple[str, data.Corpus]:
    """(stamp, corpus) of the store; reloaded only when documents.json changes."""
    key = data.stamp(store)
    return key, _corpus(key, str(store))


@st.cache_data(show_spinner=False, ttl=30)
def _neo4j_probe(uri: str, user: str, password: str) -> tuple[bool, str | None]:
    from graph.neo4j import translate

    try:
        from neo4j import GraphDatabase

        with GraphDatabase.driver(uri, auth=(user, password), connection_timeout=3,
                                  max_transaction_retry_time=0) as driver:
            driver.verify_connectivity()
        return True, None
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the reason is shown
        return False, str(translate(exc, {"uri": uri, "user": user}))


def neo4j_status() -> dict:
    """Whether Neo4j is configured (NEO4J_URI set) and reachable (checked at most every 30 s)."""
    import os

    if not os.environ.get("NEO4J_URI"):
        return {"configured": False, "up": False, "uri": "", "error": None}
    s = config.neo4j_settings()
    up, error = _neo4j_probe(s["uri"], s["user"], s["password"])
    return {"configured": True, "up": up, "uri": s["uri"], "error": error}


def synced(key: str, param: str, valid=None) -> None:
    """Start widget `key` from ?param= whenever the URL's value changes (a deep link, back button).

    Call before creating the widget, and give the widget `on_change=to_url, args=(key, param)`.
    """
    value = st.query_params.get(param)
    seen = f"_url_{param}"
    if value is not None and st.session_state.get(seen) != value:
        st.session_state[seen] = value
        if valid is None or valid(value):
            st.session_state[key] = value


def to_url(key: str, param: str, encode=str) -> None:
    """Write widget `key`'s value into the URL as ?param= (on_change callback)."""
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(param, None)
        return
    text = encode(value)
    st.query_params[param] = text
    st.session_state[f"_url_{param}"] = text


class Timer:
    """Wall-clock milliseconds of a block (for the console's 'n rows in m ms')."""

    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.ms = round((time.perf_counter() - self.t0) * 1000)
