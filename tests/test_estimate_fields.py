"""Estimate rules read conditions from the clause's extracted fields (ingest/payout.py's
requirements), not from its words: the same clause text with the field changed changes the answer.

Expected values read by hand from corpus/ (quoted in the rows).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from analysis.estimate import estimate
from analysis.profile import load_profile, parse_profile
from ingest.model import from_json, to_json
from tests.conftest import ROOT

CID = "lishui-2021-67/2/c1"


def test_first_year_is_a_requirement_the_promotion_rule_reads(corpus_docs):
    """丽水 二 "在相关系统备案，首次开展跨境电商的企业，给予企业向第三方平台缴纳的注册费、服务费、推广费等费用，
    以及借助社交媒体、搜索引擎等数字化平台开展推广支出费用50%补助，每家企业最高补助不超过10万元": only in the
    enterprise's first year. The example enterprise is not new to cross-border e-commerce: not eligible.
    Without the first-year requirement in the clause model: 50% × (80,000 + 120,000 + 200,000) = 200,000,
    capped at 100,000."""
    docs = [from_json(to_json(d)) for d in corpus_docs.values() if d.city == "丽水"]
    c = next(x for d in docs for x in d.clauses if x.id == CID)
    assert [(r.kind, r.scope, r.text) for r in c.requirements] == [("first-year", "enterprise", "首次开展跨境电商")]
    profile = replace(load_profile(ROOT / "examples" / "profiles" / "example-enterprise.yaml"),
                      new_to_cross_border=False, cities=["丽水"])
    on = date(2025, 6, 1)
    assert CID not in {i.clause_id for i in estimate(docs, profile, on).city("丽水").items}
    c.requirements = []
    paid = {i.clause_id: i.amount_cny for i in estimate(docs, profile, on).city("丽水").items}
    assert paid[CID] == 100000


def test_reporting_is_a_requirement_the_service_trade_rule_reads(corpus_docs):
    """温州 二、8 "企业年度服务贸易出口额达20万美元以上、50万美元以上、80万美元以上且在商务部服务贸易直报系统每季度填报的，
    分别给予2万元、5万元、8万元的一次性奖励" (in force 2022-08-25 to 2022-12-31): a reporting requirement. Service exports
    800,000 USD but no reporting: not eligible; without the requirement in the clause model: the top
    tier, 80,000."""
    docs = [from_json(to_json(d)) for d in corpus_docs.values() if d.city == "温州"]
    cid = "wenzhou-2022-60/2.8/c1"
    c = next(x for d in docs for x in d.clauses if x.id == cid)
    assert [(r.kind, r.scope, r.text) for r in c.requirements] == [("reporting", "enterprise", "直报系统每季度填报")]
    profile = parse_profile({"service_exports_usd": 800000, "service_trade_reported": False, "cities": ["温州"]})
    on = date(2022, 10, 1)
    assert cid not in {i.clause_id for i in estimate(docs, profile, on).city("温州").items}
    c.requirements = []
    paid = {i.clause_id: i.amount_cny for i in estimate(docs, profile, on).city("温州").items}
    assert paid[cid] == 80000
