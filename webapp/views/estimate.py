"""Estimate: an enterprise profile (a form, or an uploaded YAML/JSON file in the format of
analysis/profile.py) and, per city, what its incentives would pay: the items with amounts,
explanations and source text, what cannot be computed and why, what is not in force on the chosen
date, and the totals as a range: what is certain to what the ceilings allow (analysis.estimate).
The date (?on=YYYY-MM-DD, default today) and the profile used, typed or uploaded, are shown. The
form starts from a sample enterprise, so ?view=estimate shows a result.
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
from webapp.state import Ctx
from webapp.views.common import category_label, date_picker, link, plain

ESTIMATE_TIMEOUT_S = 60.0  # the estimate's worker process is killed after this

SAMPLE = {
    "name": "示例企业 Sample enterprise",
    "exports_usd": 3000000,
    "turnover_cny": 8000000,
    "new_to_cross_border": False,
    "independent_sites": [{"spend_cny": 400000, "turnover_cny": 5000000, "new": True, "domain_share_percent": 100}],
    "fairs": [{"kind": "cross-border-ecommerce", "booths": 2, "fee_cny": 60000, "location": "overseas"}],
    "overseas_warehouses": [{"build_cost_cny": 2000000, "storage_cost_cny": 300000, "area_m2": 3000,
                             "months_in_use": 12, "public": "city"}],
    "trademark_fees_cny": 20000,
    "certification_fees_cny": 30000,
    "promotion_cny": 200000,
    "platform_fees_cny": 100000,
    "export_credit_insurance_premium_cny": 50000,
    "trainees": 20,
    "recognitions": ["provincial-cbec-demo-enterprise"],
}
MONEY_FIELDS = ("exports_usd", "turnover_cny", "trademark_fees_cny", "patent_fees_cny", "certification_fees_cny",
                "testing_fees_cny", "promotion_cny", "platform_fees_cny", "platform_promotion_cny",
                "export_credit_insurance_premium_cny")
TRISTATE = {"": None, "yes": True, "no": False}


def _num(label: str, value, key: str, step: float = 10000.0):
    return st.number_input(label, min_value=0.0, value=None if value is None else float(value), step=step,
                           key=key, placeholder="—")


def _tri(label: str, value, key: str):
    options = list(TRISTATE)
    index = options.index(next(k for k, v in TRISTATE.items() if v == value))
    return TRISTATE[st.selectbox(label, options, index=index, key=key,
                                 format_func=lambda o: {"": "—", "yes": t("misc.yes"), "no": t("misc.no")}[o])]


def _clean(d: dict) -> dict:
    """Drop empty values (an absent key means 'not stated'); whole floats become ints."""
    out = {}
    for k, v in d.items():
        if v is None or v == [] or v == "":
            continue
        out[k] = int(v) if isinstance(v, float) and v.is_integer() else v
    return out


def form(cities: list[str]) -> dict:
    """The profile form, filled with the sample; returns the profile as a dict."""
    from analysis.profile import FAIR_KINDS, RECOGNITIONS

    s = SAMPLE
    site, fair, wh = s["independent_sites"][0], s["fairs"][0], s["overseas_warehouses"][0]
    with st.form("estimate_form"):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("name", s["name"], key="est_name")
        chosen = c2.multiselect("cities", cities, default=cities, key="est_cities", format_func=city_name)
        rate = c3.number_input("usd_cny_rate", min_value=0.01, value=7.2, step=0.1, key="est_rate")
        money = {}
        cols = st.columns(5)
        for i, f in enumerate(MONEY_FIELDS):
            with cols[i % 5]:
                money[f] = _num(f, s.get(f), f"est_{f}")
        c1, c2, c3 = st.columns(3)
        with c1:
            new_cbec = _tri("new_to_cross_border", s["new_to_cross_border"], "est_new")
        with c2:
            trainees = _num("trainees", s["trainees"], "est_trainees", 1.0)
        with c3:
            recognitions = st.multiselect("recognitions", list(RECOGNITIONS), default=s["recognitions"],
                                          format_func=lambda r: RECOGNITIONS[r], key="est_recognitions")
        st.markdown("**independent_sites[0]**")
        c = st.columns(4)
        with c[0]:
            site_spend = _num("spend_cny", site["spend_cny"], "est_site_spend")
        with c[1]:
            site_turnover = _num("turnover_cny", site["turnover_cny"], "est_site_turnover")
        with c[2]:
            site_new = _tri("new", site["new"], "est_site_new")
        with c[3]:
            site_share = _num("domain_share_percent", site["domain_share_percent"], "est_site_share", 1.0)
        st.markdown("**fairs[0]**")
        c = st.columns(4)
        fair_kind = c[0].selectbox("kind", [""] + list(FAIR_KINDS), index=1 + list(FAIR_KINDS).index(fair["kind"]),
                                   format_func=lambda k: FAIR_KINDS.get(k, "—"), key="est_fair_kind")
        with c[1]:
            booths = _num("booths", fair["booths"], "est_fair_booths", 1.0)
        with c[2]:
            fee = _num("fee_cny", fair["fee_cny"], "est_fair_fee")
        location = c[3].selectbox("location", ["", "overseas", "domestic"], index=1, key="est_fair_loc",
                                  format_func=lambda x: {"": "—", "overseas": "境外", "domestic": "境内"}[x])
        st.markdown("**overseas_warehouses[0]**")
        c = st.columns(5)
        with c[0]:
            build = _num("build_cost_cny", wh["build_cost_cny"], "est_wh_build")
        with c[1]:
            storage = _num("storage_cost_cny", wh["storage_cost_cny"], "est_wh_storage")
        with c[2]:
            area = _num("area_m2", wh["area_m2"], "est_wh_area", 100.0)
        with c[3]:
            months = _num("months_in_use", wh["months_in_use"], "est_wh_months", 1.0)
        public = c[4].selectbox("public", ["", "city", "province"], index=1, key="est_wh_public",
                                format_func=lambda x: {"": "—", "city": "市级", "province": "省级"}[x])
        st.form_submit_button(t("estimate.run"), type="primary")
    profile = _clean({"name": name, "cities": chosen if set(chosen) != set(cities) else None,
                      "usd_cny_rate": rate if rate != 7.2 else None, **money,
                      "new_to_cross_border": new_cbec, "trainees": trainees, "recognitions": recognitions})
    if site_spend is not None:
        profile["independent_sites"] = [_clean({"spend_cny": site_spend, "turnover_cny": site_turnover,
                                                "new": site_new, "domain_share_percent": site_share})]
    if fair_kind and booths and fee is not None:
        profile["fairs"] = [_clean({"kind": fair_kind, "booths": booths, "fee_cny": fee, "location": location})]
    warehouse = _clean({"build_cost_cny": build, "storage_cost_cny": storage, "area_m2": area,
                        "months_in_use": months, "public": public})
    if warehouse:
        profile["overseas_warehouses"] = [warehouse]
    return profile


def read_upload(upload) -> dict:
    from analysis.profile import read_text

    try:
        text = upload.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyKGError(f"{upload.name}: not UTF-8 text") from None
    return read_text(text, upload.name, upload.name.lower().endswith(".json")) or {}


@st.cache_data(show_spinner=False, max_entries=16)
def run_estimate(stamp: str, store: str, profile_json: str) -> dict:
    """analysis.estimate on the store's documents, as its JSON record (cached per store and profile)."""
    from webapp import tasks, worker

    return worker.run(tasks.estimate, store, profile_json, timeout_s=ESTIMATE_TIMEOUT_S, what=t("estimate.running"))



def _money(v, lang: str) -> str:
    if v is None:
        return ""
    value = Decimal(str(v))
    return f'<span class="amt" title="{fmt.exact(value)}">{html.escape(fmt.money_words(value, lang))}</span>'


def _total(c: dict, lang: str) -> str:
    """The city's total as a range: what is certain – up to (with the ceiling-only clauses)."""
    if c["up_to_cny"] == c["total_cny"]:
        return _money(c["total_cny"], lang) + (" ≤" if c["total_is_maximum"] else "")
    return (f'<span class="pkg-range">{_money(c["total_cny"], lang)} – {_money(c["up_to_cny"], lang)}</span> '
            f'<span style="color:#666">({html.escape(t("estimate.certain", lang))} – '
            f'{html.escape(t("estimate.up_to", lang))})</span>')


def _item_html(i: dict, lang: str) -> str:
    esc = html.escape
    href = link("document", lang, doc=i["clause_id"].split("/")[0], clause=i["clause_id"])
    if i["amount_cny"] is None:
        amount = f'{esc(t("estimate.up_to", lang))} {_money(i["up_to_cny"], lang)}'
        bound = f' <span class="pkg-badge not-yet pkg-upto">{esc(t("payout.ceiling", lang))}</span>'
    else:
        amount = _money(i["amount_cny"], lang)
        bound = ' <span class="pkg-badge not-yet">≤</span>' if i["bound"] == "maximum" else ""
    period = fmt.frequency({"one-time": True, "yearly": False}.get(i["period"]), lang)
    category = category_label(i["category"], lang) if i["category"] else ""
    return (f'<div class="pkg-inc"><div class="head"><a class="art" href="{esc(href)}" target="_self" '
            f'title="{esc(i["clause_id"])}">{esc(i["article"])}</a><span class="pkg-badge instr">{esc(category)}</span>'
            f'<b>{amount}</b>{bound} <span>{esc(period)}</span></div>'
            f'<div style="font-size:.85rem">{esc(t("estimate.explanation", lang))}: {esc(i["explanation"])}</div>'
            + "".join(f'<div style="font-size:.8rem;color:#555">✓ {esc(x)}</div>' for x in i["checks"])
            + f'<div class="pkg-src" lang="zh">{fmt.highlight(i["source_text"], [])}</div></div>')


def results_html(record: dict, lang: str) -> str:
    """The date, a summary row per city (totals as a range), then each city's items and the rest."""
    esc = html.escape
    head = (f'<p class="pkg-asof">{esc(t("estimate.date_note", lang, day=record["as_of"]))}</p>'
            f'<table class="pkg-matrix"><thead><tr><th>{esc(t("field.city", lang))}</th>'
            f'<th>{esc(t("field.document", lang))}</th><th>{esc(t("estimate.total", lang))}</th>'
            f'<th>{esc(t("estimate.items", lang))}</th><th>{esc(t("estimate.not_computable", lang))}</th>'
            f'<th>{esc(t("estimate.not_in_force", lang))}</th></tr></thead><tbody>')
    rows = []
    for c in record["cities"]:
        rows.append(f'<tr data-city="{esc(c["city"])}"><th lang="zh">{esc(city_name(c["city"], lang))}</th>'
                    f'<td>{esc(", ".join(c["documents"]))}</td><td class="pkg-total">{_total(c, lang)}</td>'
                    f'<td>{len(c["items"])}</td><td>{len(c["not_computable"])}</td>'
                    f'<td>{len(c["not_in_force"])}</td></tr>')
    out = [head + "".join(rows) + "</tbody></table>"]
    for c in record["cities"]:
        out.append(f'<section class="pkg-city" style="margin-top:14px"><h3 lang="zh">{esc(city_name(c["city"], lang))} · '
                   f'{esc(t("estimate.total", lang))} {_total(c, lang)}</h3>')
        out.extend(_item_html(i, lang) for i in c["items"])
        skipped = [(t("estimate.not_computable", lang), c["not_computable"]),
                   (t("estimate.not_eligible", lang), c["not_eligible"]),
                   (t("estimate.excluded", lang), c["excluded"]), (t("estimate.not_in_force", lang), c["not_in_force"])]
        for title, items in skipped:
            if not items:
                continue
            lis = "".join(f'<li><a href="{esc(link("document", lang, doc=s["clause_id"].split("/")[0], clause=s["clause_id"]))}" '
                          f'target="_self">{esc(s["article"] or s["clause_id"])}</a> — {esc(s["reason"])}</li>' for s in items)
            out.append(f'<details style="margin-top:8px"><summary>{esc(title)} ({len(items)})</summary>'
                       f'<ul style="font-size:.85rem">{lis}</ul></details>')
        out.append("</section>")
    return "".join(out)


def render(ctx: Ctx) -> None:
    import yaml

    st.subheader(t("estimate.profile"))
    on = date_picker("estimate_on", t("estimate.as_of"))
    upload = st.file_uploader(t("estimate.upload"), type=["yaml", "yml", "json"], key="estimate_upload")
    profile = form(ctx.corpus.cities)
    source = t("estimate.typed")
    if upload is not None:
        try:
            profile = read_upload(upload)
        except PolicyKGError as exc:
            st.error(plain(t("estimate.bad_profile", error=exc)))
            return
        source = t("estimate.uploaded", name=upload.name)
    if isinstance(profile, dict):
        profile = {**profile, "as_of": on.isoformat()}  # the date shown is the date estimated
    with st.expander(f"{t('estimate.used_profile')} {source}", expanded=True):
        st.code(yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), language="yaml")
    try:
        record = run_estimate(ctx.stamp, str(ctx.store), json.dumps(profile, ensure_ascii=False, sort_keys=True,
                                                                   default=str))
    except PolicyKGError as exc:
        st.error(plain(t("estimate.bad_profile", error=exc)))
        return
    for a in record["assumptions"]:
        st.caption(plain(a))
    st.html(results_html(record, ctx.lang))
