"""The compare view's like-for-like measures: per clause, the most one enterprise can get per year
(counts limits applied, ceilings marked "up to", conditions and limits shown), and the payout curve
("at a spend of X yuan, each city pays …", computed by the estimate engine on the compare date),
one line per city, ceilings dashed and labelled "up to" (analysis.payout_curve). Both cover the cities
of the compare view's current page of cards (the maxima: the page's clauses), so a render runs the
estimate engine on those cities' documents only, once per store, category, date, page and language.
"""
from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import streamlit as st

from analysis.payout_curve import SPEND_PROFILES, SPENDS, curve, maxima
from webapp import fmt
from webapp.i18n import city as city_name
from webapp.i18n import requirement_wording, t, vocab
from webapp.state import Ctx, _corpus


def _docs_of(stamp: str, store: str, cities: tuple[str, ...]) -> list:
    corpus = _corpus(stamp, store)
    return [d for city in cities for d in corpus.docs_of(city)]


@st.cache_data(show_spinner=False, max_entries=64)
def _curve_rows(stamp: str, store: str, category: str, on: str, lang: str, cities: tuple[str, ...]) -> list[dict]:
    return curve_rows(_docs_of(stamp, store, cities), category, date.fromisoformat(on), lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _maxima_html(stamp: str, store: str, category: str, lang: str, cities: tuple[str, ...],
                 clauses: frozenset[str]) -> str:
    return maxima_html(_docs_of(stamp, store, cities), category, lang, clauses)


def requirement_words(r, lang: str) -> str:
    """One structured condition in words, in the ontology's card wording of its kind (新建独立站 /
    直接持有独立站域名 ≥ 100% / the site's own turnover ≥ 300万元); an unknown kind as written."""
    wording = requirement_wording(r.kind, lang, direct=bool(r.direct))
    if wording is None:
        return r.text or r.kind
    scope = vocab("scope", r.scope, lang) if r.scope else ""
    level = t(f"req.level.{r.level}", lang) if r.level else ""
    return wording.format(scope=scope, value=_figure(r, lang), level=level).strip()


def _figure(r, lang: str) -> str:
    """A requirement's figure in its unit: 100%, 300万元, 1年 (in English the unit in words)."""
    if r.value is None:
        return ""
    if r.unit == "percent":
        return f"{_num(r.value)}%"
    if r.unit in ("CNY", "USD"):
        return fmt.money_words(r.value, lang, r.unit)
    return fmt.counted(Decimal(str(r.value)), r.unit, lang)


def _num(v: Decimal | None) -> str:
    """1 -> '1', 0.5 -> '0.5', 50.0 -> '50'."""
    if v is None:
        return ""
    s = format(Decimal(v).normalize(), "f")
    return s


def maxima_html(docs, category: str, lang: str, clauses: frozenset[str] | None = None) -> str:
    """A table, one row per clause (of `clauses` only, when given): city, article, instrument, the
    maximum, how, limits, conditions."""
    esc = html.escape
    head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in (
        "field.city", "field.article", "field.instrument", "payout.max", "payout.how", "payout.limits",
        "payout.requirements"))
    rows = []
    for m in maxima(docs, category):
        if clauses is not None and m.clause_id not in clauses:
            continue
        if m.value is None:
            shown = esc(t("payout.no_bound", lang))
        else:
            shown = esc(fmt.money_words(m.value, lang))
            if m.ceiling_only:
                shown = f'<span class="pkg-upto">{esc(t("payout.ceiling", lang))} {shown}</span>'
        rows.append(
            f'<tr data-clause="{esc(m.clause_id)}"><td>{esc(city_name(m.city, lang))}</td><td>{esc(m.article)}</td>'
            f'<td>{esc(vocab("instrument", m.instrument, lang))}</td><td class="pkg-max">{shown}</td>'
            f'<td style="font-size:.8rem">{esc(_how(m.how, lang))}</td>'
            f'<td lang="zh">{"<br>".join(esc(x) for x in m.count_limits) or "—"}</td>'
            f'<td>{"<br>".join(esc(requirement_words(r, lang)) for r in m.requirements) or "—"}</td></tr>')
    return (f'<table class="pkg-matrix pkg-maxima"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>")


def _how(how: str, lang: str) -> str:
    """The engine's working ('cap 200000 per site × at most 2') in the page's language."""
    if lang == "en":
        return how
    out = how
    for en, zh in (("highest tier", "最高档"), ("cap ", "上限 "), (" per ", " 每"), ("× at most", "× 最多"),
                   ("+ bonus", "+ 加码"), ("no bound per enterprise in the text", "原文未设上限"),
                   ("no bound:", "无上限："), ("enterprise", "家企业"), ("site", "个独立站"), ("warehouse", "个海外仓"),
                   ("store", "个店铺"), ("booth", "个展位"), ("operator", "个运营主体"), ("institution", "个机构"),
                   ("platform", "个平台"), ("event", "个活动"), ("case-by-case", "一事一议"), ("reference", "参照执行"),
                   ("unspecified", "未写明"), ("no instrument", "无方式")):
        out = out.replace(en, zh)
    return out


def curve_rows(docs, category: str, on: date, lang: str) -> list[dict]:
    """Chart rows: one per city, spend and line (certain / up to), with labels in `lang`."""
    rows = []
    for cv in curve(docs, category, on):
        name = city_name(cv.city, lang) + ("" if cv.in_force else t("payout.not_in_force", lang, day=on.isoformat()))
        has_ceiling = cv.up_to != cv.certain
        lines = [("certain", cv.certain)] + ([("up_to", cv.up_to)] if has_ceiling else [])
        for kind, values in lines:
            for i, (x, y) in enumerate(zip(SPENDS, values)):
                last = i == len(values) - 1
                label = t("payout.up_to", lang) if kind == "up_to" else t("payout.certain", lang)
                rows.append({"city": name, "spend": float(x), "yuan": float(y), "line": label,
                             "pays": fmt.money_words(y, lang), "at": fmt.money_words(x, lang),
                             "tag": (f"{t('estimate.up_to', lang)} {fmt.wan(y)}" if kind == "up_to" and last else "")})
    return rows


# Axis ticks in the page's language: 20万 / 200万 in Chinese, 200k / 2M in English.
WAN_TICKS = ("datum.value >= 100000000 ? format(datum.value / 100000000, '~g') + '亿' : "
             "datum.value >= 10000 ? format(datum.value / 10000, '~g') + '万' : format(datum.value, '~g')")


def _axis(lang: str) -> dict:
    return {"labelExpr": WAN_TICKS} if lang == "zh" else {"format": "~s"}


def curve_spec(rows: list[dict], lang: str) -> dict:
    """A Vega-Lite line chart: x spend, y what the city pays, a colour per city, 'up to' dashed.

    >>> curve_spec([], "zh")["encoding"]["y"]["axis"]["labelExpr"] == WAN_TICKS, curve_spec([], "en")["encoding"]["x"]["axis"]
    (True, {'format': '~s'})
    """
    return {
        "data": {"values": rows},
        "height": 320,
        "encoding": {
            "x": {"field": "spend", "type": "quantitative", "title": t("payout.spend", lang), "axis": _axis(lang)},
            "y": {"field": "yuan", "type": "quantitative", "title": t("payout.pays", lang), "axis": _axis(lang)},
            "color": {"field": "city", "type": "nominal", "title": t("field.city", lang),
                      "scale": {"scheme": "tableau10"}},
        },
        "layer": [
            {"mark": {"type": "line", "point": True},
             "encoding": {"strokeDash": {"field": "line", "type": "nominal", "title": t("payout.line", lang)},
                          "tooltip": [{"field": "city", "title": t("field.city", lang)},
                                      {"field": "at", "title": t("payout.spend", lang)},
                                      {"field": "pays", "title": t("payout.pays", lang)},
                                      {"field": "line", "title": t("payout.line", lang)}]}},
            {"mark": {"type": "text", "dx": -4, "dy": -8, "align": "right", "fontSize": 11},
             "encoding": {"text": {"field": "tag", "type": "nominal"}}},
        ],
    }


def render(ctx: Ctx, category: str, on: date, cities: tuple[str, ...], clauses: frozenset[str]) -> None:
    """The maxima table of `clauses` and the payout curve of `category` on `on` for `cities` (the
    compare view's current page)."""
    st.markdown(f"**{t('payout.max_heading', ctx.lang)}**")
    st.caption(t("payout.max_help", ctx.lang))
    st.html(_maxima_html(ctx.stamp, str(ctx.store), category, ctx.lang, cities, clauses))
    st.markdown(f"**{t('payout.curve_heading', ctx.lang, day=on.isoformat())}**")
    if category not in SPEND_PROFILES:
        st.caption(t("payout.curve_none", ctx.lang))
        return
    who = SPEND_PROFILES[category][1 if ctx.lang == "zh" else 2]
    st.caption(t("payout.curve_help", ctx.lang, who=who))
    rows = _curve_rows(ctx.stamp, str(ctx.store), category, on.isoformat(), ctx.lang, cities)
    st.vega_lite_chart(curve_spec(rows, ctx.lang), width="stretch")
