"""Graph view: an interactive pyvis picture (graph.projection, all scripts inline, so it works
offline) of a category's neighbourhood (its incentives, their cities, broader and narrower
categories) or a city's (its incentives and their categories), with the same nodes listed as
text below. Deep link: ?view=graph&category=independent-site or ?view=graph&city=温州.
"""
from __future__ import annotations

import html

import streamlit as st

from webapp import fmt
from webapp.i18n import city as city_name
from webapp.i18n import t, vocab
from webapp.state import Ctx, _corpus, synced, to_url
from webapp.views.common import category_label, category_picker, link

HEIGHT = 720


@st.cache_resource(show_spinner=False, max_entries=4)
def projection(stamp: str, store: str):
    from graph.projection import project_documents

    return project_documents(_corpus(stamp, store).docs)


@st.cache_data(show_spinner=False, max_entries=64)
def page(stamp: str, store: str, node: str, lang: str) -> tuple[str, list[dict]]:
    """(pyvis HTML, the subgraph's incentive nodes as rows) around `node`."""
    from graph.projection import neighbourhood, to_html

    sub = neighbourhood(projection(stamp, store), node)
    if lang == "en":
        for _, d in sub.nodes(data=True):
            if d.get("kind") == "category":
                d["label"] = d.get("label_en", d["label"])
            elif d.get("kind") == "city":
                d["label"] = city_name(d["label"], "en")
    rows = [dict(d) for n, d in sorted(sub.nodes(data=True)) if d.get("kind") == "incentive"]
    return to_html(sub), rows


def render(ctx: Ctx) -> None:
    modes = ["category", "city"]
    if "graph_mode" not in st.session_state:
        st.session_state["graph_mode"] = "city" if "city" in st.query_params else "category"
    mode = st.segmented_control(t("graph.mode"), modes, key="graph_mode", required=True,
                                format_func=lambda m: t(f"graph.by_{m}"))
    if mode == "city":
        cities = ctx.corpus.cities
        synced("graph_city", "city", valid=lambda v: v in cities)
        city = st.selectbox(t("field.city"), cities, key="graph_city", format_func=city_name,
                            on_change=to_url, args=("graph_city", "city"))
        node, heading = f"city:{city}", city_name(city)
    else:
        category = category_picker(ctx, "graph_category", t("compare.category"))
        node, heading = f"category:{category}", category_label(category)
    st.caption(t("graph.help"))
    body, rows = page(ctx.stamp, str(ctx.store), node, ctx.lang)
    st.iframe(body, height=HEIGHT + 60)
    esc = html.escape
    items = "".join(
        f'<li><b lang="zh">{esc(city_name(r["city"]))}</b> · '
        f'<a href="{esc(link("document", doc=r["clause"].split("/")[0], clause=r["clause"]))}" target="_self">'
        f'{esc(r["document"])} {esc(r["article"])}</a> · {esc(vocab("instrument", r.get("instrument")))}'
        + (f' · {fmt.money_html(r["highest_cap"])}' if r.get("highest_cap") is not None else "")
        + "</li>" for r in rows)
    st.html(f'<p><b>{esc(heading)}</b>: {len(rows)} {esc(t("kind.incentive"))}</p><ul>{items}</ul>')
