"""Document view: the original text with every clause highlighted (colour by kind, figures marked)
and, beside it, the extracted fields of the selected clause. Deep link:
?view=document&doc=wenzhou-2022-60&clause=wenzhou-2022-60/1.2/c1 (click a clause to select it).
"""
from __future__ import annotations

import html
import json
import re

import streamlit as st

from ingest.categories import with_broader
from ingest.model import Clause, Document
from policykg.records import clause_record
from webapp import data, fmt
from webapp.i18n import city as city_name
from webapp.i18n import t, vocab
from webapp.state import Ctx, synced, to_url
from webapp.views.common import category_label, link, plain

KINDS = ("incentive", "measure", "target", "general")


def _dom_id(clause_id: str) -> str:
    return "cl-" + re.sub(r"[^0-9A-Za-z_-]", "-", clause_id)


def _figure_spans(c: Clause) -> list[tuple[int, int, str]]:
    """Original-text offsets of the clause's figures, with a hover title."""
    out = []
    for fig, title in data.figures(c):
        span = getattr(fig, "span", None)
        if span is not None and c.span.start <= span.start < span.end <= c.span.end:
            out.append((span.start, span.end, title))
    return out


def _summary(c: Clause, lang: str) -> str:
    parts = [c.article, vocab("kind", c.kind, lang)]
    if c.instrument:
        parts.append(vocab("instrument", c.instrument, lang))
    parts += [fmt.percent(r.percent) for r in c.rates]
    parts += [f"{vocab('role', a.role, lang)} {fmt.wan(a.value)}" for a in c.amounts]
    return " · ".join(p for p in parts if p)


def text_html(doc: Document, text: str, selected: str | None, lang: str) -> str:
    """The whole original text, each clause a link with its kind's colour, figures in <mark>."""
    esc = html.escape
    out, pos = [], 0
    for c in sorted(doc.clauses, key=lambda c: c.span.start):
        s, e = c.span.start, c.span.end
        if s < pos or e > len(text):
            continue
        out.append(esc(text[pos:s]))
        marks = sorted(_figure_spans(c) + [(g0, g1, "") for g0, g1 in c.span.gaps])
        inner, p = [], s
        for m0, m1, title in marks:
            if m0 < p:
                continue
            inner.append(esc(text[p:m0]))
            piece = esc(text[m0:m1])
            inner.append(f'<mark class="fig" title="{esc(title)}">{piece}</mark>' if title
                         else f'<span class="gap">{piece}</span>')
            p = m1
        inner.append(esc(text[p:e]))
        cls = f"cl {c.kind}" + (" sel" if c.id == selected else "")
        href = link("document", lang, doc=doc.id, clause=c.id)
        out.append(f'<a class="{cls}" id="{_dom_id(c.id)}" href="{esc(href)}" target="_self" '
                   f'title="{esc(_summary(c, lang))}">{"".join(inner)}</a>')
        pos = e
    out.append(esc(text[pos:]))
    return f'<div class="pkg-text" lang="zh">{"".join(out)}</div>'


def fields_html(doc: Document, c: Clause, lang: str) -> str:
    """Every extracted field of one clause, as a definition list."""
    esc = html.escape

    def row(key: str, value: str) -> str:
        return f"<dt>{esc(t(key, lang))}</dt><dd>{value or t('misc.none', lang)}</dd>"

    amounts = lambda role: "<br>".join(fmt.amount_html(data.amount_dict(a), lang) for a in c.amounts if a.role == role)  # noqa: E731
    rows = [
        row("field.article", esc(c.article)),
        row("field.kind", esc(vocab("kind", c.kind, lang))),
        row("field.categories", esc("、".join(category_label(s, lang) for s in with_broader(c.categories)))),
        row("field.instrument", esc(vocab("instrument", c.instrument, lang))),
        row("field.rate", "<br>".join(esc(fmt.percent(r.percent) + (f" × {r.base}" if r.base else "")) for r in c.rates)),
        row("field.cap", amounts("cap")),
        row("field.award", amounts("award")),
        row("field.per_unit", amounts("per-unit")),
        row("field.tiers", "<br>".join(
            (esc(fmt.threshold(data.threshold_dict(x.threshold), lang)) + " → " if x.threshold else "")
            + fmt.amount_html(data.amount_dict(x.amount), lang) for x in c.tiers)),
        row("field.thresholds", "<br>".join(esc(fmt.threshold(data.threshold_dict(x), lang)) for x in c.thresholds)),
        row("field.frequency", esc(fmt.frequency(c.one_time, lang))),
        row("field.bonuses", "<br>".join(
            esc(b.condition) + " +" + (fmt.money_html(b.amount) if b.amount is not None else esc(fmt.percent(b.percent)))
            for b in c.bonuses)),
        row("field.beneficiary", esc(c.beneficiary or "")),
        row("field.conditions", "<br>".join(esc(x) for x in c.conditions)),
        row("field.funding", "<br>".join(
            f'<span title="{esc(r.text)}">{esc(fmt.funding(data.funding_dict(r), lang))}</span>'
            for r in doc.funding_of(c))),
        row("field.stacking", "<br>".join(esc(s.text) for s in c.stacking)),
        row("field.agencies", esc("、".join(c.agencies))),
        row("field.references", "<br>".join(esc(f"《{r.title}》" if r.title else "") + esc(r.number or "")
                                            for r in c.references)),
        row("field.unparsed", esc("、".join(c.unparsed))),
    ]
    return f'<div class="pkg-inc" style="border:none;margin:0;padding:0"><dl>{"".join(rows)}</dl></div>'


def render(ctx: Ctx) -> None:
    corpus = ctx.corpus
    ids = [d.id for d in corpus.docs]
    synced("document_doc", "doc", valid=lambda v: v in ids)
    if st.session_state.get("document_doc") not in ids:
        st.session_state["document_doc"] = ids[0]

    def doc_changed() -> None:
        to_url("document_doc", "doc")
        st.query_params.pop("clause", None)
        st.session_state.pop("document_clause", None)

    doc_id = st.selectbox(t("document.pick"), ids, key="document_doc", on_change=doc_changed,
                          format_func=lambda i: f"{city_name(corpus.by_id[i].city)} · "
                                                f"{corpus.by_id[i].number or i} · {corpus.by_id[i].title or ''}")
    doc = corpus.by_id[doc_id]
    clause_ids = [c.id for c in doc.clauses]
    synced("document_clause", "clause", valid=lambda v: v in clause_ids)
    if st.session_state.get("document_clause") not in clause_ids:
        st.session_state.pop("document_clause", None)

    left, right = st.columns([3, 2], gap="medium")
    with right:
        selected = st.selectbox(t("document.clause"), clause_ids, key="document_clause", index=None,
                                placeholder=t("document.none"), on_change=to_url, args=("document_clause", "clause"),
                                format_func=lambda i: _clause_option(doc, i, ctx.lang))
    with left:
        st.markdown(f"**{t('document.text')}**")
        st.html('<div class="pkg-legend">' + t("document.legend") + "".join(
            f'<span class="pkg-text"><a class="cl {k}">{html.escape(vocab("kind", k, ctx.lang))}</a></span>'
            for k in KINDS) + "</div>")
        text = corpus.source(doc)
        with st.container(height=720):
            if text is None:
                st.warning(plain(t("document.no_text", file=doc.file)))
                st.html("".join(f'<p><b>{html.escape(c.article)}</b> {html.escape(c.text)}</p>' for c in doc.clauses))
            else:
                st.html(text_html(doc, text, selected, ctx.lang))
    with right:
        if selected is None:
            st.caption(t("document.none"))
            return
        c = next(c for c in doc.clauses if c.id == selected)
        st.markdown(f"**{t('document.fields')}** · `{c.id}`")
        marks = data.marks(c, text)
        st.html(f'<div class="pkg-src" lang="zh">{fmt.highlight(c.text, marks)}</div>')
        st.html(fields_html(doc, c, ctx.lang))
        with st.expander(t("document.record")):
            st.code(json.dumps(clause_record(doc, c), ensure_ascii=False, indent=1), language="json")
        st.html(f"<script>setTimeout(function(){{var e=document.getElementById({json.dumps(_dom_id(c.id))});"
                "if(e){e.scrollIntoView({block:'center'});}},400);</script>", unsafe_allow_javascript=True)


def _clause_option(doc: Document, clause_id: str, lang: str) -> str:
    c = next(c for c in doc.clauses if c.id == clause_id)
    return f"{c.article} · {vocab('kind', c.kind, lang)} · {c.text[:28]}…"
