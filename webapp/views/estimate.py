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
from typing import Any

import streamlit as st

from analysis.estimate.messages import key_title, quantity, render_json, term
from analysis.profile import FAIR_KINDS, RECOGNITIONS, read_text
from policykg.errors import PolicyKGError
from webapp import fmt
from webapp.i18n import city as city_name
from webapp.i18n import t
from webapp.state import Ctx
from webapp.views.common import category_label, date_picker, link, plain, uploader_in_chinese

ESTIMATE_TIMEOUT_S = 60.0  # the estimate's worker process is killed after this

SAMPLE: dict[str, Any] = {
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


def _num(path: str, value, key: str, lang: str, step: float = 10000.0):
    return st.number_input(key_title(path, lang), min_value=0.0, value=None if value is None else float(value),
                           step=step, key=key, placeholder="—")


def _tri(path: str, value, key: str, lang: str):
    options = list(TRISTATE)
    index = options.index(next(k for k, v in TRISTATE.items() if v == value))
    return TRISTATE[st.selectbox(key_title(path, lang), options, index=index, key=key,
                                 format_func=lambda o: {"": "—", "yes": t("misc.yes"), "no": t("misc.no")}[o])]


def _clean(d: dict) -> dict:
    """Drop empty values (an absent key means 'not stated'); whole floats become ints."""
    out = {}
    for k, v in d.items():
        if v is None or v == [] or v == "":
            continue
        out[k] = int(v) if isinstance(v, float) and v.is_integer() else v
    return out


def _pick(path: str, kind: str, options: list[str], index: int, key: str, lang: str, column):
    """A selectbox of a profile enumeration, its options shown by their labels (ontology/estimate.yaml)."""
    return column.selectbox(key_title(path, lang), [""] + options, index=index, key=key,
                            format_func=lambda k: term(kind, k, lang) if k else "—")


def form(cities: list[str], lang: str) -> dict:
    """The profile form, filled with the sample; returns the profile as a dict. Every label is the
    profile key's label in the language (analysis.estimate.messages.key_label)."""
    s = SAMPLE
    site, fair, wh = s["independent_sites"][0], s["fairs"][0], s["overseas_warehouses"][0]
    with st.form("estimate_form"):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input(key_title("name", lang), t("estimate.sample", lang), key="est_name")
        chosen = c2.multiselect(key_title("cities", lang), cities, default=cities, key="est_cities",
                                format_func=city_name)
        rate = c3.number_input(key_title("usd_cny_rate", lang), min_value=0.01, value=7.2, step=0.1, key="est_rate")
        money = {}
        cols = st.columns(5)
        for i, f in enumerate(MONEY_FIELDS):
            with cols[i % 5]:
                money[f] = _num(f, s.get(f), f"est_{f}", lang)
        c1, c2, c3 = st.columns(3)
        with c1:
            new_cbec = _tri("new_to_cross_border", s["new_to_cross_border"], "est_new", lang)
        with c2:
            trainees = _num("trainees", s["trainees"], "est_trainees", lang, 1.0)
        with c3:
            recognitions = st.multiselect(key_title("recognitions", lang), list(RECOGNITIONS),
                                          default=s["recognitions"], key="est_recognitions",
                                          format_func=lambda r: term("recognition", r, lang))
        st.markdown(f"**{key_title('independent_sites[0]', lang)}**")
        c = st.columns(4)
        with c[0]:
            site_spend = _num("independent_sites[].spend_cny", site["spend_cny"], "est_site_spend", lang)
        with c[1]:
            site_turnover = _num("independent_sites[].turnover_cny", site["turnover_cny"], "est_site_turnover", lang)
        with c[2]:
            site_new = _tri("independent_sites[].new", site["new"], "est_site_new", lang)
        with c[3]:
            site_share = _num("independent_sites[].domain_share_percent", site["domain_share_percent"],
                              "est_site_share", lang, 1.0)
        st.markdown(f"**{key_title('fairs[0]', lang)}**")
        c = st.columns(4)
        fair_kind = _pick("fairs[].kind", "fair_kind", list(FAIR_KINDS), 1 + list(FAIR_KINDS).index(fair["kind"]),
                          "est_fair_kind", lang, c[0])
        with c[1]:
            booths = _num("fairs[].booths", fair["booths"], "est_fair_booths", lang, 1.0)
        with c[2]:
            fee = _num("fairs[].fee_cny", fair["fee_cny"], "est_fair_fee", lang)
        location = _pick("fairs[].location", "location", ["overseas", "domestic"], 1, "est_fair_loc", lang, c[3])
        st.markdown(f"**{key_title('overseas_warehouses[0]', lang)}**")
        w = st.columns(5)
        with w[0]:
            build = _num("overseas_warehouses[].build_cost_cny", wh["build_cost_cny"], "est_wh_build", lang)
        with w[1]:
            storage = _num("overseas_warehouses[].storage_cost_cny", wh["storage_cost_cny"], "est_wh_storage", lang)
        with w[2]:
            area = _num("overseas_warehouses[].area_m2", wh["area_m2"], "est_wh_area", lang, 100.0)
        with w[3]:
            months = _num("overseas_warehouses[].months_in_use", wh["months_in_use"], "est_wh_months", lang, 1.0)
        public = _pick("overseas_warehouses[].public", "level", ["city", "province"], 1, "est_wh_public", lang, w[4])
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
    """The city's total as a range: what is certain – up to (with the ceilings)."""
    if c["up_to_cny"] == c["total_cny"]:
        return _money(c["total_cny"], lang)
    return (f'<span class="pkg-range">{_money(c["total_cny"], lang)} – {_money(c["up_to_cny"], lang)}</span> '
            f'<span style="color:#666">({html.escape(t("estimate.certain", lang))} – '
            f'{html.escape(t("estimate.up_to", lang))})</span>')


def _lines(msgs: list, lang: str, mark: str) -> str:
    return "".join(f'<div style="font-size:.8rem;color:#555">{mark} {html.escape(render_json(m, lang))}</div>'
                   for m in msgs)


def _item_html(i: dict, lang: str) -> str:
    esc = html.escape
    href = link("document", lang, doc=i["clause_id"].split("/")[0], clause=i["clause_id"])
    if i["amount_cny"] is None:
        amount = f'{esc(t("estimate.up_to", lang))} {_money(i["up_to_cny"], lang)}'
        bound = f' <span class="pkg-badge not-yet pkg-upto">{esc(term("bound", i["bound"], lang))}</span>'
    else:
        amount = _money(i["amount_cny"], lang)
        bound = ""
    period = fmt.frequency({"one-time": True, "yearly": False}.get(i["period"]), lang)
    category = category_label(i["category"], lang) if i["category"] else ""
    return (f'<div class="pkg-inc" data-clause="{esc(i["clause_id"])}"><div class="head">'
            f'<a class="art" href="{esc(href)}" target="_self" title="{esc(i["clause_id"])}">{esc(i["article"])}</a>'
            f'<span class="pkg-badge instr">{esc(category)}</span><b>{amount}</b>{bound} <span>{esc(period)}</span></div>'
            f'<div style="font-size:.85rem">{esc(t("estimate.explanation", lang))}: '
            f'{esc(render_json(i["explanation_msg"], lang))}</div>'
            + _lines(i["checks_msg"], lang, "✓") + _lines(i["conditions_msg"], lang, "·")
            + _lines(i["notes_msg"], lang, "·")
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
        out.append(f'<section class="pkg-city" style="margin-top:14px"><h3 lang="zh">'
                   f'{esc(city_name(c["city"], lang))} · {esc(t("estimate.total", lang))} {_total(c, lang)}</h3>')
        out.extend(_item_html(i, lang) for i in c["items"])
        skipped = [(t("estimate.not_computable", lang), c["not_computable"]),
                   (t("estimate.not_eligible", lang), c["not_eligible"]),
                   (t("estimate.excluded", lang), c["excluded"]), (t("estimate.not_in_force", lang), c["not_in_force"])]
        for title, items in skipped:
            if not items:
                continue
            lis = "".join(f'<li><a href="{esc(link("document", lang, doc=s["clause_id"].split("/")[0], clause=s["clause_id"]))}" '
                          f'target="_self" title="{esc(s["clause_id"])}">{esc(s["article"] or s["clause_id"])}</a> — '
                          f'{esc(render_json(s["reason_msg"], lang))}</li>' for s in items)
            out.append(f'<details style="margin-top:8px"><summary>{esc(title)} ({len(items)})</summary>'
                       f'<ul style="font-size:.85rem">{lis}</ul></details>')
        out.append("</section>")
    return "".join(out)


def _shown(path: str, value, lang: str) -> str:
    """A profile value as the page shows it: money in 万元, enumerations by their labels."""
    kind = {"kind": "fair_kind", "location": "location", "public": "level"}.get(path.rsplit(".", 1)[-1])
    if path.endswith("imports[].kind"):
        kind = "import_kind"
    if isinstance(value, bool):
        return t("misc.yes", lang) if value else t("misc.no", lang)
    if kind and isinstance(value, str):
        return term(kind, value, lang)
    if path == "recognitions":
        return "、".join(term("recognition", v, lang) for v in value)
    if path == "cities":
        return "、".join(city_name(v, lang) for v in value)
    if isinstance(value, (int, float, str)) and path.endswith(("_cny", "_usd")):
        return fmt.money_words(Decimal(str(value)), lang, "USD" if path.endswith("_usd") else "CNY")
    units = {"area_m2": "m2", "months_in_use": "month", "domain_share_percent": "percent", "booths": "booth",
             "trainees": "person", "days": "day", "enrolment": "person", "contract_years": "year"}
    unit = units.get(path.rsplit(".", 1)[-1])
    if isinstance(value, (int, float)) and unit:
        return quantity(Decimal(str(value)), unit, lang)
    if isinstance(value, (int, float)):
        return f"{Decimal(str(value)).normalize():,f}"
    return str(value)


def profile_html(profile: dict, lang: str) -> str:
    """The profile used, one row per stated key: its label (zh or en) and its value."""
    rows: list[tuple[str, str]] = []

    def walk(data: dict, prefix: str, generic: str) -> None:
        for k, v in data.items():
            path, gen = f"{prefix}{k}", f"{generic}{k}"
            if isinstance(v, list) and v and isinstance(v[0], dict):
                for i, x in enumerate(v):
                    walk(x, f"{path}[{i}].", f"{gen}[].")
            elif isinstance(v, dict):
                walk(v, f"{path}.", f"{gen}.")
            else:
                rows.append((key_title(path, lang), _shown(gen, v, lang)))

    walk(profile, "", "")
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="pkg-profile"><tbody>{body}</tbody></table>'


def render(ctx: Ctx) -> None:
    import yaml

    lang = ctx.lang
    st.subheader(t("estimate.profile"))
    on = date_picker("estimate_on", t("estimate.as_of"))
    if lang == "zh":
        st.html(uploader_in_chinese("拖放文件到此处（.yaml、.yml、.json，不超过1MB）"))
    upload = st.file_uploader(t("estimate.upload_profile"), type=["yaml", "yml", "json"], key="estimate_upload")
    profile = form(ctx.corpus.cities, lang)
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
        st.html(profile_html(profile, lang))
        if lang == "en":
            st.code(yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), language="yaml")
    try:
        record = run_estimate(ctx.stamp, str(ctx.store), json.dumps(profile, ensure_ascii=False, sort_keys=True,
                                                                   default=str))
    except PolicyKGError as exc:
        st.error(plain(t("estimate.bad_profile", error=exc)))
        return
    for a in record["assumptions_msg"]:
        st.caption(plain(render_json(a, lang)))
    st.html(results_html(record, lang))
