"""Export: the current comparison (category and date of the compare view) as CSV, every clause as
CSV in the public record format, and the whole graph as Turtle and JSON-LD. The graph files
are made when the button is clicked (deferred downloads), from the embedded store.
"""
from __future__ import annotations

import csv
import io
import json

import streamlit as st

from webapp import data
from webapp.i18n import t
from webapp.state import Ctx
from webapp.views.common import category_label, category_picker, comparison, date_picker

CLAUSE_FIELDS = ["id", "city", "document", "article", "kind", "categories", "instrument", "rates_percent",
                 "amounts", "thresholds", "one_time", "funding", "text", "source"]


def comparison_csv(rows: list[dict]) -> str:
    """CSV with a header taken from every row's keys (first-seen order), UTF-8 with BOM for Excel."""
    fields: list[str] = []
    for r in rows:
        fields += [k for k in r if k not in fields]
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.DictWriter(out, fieldnames=fields)
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def clauses_csv(corpus: data.Corpus) -> str:
    from policykg.records import clause_record

    out = io.StringIO()
    out.write("\ufeff")
    w = csv.DictWriter(out, fieldnames=CLAUSE_FIELDS, extrasaction="ignore")
    w.writeheader()
    for d in corpus.docs:
        for c in d.clauses:
            w.writerow({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                        for k, v in clause_record(d, c).items()})
    return out.getvalue()


def graph_file(store, fmt: str) -> bytes:
    """The whole graph as `policykg export --format turtle|jsonld` writes it."""
    from policykg.commands.export import export_bytes

    return export_bytes(store, fmt)


def render(ctx: Ctx) -> None:
    st.subheader(t("export.comparison"))
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    with c1:
        category = category_picker(ctx, "compare_category", t("compare.category"))
    with c2:
        on = date_picker("compare_on", t("compare.on"))
    kinds = ("incentive", "measure", "target", "general") if st.session_state.get("compare_all") else ("incentive",)
    blocks = comparison(ctx.stamp, str(ctx.store), category, on, kinds)
    rows = data.comparison_rows(blocks, ctx.lang)
    st.caption(t("export.comparison_help", category=category_label(category), day=on.isoformat()))
    st.download_button(t("export.csv"), comparison_csv(rows), file_name=f"compare-{category}-{on.isoformat()}.csv",
                       mime="text/csv", key="export_compare_csv", type="primary")
    st.dataframe(rows, hide_index=True, height=240)
    st.subheader(t("export.clauses"))
    st.download_button(t("export.csv"), lambda: clauses_csv(ctx.corpus), file_name="clauses.csv", mime="text/csv",
                       key="export_clauses_csv")
    st.subheader(t("export.graph"))
    g1, g2 = st.columns(2)
    store = ctx.store
    g1.download_button(t("export.turtle"), lambda: graph_file(store, "turtle"), file_name="policykg.ttl", mime="text/turtle",
                       key="export_ttl")
    g2.download_button(t("export.jsonld"), lambda: graph_file(store, "jsonld"), file_name="policykg.jsonld",
                       mime="application/ld+json", key="export_jsonld")
