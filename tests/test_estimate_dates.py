"""Estimates on a date (issue 13): validity, ceilings in a total, turnover at least exports.

The profile is tests/profiles/01-independent-sites.yaml, whose amounts are worked by hand there
(温州 350,000; 丽水 450,000; 台州 180,000; 运城 300,000; 杭州 no certain amount, up to 2 × 2,000,000).
The validity of each policy is read from its closing article:
  温州 "本意见自2022年8月25日起施行，有效期至2022年12月31日"
  丽水 "本意见自2022年2月1日起施行，有效期五年" -> to 2027-01-31
  杭州 "本意见自2023年2月18日起实施，有效期至2026年2月18日"
  台州 "本行动计划自2025年1月1日起施行，有效期为3年" -> to 2027-12-31
  运城 "本措施自印发之日起施行，有效期至2025年12月31日", 印发 2024年4月10日
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from analysis.estimate import estimate, estimate_record, estimate_table
from analysis.estimate.messages import render
from analysis.profile import parse_profile
from tests.conftest import ROOT

PROFILE = yaml.safe_load((Path(__file__).parent / "profiles" / "01-independent-sites.yaml").read_text("utf-8"))["profile"]
PAYS = {"温州": (350000, 350000), "丽水": (450000, 450000), "台州": (180000, 180000), "运城": (300000, 300000),
        "杭州": (0, 4000000)}  # (total_cny, up_to_cny) while in force

# (city, date, in force?) — the day before, the first day, the last day and the day after
DATES = [
    ("温州", date(2022, 8, 24), False), ("温州", date(2022, 8, 25), True), ("温州", date(2022, 12, 31), True),
    ("温州", date(2023, 1, 1), False),
    ("丽水", date(2022, 1, 31), False), ("丽水", date(2022, 2, 1), True), ("丽水", date(2027, 1, 31), True),
    ("丽水", date(2027, 2, 1), False),
    ("杭州", date(2023, 2, 17), False), ("杭州", date(2023, 2, 18), True), ("杭州", date(2026, 2, 18), True),
    ("杭州", date(2026, 2, 19), False),
    ("台州", date(2024, 12, 31), False), ("台州", date(2025, 1, 1), True), ("台州", date(2027, 12, 31), True),
    ("台州", date(2028, 1, 1), False),
    ("运城", date(2024, 4, 9), False), ("运城", date(2024, 4, 10), True), ("运城", date(2025, 12, 31), True),
    ("运城", date(2026, 1, 1), False),
]


@pytest.fixture(scope="module")
def docs(corpus_docs):
    return [corpus_docs[k] for k in sorted(corpus_docs)]


@pytest.mark.parametrize("city,on,in_force", DATES, ids=[f"{c}-{d}" for c, d, _ in DATES])
def test_estimate_on_a_date(docs, city, on, in_force):
    got = estimate(docs, parse_profile(dict(PROFILE, cities=[city])), on).city(city)
    incentives = [c.id for d in docs if d.city == city for c in d.clauses if c.kind == "incentive"]
    if in_force:
        assert (got.total_cny, got.up_to_cny) == tuple(Decimal(x) for x in PAYS[city])
        assert got.not_in_force == []
    else:
        assert got.items == [] and got.total_cny == 0 and got.up_to_cny == 0
        assert sorted(s.clause_id for s in got.not_in_force) == sorted(incentives)
        assert all(on.isoformat() in render(s.reason, "en") and "not in force" in render(s.reason, "en")
                   for s in got.not_in_force)


def test_profile_as_of_and_default_today(docs):
    # the profile's own as_of is used when no date is passed; the date is stated in the output
    est = estimate(docs, parse_profile(dict(PROFILE, cities=["温州"], as_of="2022-10-01")))
    assert est.as_of == date(2022, 10, 1) and est.city("温州").total_cny == 350000
    assert "as of: 2022-10-01" in estimate_table(est)
    assert estimate(docs, parse_profile({"cities": ["温州"]})).as_of == date.today()


def test_ceiling_clause_in_a_total(docs):
    # 杭州 一、（一） "给予不超过200万元的一次性资金扶持" (site) and "每年给予不超过200万元的资金扶持" (exports),
    # plus 二、（三） "给予不超过注册当年境外商标注册费用70%的一次性资金扶持，单个企业扶持金额不超过20万元":
    # 70% × 100,000 = 70,000, but the 70% is itself a ceiling (不超过70%), so it is not certain either.
    # certain 0 (this changed: the rate-as-ceiling amount used to count as certain);
    # up to 70,000 + 2,000,000 + 2,000,000 = 4,070,000.
    data = dict(PROFILE, cities=["杭州"], trademark_fees_cny=100000)
    city = estimate(docs, parse_profile(data), date(2024, 6, 1)).city("杭州")
    assert city.total_cny == Decimal(0)
    assert city.up_to_cny == Decimal(4070000)
    mark = next(i for i in city.items if i.clause_id == "hangzhou-2023-9/2.3/c1")
    assert (mark.amount_cny, mark.up_to_cny, mark.bound) == (None, Decimal(70000), "maximum")
    site = next(i for i in city.items if i.clause_id == "hangzhou-2023-9/1.1/c4")
    assert site.amount_cny is None and site.up_to_cny == Decimal(2000000) and site.bound == "ceiling"
    rec = next(c for c in estimate_record(estimate(docs, parse_profile(data), date(2024, 6, 1)))["cities"])
    assert (rec["total_cny"], rec["up_to_cny"]) == (0, 4070000)
    item = next(i for i in rec["items"] if i["clause_id"] == "hangzhou-2023-9/1.1/c4")
    assert item["amount_cny"] is None and item["up_to_cny"] == 2000000


def test_turnover_from_exports(docs):
    # 丽水 二、 "年度跨境电商交易额达500万元以上的建设独立站企业，给予技术服务费、推广费等支出费用50%补助，每年补助不超过
    # 50万元". No turnover_cny; exports 5,000,000 USD × 7.2 = 36,000,000 CNY, and 交易额 (imports and exports)
    # is at least the exports, so ≥ 5,000,000 is met: 50% × 300,000 = 150,000.
    site = {"spend_cny": 300000, "domain_share_percent": 100}
    city = estimate(docs, parse_profile({"exports_usd": 5000000, "independent_sites": [site], "cities": ["丽水"]}),
                    date(2025, 6, 1)).city("丽水")
    item = next(i for i in city.items if i.clause_id == "lishui-2021-67/2/c3")
    assert item.amount_cny == Decimal(150000)
    assert any("at least the exports" in render(c, "en") and "met" in render(c, "en") for c in item.checks)
    # exports of 100,000 USD = 720,000 CNY < 5,000,000 settle nothing: turnover may still reach it
    low = estimate(docs, parse_profile({"exports_usd": 100000, "independent_sites": [site], "cities": ["丽水"]}),
                   date(2025, 6, 1)).city("丽水")
    reason = next(render(s.reason, "en") for s in low.not_computable if s.clause_id == "lishui-2021-67/2/c3")
    assert "lower bound" in reason and "turnover" in reason
    assert "lishui-2021-67/2/c3" not in {s.clause_id for s in low.not_eligible}


def test_cli_as_of(built_store):
    """The issue's check: on 2025-06-01 Wenzhou's clauses are not in force and Hangzhou has an up_to_cny."""
    text = yaml.safe_dump(PROFILE, allow_unicode=True)
    path = built_store.parent / "p01.yaml"
    path.write_text(text, "utf-8")
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "estimate", str(path), "--as-of", "2025-06-01",
                        "--format", "json", "--store", str(built_store)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    cities = {c["city"]: c for c in rec["cities"]}
    assert rec["as_of"] == "2025-06-01"
    wz = cities["温州"]
    assert wz["items"] == [] and wz["total_cny"] == 0 and len(wz["not_in_force"]) > 0
    assert {x["valid_to"] for x in wz["not_in_force"]} == {"2022-12-31"}
    assert cities["杭州"]["up_to_cny"] == 4000000 and cities["杭州"]["total_cny"] == 0
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "estimate", str(path), "--as-of", "2025-13-01",
                        "--store", str(built_store)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and "--as-of" in r.stderr
