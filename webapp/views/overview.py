"""Overview: the city × category matrix (who supports what, with the highest cap in each cell) and a
card per document (number, title, issuer, validity, in force today or expired)."""
from __future__ import annotations

import html
from datetime import date

import streamlit as st

from webapp import data, fmt
from webapp.i18n import city as city_name
from webapp.i18n import t
from webapp.state import Ctx, _corpus
from webapp.views.common import badge, category_label, link


@st.cache_data(show_spinner=False, max_entries=8)
def _matrix(stamp: str, store: str) -> dict:
    return data.matrix(_corpus(stamp, store))


def matrix_html(corpus: data.Corpus, cells: dict, lang: str) -> str:
    """Rows are categories with at least one incentive somewhere, columns are cities."""
    esc = html.escape
    rows = sorted(cells, key=lambda s: (-len(cells[s]), -sum(c["n"] for c in cells[s].values()), s))
    head = "".join(f'<th lang="zh">{esc(city_name(c, lang))}</th>' for c in corpus.cities)
    out = [f'<table class="pkg-matrix"><thead><tr><th>{esc(t("overview.category", lang))}</th>{head}</tr></thead><tbody>']
    for slug in rows:
        href = link("compare", lang, category=slug)
        out.append(f'<tr><th><a href="{esc(href)}" target="_self">{esc(category_label(slug, lang))}</a></th>')
        for city in corpus.cities:
            cell = cells[slug].get(city)
            if cell is None:
                out.append('<td class="no">—</td>')
                continue
            if cell["top"] is not None:
                title = f'{fmt.exact(cell["top"])} · {cell["article"]} · n={cell["n"]}'
                shown = f'✓ <span class="amt">{esc(fmt.wan(cell["top"]))}</span>'
            else:
                title = f'{t("overview.no_amount", lang)} · n={cell["n"]}'
                shown = "✓"
            out.append(f'<td class="yes" title="{esc(title)}">{shown}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def cards_html(corpus: data.Corpus, today: date, lang: str) -> str:
    esc = html.escape
    out = ['<div class="pkg-cards">']
    for d in corpus.docs:
        v = d.validity
        n_inc = sum(c.kind == "incentive" for c in d.clauses)
        computed = t("date.computed", lang, duration=v.duration) if v.expiry_computed and v.duration else ""
        awards = (f'<div>{esc(t("doc.awards", lang))}: {esc(fmt.period(v.awards_from, v.awards_to, lang))}</div>'
                  if v.awards_from or v.awards_to else "")
        out.append(
            f'<div class="pkg-card"><h4 lang="zh">{esc(city_name(d.city, lang))} · {esc(d.number or d.id)} '
            f'{badge(data.status(v, today), lang)}</h4>'
            f'<div class="title" lang="zh">{esc(d.title or "")}</div>'
            f'<div>{esc(t("doc.issuer", lang))}: {esc(d.issuer or "")}</div>'
            f'<div>{esc(t("doc.issued", lang))}: {esc(fmt.day(v.issued, lang))}</div>'
            f'<div>{esc(t("doc.validity", lang))}: {esc(fmt.period(v.effective or v.issued, v.expiry, lang))}'
            f'{esc(computed)}</div>{awards}'
            f'<div>{esc(t("doc.clauses", lang, clauses=len(d.clauses), incentives=n_inc))} · '
            f'<a href="{esc(link("document", lang, doc=d.id))}" target="_self">{esc(t("doc.open", lang))} →</a></div>'
            "</div>")
    out.append("</div>")
    return "".join(out)


def render(ctx: Ctx) -> None:
    st.caption(t("app.caption"))
    st.subheader(t("overview.matrix"))
    st.caption(t("overview.matrix_help"))
    st.html(matrix_html(ctx.corpus, _matrix(ctx.stamp, str(ctx.store)), ctx.lang))
    today = date.today()
    st.subheader(t("overview.documents") + " " + t("status.today", day=today.isoformat()))
    st.html(cards_html(ctx.corpus, today, ctx.lang))
