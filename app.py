"""The researcher's app: `streamlit run app.py`. Routing, sidebar, language switch and store loading;
each view lives in webapp/views/. Reads the store at $POLICYKG_STORE (default store/), builds it
from corpus/ on first start, and uses Neo4j too when NEO4J_URI is set.

Deep links: ?view=compare&category=independent-site, ?view=document&doc=...&clause=..., &lang=en.
"""
from __future__ import annotations

import importlib

import streamlit as st

from policykg.errors import PolicyKGError
from webapp import state
from webapp.i18n import LANGS, t
from webapp.views import VIEWS
from webapp.views.common import inject_css, plain

st.set_page_config(page_title="policykg", page_icon="📑", layout="wide")
inject_css()

# language: ?lang= seeds it, the sidebar switch changes it (and the URL)
state.synced("lang", "lang", valid=lambda v: v in LANGS)
st.session_state.setdefault("lang", "zh")
# view: ?view= seeds it, the sidebar radio changes it
requested = st.query_params.get("view")
state.synced("view", "view", valid=lambda v: v in VIEWS)
st.session_state.setdefault("view", "overview")

with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.segmented_control(t("app.language"), LANGS, key="lang", required=True,
                         format_func=lambda code: {"zh": "中文", "en": "English"}[code],
                         on_change=state.to_url, args=("lang", "lang"))
    view = st.radio(t("app.view"), VIEWS, key="view", format_func=lambda v: t(f"view.{v}"),
                    on_change=state.to_url, args=("view", "view"))

store = state.store_path()
try:
    state.ensure_store(store)
    stamp, corpus = state.corpus(store)
except PolicyKGError as exc:
    st.error(plain(t("app.store_error", error=exc)))
    st.stop()

neo4j = state.neo4j_status()
lang = st.session_state["lang"]
ctx = state.Ctx(store=store, stamp=stamp, corpus=corpus, lang=lang, neo4j=neo4j)

with st.sidebar:
    st.caption(t("app.summary", documents=len(corpus.docs), cities=len(corpus.cities),
                 incentives=sum(c.kind == "incentive" for d in corpus.docs for c in d.clauses)))
    st.caption(f"{t('app.store')}: `{store}`")
    if neo4j["configured"] and neo4j["up"]:
        st.caption(t("app.neo4j_up", uri=neo4j["uri"]))

if neo4j["configured"] and not neo4j["up"]:
    st.warning(plain(t("app.neo4j_down", uri=neo4j["uri"], error=neo4j["error"])), icon="⚠️")
if requested is not None and requested not in VIEWS:
    st.info(plain(t("app.unknown_view", view=requested)))

st.title(t(f"view.{view}"))
importlib.import_module(f"webapp.views.{view}").render(ctx)
