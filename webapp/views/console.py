"""Query console: SPARQL on the embedded store, and Cypher on Neo4j when NEO4J_URI is set and the
server answers. The named queries of queries/ are offered as examples with their parameters.
Read-only: graph.guard refuses updates, write clauses and anything that reaches another host with a
one-line reason before anything runs (SPARQL: on the escape-decoded text that is then run; Cypher:
on the plan Neo4j makes for it, then run in a READ transaction); every query has a time limit and a
row limit, and runs in a worker process
that is killed at the limit or when the page is stopped (webapp.worker).
"""
from __future__ import annotations

import csv
import io

import streamlit as st

from policykg import config
from policykg.errors import PolicyKGError
from webapp import tasks, worker
from webapp.i18n import t
from webapp.state import Ctx, Timer
from webapp.views.common import plain

TIMEOUT_S = 10.0
MAX_TIMEOUT_S = 30.0
ROW_LIMIT = 500
MAX_ROW_LIMIT = 5000
GRACE_S = 2.0  # past the query's own time limit, the worker process is killed

DEFAULT_SPARQL = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX cat: <https://w3id.org/policykg/category/>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
# every city's incentives for independent websites, with their caps in yuan
SELECT ?city ?article ?cap WHERE {
  ?clause a pkg:Incentive ; pkg:category cat:independent-site ; pkg:articleLabel ?article ;
          pkg:document ?doc .
  ?doc pkg:city ?c . ?c rdfs:label ?city . FILTER(LANG(?city) = "zh")
  OPTIONAL { ?clause pkg:amount ?a . ?a a pkg:Cap ; schema:value ?cap }
} ORDER BY DESC(?cap)
"""
DEFAULT_CYPHER = "MATCH (n) RETURN labels(n) AS labels, count(*) AS nodes ORDER BY nodes DESC LIMIT 25"


def named_queries() -> tuple[dict, str | None]:
    """name -> NamedQuery for every pair of files in queries/, and the error if one is broken."""
    try:
        from graph.named_queries import load_all

        return {q.name: q for q in load_all()}, None
    except PolicyKGError as exc:
        return {}, str(exc)


def param_input(p, ctx: Ctx, key: str):
    """A widget for one named-query parameter, by its declared type; returns its text value."""
    from datetime import date

    from webapp.views.common import category_option, counts

    label = p.name + ("" if p.required else " (optional)")
    if p.type == "category":
        from ingest.categories import scheme

        n = counts(ctx.stamp, str(ctx.store))
        slugs = sorted(scheme(), key=lambda s: (-n.get(s, 0), s))
        default = p.default if p.default in slugs else ("independent-site" if p.required else "")
        slugs = slugs if p.required else [""] + slugs  # an optional one may be left out
        return st.selectbox(label, slugs, index=slugs.index(default), key=key,
                            format_func=lambda s: category_option(s, n) if s else "—") or None
    if p.type == "city":
        cities = ctx.corpus.cities if p.required else [""] + ctx.corpus.cities
        return st.selectbox(label, cities, index=cities.index(p.default) if p.default in cities else 0, key=key,
                            format_func=lambda c: c or "—") or None
    if p.type == "date":
        value = date.fromisoformat(p.default) if p.default else date.today()
        return st.date_input(label, value=value, key=key).isoformat()
    if p.type in ("int", "limit", "offset"):
        value = int(p.default) if p.default not in (None, "") else None
        got = st.number_input(label, min_value=0, value=value, step=1, key=key)
        return None if got is None else str(int(got))
    text = st.text_input(label, value=p.default or "", key=key)
    return text or None


def run_query(ctx: Ctx, backend: str, text: str, timeout_s: float, limit: int) -> tuple[list[str], list[tuple], bool]:
    """The query as written, in a worker process (webapp.worker) killed at the time limit plus a
    grace second or when the user stops the page."""
    if backend == "sparql":
        task, args = tasks.sparql, (ctx.store, text)
    else:
        task, args = tasks.cypher, (config.neo4j_settings(), text, {})
    return worker.run(task, *args, timeout_s, limit, timeout_s=timeout_s + GRACE_S, what=t("console.running"),
                      status=st.empty())


def run_named(ctx: Ctx, example, params: dict, backend: str, timeout_s: float):
    """A named query's page (graph.named_queries.run_page binds the parameters as values, no
    pasting), in a worker process like every console query."""
    return worker.run(tasks.named_page, example.name, params, backend, ctx.store, config.neo4j_settings(),
                      timeout_s, timeout_s=timeout_s + GRACE_S, what=t("console.running"), status=st.empty())


def to_csv(columns: list[str], rows: list[tuple]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(columns)
    w.writerows([["" if v is None else v for v in r] for r in rows])
    return out.getvalue()


def render(ctx: Ctx) -> None:
    backends = ["sparql"]
    if ctx.neo4j["configured"] and ctx.neo4j["up"]:
        backends.append("cypher")
    backend = st.segmented_control(t("console.language"), backends, key="console_backend", required=True,
                                   default="sparql", format_func=lambda b: {"sparql": "SPARQL", "cypher": "Cypher"}[b])
    if not ctx.neo4j["configured"]:
        st.caption(t("console.no_cypher"))
    elif not ctx.neo4j["up"]:
        st.caption(t("console.cypher_down"))

    examples, broken = named_queries()
    if broken:
        st.error(plain(broken))
    names = [""] + sorted(examples)

    def title(n: str) -> str:
        if not n:
            return t("console.none")
        return f"{n} — {examples[n].question_zh if ctx.lang == 'zh' else examples[n].question_en}"

    chosen = st.selectbox(t("console.example"), names, key="console_example", format_func=title)
    example = examples.get(chosen)
    params: dict = {}
    if example is not None and example.params:
        st.markdown(f"**{t('console.params')}**")
        cols = st.columns(min(len(example.params), 4))
        for i, p in enumerate(example.params):
            with cols[i % len(cols)]:
                value = param_input(p, ctx, f"console_p_{chosen}_{p.name}")
            if value is not None:
                params[p.name] = value
    example_text = "" if example is None else (example.sparql if backend == "sparql" else example.cypher).strip()
    default = example_text or (DEFAULT_SPARQL if backend == "sparql" else DEFAULT_CYPHER)
    text = st.text_area(t("console.query"), value=default, height=260, key=f"console_text_{backend}_{chosen}")
    c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
    timeout_s = c1.number_input(t("console.timeout"), 1.0, MAX_TIMEOUT_S, TIMEOUT_S, step=1.0, key="console_timeout")
    limit = int(c2.number_input(t("console.rowlimit"), 1, MAX_ROW_LIMIT, ROW_LIMIT, step=100, key="console_limit"))
    c3.caption(t("console.limits", timeout=f"{timeout_s:g}", limit=limit))
    clicked = st.button(t("console.run"), type="primary", key="console_run")
    if not (clicked or st.session_state.pop("console_next", False)):
        return
    page = None
    try:
        with Timer() as timer:
            if example is not None and text.strip() == example_text:
                page = run_named(ctx, example, params, backend, timeout_s)
                columns, rows, truncated = page.columns, page.rows, False
            else:
                columns, rows, truncated = run_query(ctx, backend, text, timeout_s, limit)
    except PolicyKGError as exc:
        st.error(plain(str(exc)))
        return
    show(columns, rows, truncated, limit, timer.ms)
    if page is not None and page.total is not None:
        st.caption(page.summary())
        offset = next((p.name for p in example.params if p.type == "offset"), None)
        end = page.offset + len(page.rows)
        if offset and page.rows and end < page.total:
            st.button(t("console.next"), key="console_next_page", on_click=_next_page,
                      args=(f"console_p_{example.name}_{offset}", end))


def _next_page(key: str, offset: int) -> None:
    """The offset widget moved to the next page, and the query run again."""
    st.session_state[key] = offset
    st.session_state["console_next"] = True


def show(columns: list[str], rows: list[tuple], truncated: bool, limit: int, ms: int) -> None:
    import pandas as pd

    st.caption(t("console.rows", n=len(rows), ms=ms))
    if truncated:
        st.warning(t("console.truncated", limit=limit))
    df = pd.DataFrame([[_cell(v) for v in r] for r in rows], columns=columns)
    st.dataframe(df, hide_index=True)
    st.download_button(t("console.download"), to_csv(columns, rows), file_name="query.csv", mime="text/csv",
                       key="console_csv")


def _cell(v):
    if v is None or isinstance(v, (int, float, str, bool)):
        return v
    if isinstance(v, tuple):
        return " | ".join(str(x) for x in v)
    return str(v)
