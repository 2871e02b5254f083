"""Draft: pick a category and, optionally, a reference city; see the range of every parameter across
the cities' precedents (with where each value comes from), set the parameters you want, and get
a Chinese draft clause with footnotes citing the precedents, downloadable as Markdown
(analysis.draft). Ranges are like for like: only values of the same cost base (rates), kind, basis
and period (amounts), metric, unit and scope (thresholds) are ranged together; other groups are
shown apart, and every value keeps its unit. Headings, labels and notes are in the page's
language (read from the ontology); the clause itself is Chinese. Deep link:
?view=draft&category=independent-site&like=杭州.
"""
from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from typing import Any

import streamlit as st

from analysis.draft import PARAMETERS, draft, draft_record, parse_settings
from analysis.draft.words import parameter as parameter_label
from analysis.draft.words import text as draft_text
from policykg.errors import PolicyKGError
from webapp import fmt
from webapp.i18n import city as city_name
from webapp.i18n import t, vocab
from webapp.state import Ctx, _corpus, synced, to_url
from webapp.views.common import category_picker, inert_markdown, link, plain

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@st.cache_data(show_spinner=False, max_entries=32)
def make_draft(stamp: str, store: str, category: str, like: str | None, settings_json: str,
               lang: str) -> dict[str, Any]:
    """analysis.draft's record for these inputs in `lang` (cached per store version)."""
    docs = _corpus(stamp, store).docs
    return draft_record(draft(docs, category, like or None, json.loads(settings_json) or None), lang)


def show_value(name: str, v: object, unit: str | None, lang: str) -> str:
    """A parameter value in its own unit: money as 20万元 (or 'CNY 200,000 (20万元)'), a rate or a share
    as 50%, a duration, an area or a count with its unit (1年, 3000平方米), never a bare percent."""
    esc = html.escape
    if v is None:
        return ""
    if isinstance(v, bool):
        return esc(t("freq.once" if v else "freq.yearly", lang))
    value = Decimal(str(v))
    if name in ("rate", "city_share", "one_time") or unit == "percent":
        return esc(fmt.percent(value))
    if name in ("cap", "award", "per_unit", "bonus") or unit in ("CNY", "USD", None):
        return esc(fmt.money_words(value, lang, unit if unit == "USD" else "CNY"))
    return esc(fmt.counted(value, unit, lang))


def numbered_notes(md: str) -> str:
    r"""The export's footnotes as numbered notes the page shows in its own language: the marker
    [^2] as ⁽²⁾ and its definition as item 2 of a list (Streamlit would add an English heading
    "Footnotes" to Markdown footnotes).

    >>> numbered_notes("上限20万元[^2]。\n\n[^2]: **上限 = 20万元**\n    - 温州")
    '上限20万元⁽²⁾。\n\n2. **上限 = 20万元**\n    - 温州'
    """
    md = re.sub(r"^\[\^(\d+)\]: ", r"\1. ", md, flags=re.MULTILINE)
    return re.sub(r"\[\^(\d+)\]", lambda m: "⁽" + m.group(1).translate(SUPERSCRIPT) + "⁾", md)


def ranges_html(record: dict, lang: str) -> str:
    """One row per parameter: the range and median of the draft's own group (same kind, basis and
    period; a threshold's metric, unit and scope), what the draft uses, every other group apart,
    and every precedent value."""
    esc = html.escape
    head = (f'<table class="pkg-matrix pkg-ranges"><thead><tr><th>{esc(t("draft.params", lang))}</th>'
            f'<th>{esc(t("draft.group", lang))}</th><th>{esc(t("draft.min", lang))}</th>'
            f'<th>{esc(t("draft.max", lang))}</th><th>{esc(t("draft.median", lang))}</th>'
            f'<th>{esc(t("draft.result", lang))}</th><th>{esc(t("draft.other_groups", lang))}</th>'
            f'<th>{esc(t("compare.source", lang))}</th></tr></thead><tbody>')
    rows = []
    for name, p in record["parameters"].items():
        if not p["observations"]:
            continue
        unit = p.get("group_unit")

        def show(v: object, unit: str | None = unit, name: str = name) -> str:
            return show_value(name, v, unit, lang)
        own = p.get("group") or ""
        others = "<br>".join(
            f'{esc(g["group"])}: {show_value(name, g["min"], g["unit"] or unit, lang)}'
            + (f' – {show_value(name, g["max"], g["unit"] or unit, lang)}' if g["max"] != g["min"] else "")
            + esc(draft_text("count", lang, n=g["n"])) for g in p.get("groups", []) if g["group"] != own and g["min"] is not None)
        obs = "<br>".join(
            f'<a href="{esc(link("document", lang, doc=o["clause_id"].split("/")[0], clause=o["clause_id"]))}" '
            f'target="_self" title="{esc(o["sentence"])}">{esc(city_name(o["city"], lang))} {esc(o["article"])}</a>: '
            + (f'<span lang="zh">{esc(o["display"])}</span>' if lang == "zh" else
               f'{show_value(name, o["value"], o["unit"] or unit, lang)} ({esc(o["group"] or "")})')
            for o in p["observations"])
        used = show(p["value"], p["unit"]) if p["in_draft"] else "—"
        rows.append(f'<tr data-param="{esc(name)}"><th>{esc(t("param." + name, lang))}</th><td>{esc(own)}</td>'
                    f'<td>{show(p["min"])}</td><td>{show(p["max"])}</td><td>{show(p["median"])}</td>'
                    f'<td>{used} <span style="color:#777;font-size:.8rem">{esc(vocab("chosen", p["chosen_by"], lang))}</span></td>'
                    f'<td style="font-size:.8rem">{others or "—"}</td><td style="font-size:.85rem">{obs}</td></tr>')
    return head + "".join(rows) + "</tbody></table>"


def render(ctx: Ctx) -> None:
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
        for i, name in enumerate(PARAMETERS):
            with cols[i % 4]:
                raw[name] = st.text_input(parameter_label(name, ctx.lang), key=f"draft_set_{name}", placeholder="30万 / 50% / true")
        st.form_submit_button(t("draft.result"), type="primary")
    settings = {k: v.strip() for k, v in raw.items() if v and v.strip()}
    try:
        parse_settings(settings)
        record = make_draft(ctx.stamp, str(ctx.store), category, like, json.dumps(settings, ensure_ascii=False,
                                                                                    sort_keys=True), ctx.lang)
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
        st.markdown(inert_markdown(numbered_notes(record["markdown"])))
