"""Draft: pick a category and, optionally, a reference city; see the range of every parameter across
the cities' precedents (with where each value comes from), set the parameters you want, and get
a Chinese draft clause with footnotes citing the precedents, downloadable as Markdown
(analysis.draft). Deep link: ?view=draft&category=independent-site&like=杭州.
"""
from __future__ import annotations

import html
import json
from decimal import Decimal

import streamlit as st

from policykg.errors import PolicyKGError
from webapp import fmt
from webapp.i18n import city as city_name
from webapp.i18n import t
from webapp.state import Ctx, _corpus, synced, to_url
from webapp.views.common import category_picker, inert_markdown, link, plain


@st.cache_data(show_spinner=False, max_entries=32)
def make_draft(stamp: str, store: str, category: str, like: str | None, settings_json: str) -> dict:
    """analysis.draft's record for these inputs (cached per store version)."""
    from analysis.draft import draft, draft_record

    docs = _corpus(stamp, store).docs
    return draft_record(draft(docs, category, like or None, json.loads(settings_json) or None))


def ranges_html(record: dict, lang: str) -> str:
    """One row per parameter: range, median, what the draft uses, and every precedent value."""
    esc = html.escape
    head = (f'<table class="pkg-matrix"><thead><tr><th>{esc(t("draft.params", lang))}</th><th>min</th><th>max</th>'
            f'<th>median</th><th>{esc(t("draft.result", lang))}</th><th>{esc(t("compare.source", lang))}</th></tr></thead><tbody>')
    rows = []
    for name, p in record["parameters"].items():
        if not p["observations"]:
            continue
        money = name in ("cap", "award", "per_unit", "bonus") or (name == "threshold" and p["unit"] in ("CNY", "USD"))
        cur = "USD" if p["unit"] == "USD" else "CNY"

        def show(v):
            if v is None or isinstance(v, bool):
                return "" if v is None else ("一次性" if v else "每年")
            return fmt.money_html(Decimal(str(v)), cur) if money else esc(fmt.percent(Decimal(str(v))))
        obs = "<br>".join(
            f'<a href="{esc(link("document", lang, doc=o["clause_id"].split("/")[0], clause=o["clause_id"]))}" '
            f'target="_self" title="{esc(o["sentence"])}">{esc(city_name(o["city"], lang))} {esc(o["article"])}</a>: '
            f'{esc(o["display"])}' for o in p["observations"])
        used = show(p["value"]) if p["in_draft"] else "—"
        rows.append(f'<tr><th>{esc(p["label"])}</th><td>{show(p["min"])}</td><td>{show(p["max"])}</td>'
                    f'<td>{show(p["median"])}</td><td>{used} <span style="color:#777;font-size:.8rem">'
                    f'{esc(p["chosen_by"])}</span></td><td style="font-size:.85rem">{obs}</td></tr>')
    return head + "".join(rows) + "</tbody></table>"


def render(ctx: Ctx) -> None:
    from analysis.draft import PARAMETERS, parse_settings

    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    with c1:
        category = category_picker(ctx, "draft_category", t("draft.category"))
    cities = [""] + ctx.corpus.cities
    synced("draft_like", "like", valid=lambda v: v in cities)
    with c2:
        like = st.selectbox(t("draft.reference"), cities, key="draft_like", on_change=to_url, args=("draft_like", "like"),
                            format_func=lambda c: city_name(c) if c else t("draft.none"))
    with st.form("draft_form"):
        st.markdown(f"**{t('draft.params')}**")
        cols = st.columns(4)
        raw = {}
        for i, (name, label) in enumerate(PARAMETERS.items()):
            with cols[i % 4]:
                raw[name] = st.text_input(label, key=f"draft_set_{name}", placeholder="30万 / 50% / true")
        st.form_submit_button(t("draft.result"), type="primary")
    settings = {k: v.strip() for k, v in raw.items() if v and v.strip()}
    try:
        parse_settings(settings)
        record = make_draft(ctx.stamp, str(ctx.store), category, like, json.dumps(settings, ensure_ascii=False,
                                                                                    sort_keys=True))
    except PolicyKGError as exc:
        st.warning(plain(str(exc)))
        return
    st.subheader(t("draft.result"))
    st.html(f'<div class="pkg-src" lang="zh" style="font-size:1.05rem">{fmt.highlight(record["text"], [])}</div>')
    st.download_button(t("draft.download"), record["markdown"], file_name=f"draft-{category}.md",
                       mime="text/markdown", key="draft_md", type="primary")
    st.subheader(t("draft.ranges"))
    st.html(ranges_html(record, ctx.lang))
    with st.container(border=True):
        st.markdown(inert_markdown(record["markdown"]))
