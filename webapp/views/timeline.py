"""Timeline: the validity period (and awards period, where stated) of every document as bars on a
time axis; pick a date to see which documents and how many incentives are in force on it.
Deep link: ?view=timeline&on=2024-06-01."""
from __future__ import annotations

import html
from datetime import date, timedelta

import streamlit as st

from webapp import data, fmt
from webapp.i18n import city as city_name
from webapp.i18n import t
from webapp.state import Ctx
from webapp.views.common import badge, date_picker, link


def rows(corpus: data.Corpus, lang: str) -> list[dict]:
    """One bar per document period; open-ended periods run to the end of the axis."""
    starts = [d.validity.effective or d.validity.issued for d in corpus.docs]
    ends = [d.validity.expiry for d in corpus.docs]
    known = [x for x in starts + ends if x]
    horizon = (max(known) if known else date.today()) + timedelta(days=180)
    out = []
    for d in corpus.docs:
        v = d.validity
        label = f"{city_name(d.city, lang)} · {d.number or d.id}"
        start = v.effective or v.issued
        if start or v.expiry:
            out.append({"doc": label, "period": t("timeline.validity", lang), "start": start or v.expiry,
                        "end": v.expiry or horizon, "shown": fmt.period(start, v.expiry, lang)})
        if v.awards_from or v.awards_to:
            out.append({"doc": label, "period": t("timeline.awards", lang),
                        "start": v.awards_from or start, "end": v.awards_to or v.expiry or horizon,
                        "shown": fmt.period(v.awards_from, v.awards_to, lang)})
    return out


def chart_spec(rows_: list[dict], on: date, n_docs: int) -> dict:
    """A Vega-Lite timeline (one bar per period, a red rule on the chosen day), as a plain spec."""
    values = [{**r, "start": r["start"].isoformat(), "end": r["end"].isoformat()} for r in rows_]
    return {
        "height": 60 * n_docs + 40,
        "layer": [
            {"data": {"values": values}, "mark": {"type": "bar", "cornerRadius": 3},
             "encoding": {
                 "x": {"field": "start", "type": "temporal", "title": None, "axis": {"format": "%Y-%m"}},
                 "x2": {"field": "end"},
                 "y": {"field": "doc", "type": "nominal", "title": None, "axis": {"labelLimit": 320, "labelFontSize": 12}},
                 "yOffset": {"field": "period", "type": "nominal"},
                 "color": {"field": "period", "type": "nominal", "title": None, "legend": {"orient": "top"}},
                 "tooltip": [{"field": "doc"}, {"field": "period"}, {"field": "shown"}]}},
            {"data": {"values": [{"on": on.isoformat()}]}, "mark": {"type": "rule", "color": "#c0392b", "strokeWidth": 2},
             "encoding": {"x": {"field": "on", "type": "temporal"}}},
        ],
    }


def render(ctx: Ctx) -> None:
    on = date_picker("timeline_on", t("timeline.date"))
    st.subheader(t("timeline.chart"))
    periods = rows(ctx.corpus, ctx.lang)
    if periods:
        st.vega_lite_chart(chart_spec(periods, on, len(ctx.corpus.docs)), width="stretch")
    in_force = [d for d in ctx.corpus.docs if data.status(d.validity, on) == "in-force"]
    st.subheader(t("timeline.in_force", day=on.isoformat(), n=len(in_force)))
    esc = html.escape
    items = []
    for d in ctx.corpus.docs:
        s = data.status(d.validity, on)
        n = sum(c.kind == "incentive" for c in d.clauses)
        items.append(f'<li>{badge(s, ctx.lang)} <b lang="zh">{esc(city_name(d.city, ctx.lang))}</b> · '
                     f'<a href="{esc(link("document", ctx.lang, doc=d.id))}" target="_self">{esc(d.number or d.id)}</a> · '
                     f'{esc(fmt.period(d.validity.effective or d.validity.issued, d.validity.expiry, ctx.lang))} · '
                     f'{esc(t("timeline.incentives", ctx.lang, n=n))}</li>')
    st.html(f'<ul style="list-style:none;padding-left:0;line-height:2">{"".join(items)}</ul>')
    if not in_force:
        st.caption(t("timeline.none"))
