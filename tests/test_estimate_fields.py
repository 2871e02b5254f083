"""Estimate rules read conditions from the clause's extracted fields (ingest/payout.py's
requirements), not from its words: the same clause text with the field changed changes the answer.

Expected values read by hand from corpus/ (quoted in the rows).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from analysis.estimate import estimate
from analysis.profile import load_profile
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
