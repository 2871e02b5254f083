"""Compare: pick a category and see every city side by side with its incentives in it (instrument,
rate, cap and what it is per, thresholds, one-time or yearly, bonuses, funding split, validity on
a chosen date, article), each with its source sentence, numbers highlighted, and a link to that
clause in the document view; below them the like-for-like measures of webapp.views.payout_chart
(the most per enterprise per year, and the payout curve on the chosen date) of the page's cities and
clauses. Deep link:
?view=compare&category=independent-site (&on=YYYY-MM-DD). The cards are real HTML text, a page of
data.PAGE_SIZE at a time (in the order of the named query compare-category) with a page picker.
"""
from __future__ import annotations

import html
from decimal import Decimal

import streamlit as st

from webapp import data, fmt
from webapp.i18n import city as city_name
from webapp.i18n import requirement_wording, t, vocab
from webapp.state import Ctx
from webapp.views import payout_chart
from webapp.views.common import badge, category_label, category_picker, comparison_page, date_picker, link

KEY = "compare_category"


def render(ctx: Ctx) -> None:
    left, mid, right = st.columns([3, 1.2, 1.6], vertical_alignment="bottom")
    with left:
        category = category_picker(ctx, KEY, t("compare.category"))
    with mid:
        on = date_picker("compare_on", t("compare.on"))
    with right:
        every = st.checkbox(t("compare.all_kinds"), key="compare_all")
    kinds = ("incentive", "measure", "target", "general") if every else ("incentive",)
    page_key = f"compare_page|{category}|{'all' if every else 'incentive'}"
    offset = st.session_state.get(page_key, 0)
    blocks, total, with_items = comparison_page(ctx.stamp, str(ctx.store), category, on, kinds, offset)
    st.session_state["current_comparison"] = (category, on, kinds)

    label = category_label(category, ctx.lang)
    st.subheader(t("compare.heading", category=label))
    st.caption(t("compare.cities", n=len(ctx.corpus.cities), k=with_items))
    if total > data.PAGE_SIZE:
        starts = list(range(0, total, data.PAGE_SIZE))
        st.selectbox(t("compare.pages"), starts, key=page_key,
                     format_func=lambda a: f"{a + 1}–{min(a + data.PAGE_SIZE, total)}")
        st.caption(t("compare.page", a=offset + 1, b=min(offset + data.PAGE_SIZE, total), n=total))
    st.html(_cards_html(ctx.stamp, str(ctx.store), category, on, kinds, offset, ctx.lang))
    page_cities = tuple(b["city"] for b in blocks)
    payout_chart.render(ctx, category, on, page_cities, frozenset(it["clause"] for b in blocks for it in b["items"]))


@st.cache_data(show_spinner=False, max_entries=64)
def _cards_html(stamp: str, store: str, category: str, on, kinds: tuple[str, ...], offset: int, lang: str) -> str:
    """cards_html of one page, made once per store version, category, date, kinds, page and language."""
    blocks, _, _ = comparison_page(stamp, store, category, on, kinds, offset)
    return cards_html(blocks, lang)


def _row(label: str, value: str) -> str:
    return f"<dt>{html.escape(label)}</dt><dd>{value or t('misc.none')}</dd>"


def _noun(per: str | None, lang: str) -> str:
    """What a per-what counts, as a noun: per:site '每个独立站' -> 独立站, 'per website' -> website."""
    said = vocab("per", per, lang)
    for lead in ("每个", "每家", "每", "单个", "单家", "per "):
        said = said.removeprefix(lead)
    return said


def _quantity(value: object, unit: str | None, lang: str) -> str:
    """A requirement's figure in its unit: 50%, 300万元 (CNY 3 million), 1年 (1 year), never a bare percent."""
    if unit == "percent":
        return fmt.percent(Decimal(str(value)))
    if unit in ("CNY", "USD"):
        return fmt.money_words(Decimal(str(value)), lang, unit)
    return fmt.counted(Decimal(str(value)), str(unit), lang)


def requirement_text(r: dict, lang: str) -> str:
    """A condition in words: 新建独立站, 直接持有独立站域名 ≥ 100%, 独立站自身交易额 ≥ 300万元, 运营 ≥ 1年."""
    wording = requirement_wording(r["kind"], lang, direct=bool(r["direct"]))  # the ontology's card wording
    if wording is None:
        return t("card.req.other", lang, text=r["text"])
    scope = _noun(r["scope"], lang) if r["scope"] in ("site", "store", "warehouse") else ""
    value = _quantity(r["value"], r["unit"], lang) if r["value"] is not None else ""
    level = t(f"req.level.{r['level']}", lang) if r.get("level") else ""
    return wording.format(scope=scope, value=value, level=level).strip()


def limit_text(x: dict, lang: str) -> str:
    """A counts limit: 每家企业最多2个独立站 / at most 2 × website per enterprise."""
    return t("limit.count", lang, per=vocab("per", x["per"], lang), count=x["count"], unit=_noun(x["unit"], lang))


def item_html(it: dict, lang: str) -> str:
    """One incentive as a card section: fields, source sentence, link to the document view."""
    esc = html.escape
    href = link("document", lang, doc=it["doc"], clause=it["clause"])
    head = (f'<div class="head"><a class="art" href="{esc(href)}" target="_self">{esc(it["article"])}</a>'
            f'<span class="pkg-badge instr">{esc(vocab("instrument", it["instrument"], lang) or vocab("kind", it["kind"], lang))}</span>'
            f'<span style="font-size:.8rem;color:#666">{esc(it["number"])}</span></div>')
    if it["kind"] != "incentive":
        source = fmt.highlight(it["text"], it["marks"])
        return (f'<div class="pkg-inc" id="{esc(it["clause"])}">{head}'
                f'<div class="pkg-src" lang="zh">{source}</div>'
                f'<a href="{esc(href)}" target="_self">{esc(t("compare.open", lang))} →</a></div>')
    rows = [
        _row(t("field.rate", lang), "<br>".join(
            esc(fmt.percent(r["percent"]) + (f" × {r['base']}" if r["base"] else "")
                + (f"（{r['qualifier']}）" if r["qualifier"] else "")) for r in it["rates"])),
        _row(t("field.cap", lang), "<br>".join(fmt.amount_html(a, lang) for a in it["caps"])),
    ]
    if it["awards"]:
        rows.append(_row(t("field.award", lang), "<br>".join(fmt.amount_html(a, lang) for a in it["awards"])))
    if it["per_unit"]:
        rows.append(_row(t("field.per_unit", lang), "<br>".join(fmt.amount_html(a, lang) for a in it["per_unit"])))
    if it.get("pools"):  # 所有企业年度累计补助最高不超过300万元: a pool for all, never one firm's cap
        rows.append(_row(t("field.pool", lang), "<br>".join(
            f'<span class="pool">{fmt.amount_html(a, lang)}</span>' for a in it["pools"])))
    if it.get("count_limits"):
        rows.append(_row(t("field.count_limits", lang), "<br>".join(
            f'<span class="tip" title="{esc(x["text"])}">{esc(limit_text(x, lang))}</span>' for x in it["count_limits"])))
    if it.get("requirements"):
        rows.append(_row(t("field.requirements", lang), "<br>".join(
            f'<span class="tip" title="{esc(r["text"])}">{esc(requirement_text(r, lang))}</span>'
            for r in it["requirements"])))
    if it["tiers"]:
        rows.append(_row(t("field.tiers", lang), "<br>".join(
            (esc(fmt.threshold(x["threshold"], lang)) + " → " if x["threshold"] else
             (esc(x["label"]) + " → " if x["label"] else "")) + fmt.amount_html(x["amount"], lang)
            for x in it["tiers"])))
    rows += [
        _row(t("field.thresholds", lang), "<br>".join(esc(fmt.threshold(x, lang)) for x in it["thresholds"])),
        _row(t("field.frequency", lang), esc(fmt.frequency(it["one_time"], lang))),
        _row(t("field.bonuses", lang), "<br>".join(
            esc(b["condition"]) + " +" + (fmt.money_html(b["amount"]) if b["amount"] is not None
                                          else esc(fmt.percent(b["percent"]))) for b in it["bonuses"])),
        _row(t("field.funding", lang), "<br>".join(
            f'<span class="tip" title="{esc(f["text"])}">{esc(fmt.funding(f, lang, short=True))}</span>'
            for f in it["funding"])),
        _row(t("field.validity", lang), esc(fmt.period(it["valid_from"], it["valid_to"], lang))
             + " " + badge(it["status"], lang)),
    ]
    source = fmt.highlight(it["text"], it["marks"])
    return (f'<div class="pkg-inc" id="{esc(it["clause"])}">{head}<dl>{"".join(rows)}</dl>'
            f'<div class="pkg-src" lang="zh">{source}</div>'
            f'<a href="{esc(href)}" target="_self">{esc(t("compare.open", lang))} →</a></div>')


def cards_html(blocks: list[dict], lang: str) -> str:
    """Every city as a column of cards; a city with nothing says so instead of being left out."""
    esc = html.escape
    out = ['<div class="pkg-grid">']
    for b in blocks:
        docs = "<br>".join(f'{esc(d["number"])} · {esc(fmt.period(d["valid_from"], d["valid_to"], lang))} '
                           f'{badge(d["status"], lang)}' for d in b["docs"])
        cls = "pkg-city" + ("" if b["items"] else " empty")
        out.append(f'<section class="{cls}"><h3 lang="zh">{esc(city_name(b["city"], lang))}</h3>'
                   f'<div class="docs">{docs}</div>')
        if b["items"]:
            out.extend(item_html(it, lang) for it in b["items"])
        else:
            out.append(f'<div class="pkg-none">{esc(t("compare.none", lang))}</div>')
        out.append("</section>")
    out.append("</div>")
    return "".join(out)
