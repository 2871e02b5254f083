"""Comparable measures of a category across cities: the most one enterprise can get per year under
each clause, and the payout curve ("at a spend of X yuan, each city pays …").

The curve is computed by the estimate engine (analysis.estimate) for one enterprise that meets
every condition of the category (SPEND_PROFILES says which enterprise), on one date: a city whose
policy is not in force then pays nothing and is marked so. Each point has what is certain and,
where a clause states only a ceiling, what the city pays at most ("up to").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from analysis.estimate import estimate
from analysis.profile import parse_profile
from ingest.categories import with_broader
from ingest.model import Document, Requirement

SPENDS = [Decimal(x) for x in (0, 50000, 100000, 200000, 400000, 600000, 800000, 1000000, 1500000, 2000000,
                               3000000, 5000000)]
_BIG = {"exports_usd": 100000000, "turnover_cny": 1000000000}  # above every threshold of the corpus


def _sites(x: Decimal) -> dict:
    half = str(x / 2)
    return dict(_BIG, independent_sites=[
        {"name": n, "spend_cny": half, "turnover_cny": 100000000, "new": True, "domain_share_percent": 100}
        for n in ("A", "B")])


def _warehouse(x: Decimal) -> dict:
    return dict(_BIG, overseas_warehouses=[{"name": "W", "build_cost_cny": str(x), "area_m2": 10000, "months_in_use": 24,
                                            "public": "city", "newly_recognised": True, "belt_and_road": True}])


# category -> (the enterprise at a spend of x, what the spend is, in zh and en)
SPEND_PROFILES = {
    "independent-site": (_sites, "两个新建独立站的建设运维推广费用合计（各占一半；直接持有域名；各站当年交易额1亿元；出口额1亿美元）",
                         "building, running and promotion costs of two new sites, half each (domains held "
                         "directly; each site's turnover 100 million yuan; exports 100 million USD)"),
    "public-overseas-warehouse": (_warehouse, "一个市级公共海外仓（新认定，一带一路国家，1万平方米，使用24个月）的建设（租赁）费用",
                                  "building or leasing cost of one city-level public overseas warehouse (newly "
                                  "recognised, in a Belt and Road country, 10,000 m², 24 months in use)"),
    "overseas-warehouse": (_warehouse, "一个市级公共海外仓（新认定，一带一路国家，1万平方米，使用24个月）的建设（租赁）费用",
                           "building or leasing cost of one city-level public overseas warehouse (newly "
                           "recognised, in a Belt and Road country, 10,000 m², 24 months in use)"),
    "trademark": (lambda x: dict(_BIG, trademark_fees_cny=str(x)), "境外商标注册费用", "fees for registering trademarks abroad"),
    "patent": (lambda x: dict(_BIG, patent_fees_cny=str(x)), "专利申请费用", "patent application fees"),
    "certification": (lambda x: dict(_BIG, certification_fees_cny=str(x)), "国际认证费用", "international certification fees"),
    "export-credit-insurance": (lambda x: dict(_BIG, export_credit_insurance_premium_cny=str(x)), "出口信用保险保费",
                                "export credit insurance premium"),
    "brand-promotion": (lambda x: dict(_BIG, promotion_cny=str(x)), "自主品牌推广费用", "own-brand promotion costs"),
}


@dataclass
class CityCurve:
    city: str
    in_force: bool  # some policy of the city is in force on the date
    certain: list[Decimal] = field(default_factory=list)  # per spend: what is certain
    up_to: list[Decimal] = field(default_factory=list)  # per spend: certain plus ceilings
    clauses: set[str] = field(default_factory=set)  # the clauses that pay at some spend


@dataclass
class Maximum:
    """The most one enterprise can get in a year under one clause (None: no bound in the text)."""

    city: str
    clause_id: str
    article: str
    document: str | None
    instrument: str | None
    value: Decimal | None
    ceiling_only: bool
    how: str
    count_limits: list[str]
    requirements: list[Requirement]


def maxima(docs: list[Document], category: str) -> list[Maximum]:
    """Every incentive clause of the category (or a narrower one), with its maximum per enterprise."""
    out = []
    for d in sorted(docs, key=lambda d: (d.city_shown, d.id)):
        for c in d.clauses:
            if c.kind != "incentive" or category not in with_broader(c.categories):
                continue
            out.append(Maximum(d.city_shown, c.id, c.article, d.number, c.instrument, c.max_per_enterprise_cny,
                               c.ceiling_only, c.max_basis or "", [x.text for x in c.count_limits],
                               list(c.requirements)))
    return out


def curve(docs: list[Document], category: str, on: date, spends: list[Decimal] | None = None) -> list[CityCurve]:
    """Per city, what the category's clauses pay the SPEND_PROFILES enterprise at each spend, on `on`.

    Raises KeyError for a category with no spend profile (the caller shows only the maxima).
    """
    make = SPEND_PROFILES[category][0]
    spends = spends or SPENDS
    cities = sorted({d.city_shown for d in docs})  # 未知 for a document whose city could not be read
    curves = {c: CityCurve(c, False) for c in cities}
    for x in spends:
        est = estimate(docs, parse_profile(make(x), f"spend {x}"), on)
        for ce in est.cities:
            cv = curves[ce.city]
            cv.in_force = cv.in_force or len(ce.not_in_force) < sum(
                1 for d in docs if d.city_shown == ce.city for c in d.clauses if c.kind == "incentive")
            mine = [i for i in ce.items if _in(docs, i.clause_id, category)]
            certain = sum((i.amount_cny for i in mine if i.amount_cny is not None), Decimal(0))
            ceilings = sum((i.up_to_cny for i in mine if i.amount_cny is None and i.up_to_cny), Decimal(0))
            cv.certain.append(certain)
            cv.up_to.append(certain + ceilings)
            cv.clauses |= {i.clause_id for i in mine}
    return [curves[c] for c in cities]


def _in(docs: list[Document], clause_id: str, category: str) -> bool:
    for d in docs:
        for c in d.clauses:
            if c.id == clause_id:
                return category in with_broader(c.categories)
    return False
