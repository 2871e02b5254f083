"""The payout model (ingest/payout.py) on the corpus: instrument, counts limits, pools, basis and
period, conditions as fields, and the most one enterprise can get per year under each clause.

Every expected value is worked by hand from the clause text in corpus/ (quoted in the rows).
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.model import Clause
from ingest.payout import count_limits

# (document, words that pick the clause, instrument, max_per_enterprise_cny, the working)
INDEPENDENT_SITES = [
    ("hangzhou-2023-9", "通过应用独立站", "ceiling", 2000000,
     # 给予不超过200万元的一次性资金扶持: an upper bound per enterprise, the amount case by case
     "up to 200万 per enterprise, one-time"),
    ("wenzhou-2022-60", "自建跨境电商独立站", "proportional", 400000,
     # 50% of costs, 单个独立站补助最高不超过20万元, 单家企业申报独立站数量不超过2个: 2 × 20万
     "2 sites × 20万 cap per site"),
    ("yuncheng-2024-10", "新建跨境电商独立站", "fixed", 300000,
     # 给予单个独立站15万元奖励，单家企业申报独立站数量最多2个: 2 × 15万
     "2 sites × 15万 per site"),
    ("lishui-2021-67", "建设独立站企业", "proportional", 500000,
     # 50% of 技术服务费、推广费, 每年补助不超过50万元: 50万 per enterprise per year
     "cap 50万 per enterprise per year"),
    ("taizhou-2024-26", "开设独立站", "proportional", 1000000,
     # 按照企业投资额的20%给予一次性资金扶持，最高不超过100万元: 100万 per enterprise, one-time
     "cap 100万 per enterprise, one-time"),
]
PUBLIC_WAREHOUSES = [
    ("hangzhou-2023-9", "省级公共海外仓建设试点", "ceiling", 200000,
     # 列入省级公共海外仓建设试点名单 … 给予不超过20万元的一次性资金扶持
     "up to 20万, one-time"),
    ("hangzhou-2023-9", "市级公共海外仓建设试点", "ceiling", 750000,
     # 列入市级公共海外仓建设试点名单 … 给予不超过75万元的一次性资金扶持
     "up to 75万, one-time"),
    ("lishui-2021-67", "市级公共海外仓建设标准", "proportional", 600000,
     # 50% of 建设成本, 最高不超过50万元, 新建在“一带一路”国家或地区 … 再增加10万元: 50万 + 10万
     "cap 50万 + 10万 Belt and Road bonus, one-time"),
    ("lishui-2021-67", "应用市级公共海外仓", "proportional", 200000,
     # 按仓储服务成本的20%给予补助，每家企业每年最高不超过20万元
     "cap 20万 per enterprise per year"),
    ("yuncheng-2024-10", "公共海外仓试点的投资主体", "fixed", 400000,
     # 给予30万元奖励 … 在“一带一路”国家、RCEP国家、丝路电商国家的公共海外仓试点，奖励额度再增加10万元
     "30万 + 10万 bonus"),
]
# Wenzhou has no overseas warehouse clause; Taizhou's 仓储 clause is about 集货仓 (consolidation
# warehouses), not public overseas warehouses: neither city appears in PUBLIC_WAREHOUSES.


def _clause(docs, doc_id, words):
    found = [c for c in docs[f"{doc_id}.txt"].clauses if words in c.text and c.kind == "incentive"]
    assert len(found) == 1, (doc_id, words, [c.id for c in found])
    return found[0]


@pytest.mark.parametrize("doc_id,words,instrument,maximum,how", INDEPENDENT_SITES + PUBLIC_WAREHOUSES,
                         ids=[f"{r[0]}:{r[1]}" for r in INDEPENDENT_SITES + PUBLIC_WAREHOUSES])
def test_max_per_enterprise(corpus_docs, doc_id, words, instrument, maximum, how):
    c = _clause(corpus_docs, doc_id, words)
    assert c.instrument == instrument, (c.id, c.instrument)
    assert c.max_per_enterprise_cny == Decimal(maximum), (c.id, c.max_basis, how)
    assert c.ceiling_only == (instrument == "ceiling")


def test_categories_cover_every_city(corpus_docs):
    sites = {r[0] for r in INDEPENDENT_SITES}
    assert {f"{s}.txt" for s in sites} == set(corpus_docs)
    for doc_id, words, *_ in INDEPENDENT_SITES:
        assert "independent-site" in _clause(corpus_docs, doc_id, words).categories
    for doc_id, words, *_ in PUBLIC_WAREHOUSES:
        assert "public-overseas-warehouse" in _clause(corpus_docs, doc_id, words).categories


def test_count_limits(corpus_docs):
    # 温州: 单家企业申报独立站数量不超过2个; 运城: 单家企业申报独立站数量最多2个
    for doc_id, words in (("wenzhou-2022-60", "自建跨境电商独立站"), ("yuncheng-2024-10", "新建跨境电商独立站")):
        c = _clause(corpus_docs, doc_id, words)
        assert [(x.count, x.unit, x.per) for x in c.count_limits] == [(2, "site", "enterprise")]
    # 运城 店开全球: 单个平台最多奖励1个店铺，单家企业最高奖励3个店铺
    c = _clause(corpus_docs, "yuncheng-2024-10", "开设店铺")
    assert {(x.count, x.unit, x.per) for x in c.count_limits} == {(1, "store", "platform"), (3, "store", "enterprise")}
    # 3 stores × 10万 per store = 30万 per enterprise; the 年度交易额 thresholds are each store's
    # (…年度交易额超过500万元（含）…的店铺)
    assert {t.scope for t in c.thresholds if t.metric == "turnover"} == {"store"}
    assert c.max_per_enterprise_cny == Decimal(300000)


def test_pool_is_not_a_firms_cap(corpus_docs):
    # 温州 三、14: 所有企业年度累计补助最高不超过300万元 is shared by every enterprise; the clause
    # sets 70% of booth fees with at most 4 booths per fair and no bound on the number of fairs
    c = _clause(corpus_docs, "wenzhou-2022-60", "进口展会")
    pool = [a for a in c.amounts if a.value == Decimal(3000000)]
    assert [(a.role, a.basis, a.period) for a in pool] == [("pool", "all-enterprises", "yearly")]
    assert c.max_per_enterprise_cny is None
    assert [(x.count, x.unit, x.per) for x in c.count_limits] == [(4, "booth", "event")]


def test_basis_and_period_on_every_amount(corpus_docs):
    for doc in corpus_docs.values():
        for c in doc.clauses:
            if c.kind != "incentive":
                continue
            for a in c.amounts + [t.amount for t in c.tiers]:
                assert a.basis and a.period in ("one-time", "yearly", "term"), (c.id, a)
    wz = _clause(corpus_docs, "wenzhou-2022-60", "自建跨境电商独立站")
    # 单个独立站补助最高不超过20万元, no 一次性 or 每年 in the text: the cap bounds the whole term
    assert [(a.basis, a.period) for a in wz.amounts] == [("site", "term")]
    ls = _clause(corpus_docs, "lishui-2021-67", "建设独立站企业")
    assert [(a.basis, a.period) for a in ls.amounts] == [("enterprise", "yearly")]  # 每年补助不超过50万元


def test_conditions_as_fields(corpus_docs):
    yc = _clause(corpus_docs, "yuncheng-2024-10", "新建跨境电商独立站")
    got = {(r.kind, r.op, r.value, r.unit, r.direct) for r in yc.requirements}
    # 新建 … （须直接持有独立站申报域名）… 当年后台实际交易数据达300万元（含）以上: the site's own turnover
    assert got == {("new-build", None, None, None, None), ("domain-ownership", ">=", Decimal(100), "percent", True),
                   ("own-turnover", ">=", Decimal(3000000), "CNY", None)}
    assert [t.scope for t in yc.thresholds] == ["site"]
    ls = _clause(corpus_docs, "lishui-2021-67", "建设独立站企业")
    # 年度跨境电商交易额达500万元以上 is the enterprise's; 直接或间接持有…不少于50%的股份
    assert [(t.metric, t.scope) for t in ls.thresholds if t.metric == "turnover"] == [("turnover", "enterprise")]
    assert {(r.kind, r.value, r.direct) for r in ls.requirements} == {("domain-ownership", Decimal(50), False)}
    wh = _clause(corpus_docs, "lishui-2021-67", "市级公共海外仓建设标准")
    # 达到市级公共海外仓建设标准、运营一年以上: a city public warehouse; a duration of 1 year, not a percentage
    assert [(r.kind, r.value, r.unit, r.level) for r in wh.requirements] == [
        ("public-warehouse", None, None, "city"), ("operating-time", Decimal(1), "year", None)]
    wz = _clause(corpus_docs, "wenzhou-2022-60", "经营满")
    # 经营满6个月 = 0.5 year
    assert ("operating-time", Decimal("0.5"), "year") in {(r.kind, r.value, r.unit) for r in wz.requirements}


def test_clauses_export_and_graph(built_store):
    """`policykg clauses --format jsonl` and the RDF graph carry the payout model (issue 13's check)."""
    import json
    import subprocess
    import sys

    from graph.store import query

    r = subprocess.run([sys.executable, "-m", "policykg.cli", "clauses", "--format", "jsonl", "--category",
                        "independent-site", "--store", str(built_store)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    recs = {x["city"]: x for x in map(json.loads, r.stdout.splitlines()) if x["kind"] == "incentive"}
    got = {city: (rec["instrument"], rec["max_per_enterprise_cny"], rec["ceiling_only"]) for city, rec in recs.items()}
    assert got == {"杭州": ("ceiling", 2000000, True), "温州": ("proportional", 400000, False),
                   "运城": ("fixed", 300000, False), "丽水": ("proportional", 500000, False),
                   "台州": ("proportional", 1000000, False)}
    assert recs["运城"]["count_limits"] == [{"count": 2, "unit": "site", "per": "enterprise",
                                            "text": "单家企业申报独立站数量最多2个"}]
    _, rows = query(built_store, """
        PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT ?max WHERE { ?c pkg:instrument <https://w3id.org/policykg/instrument/ceiling> ;
            pkg:maxPerEnterprise ?max ; pkg:ceilingOnly true ; pkg:text ?t .
            FILTER(CONTAINS(STR(?t), "独立站")) }""")
    assert [Decimal(str(r[0])) for r in rows] == [Decimal(2000000)]


def test_payout_curve_by_the_estimate_engine(corpus_docs):
    """'At a spend of X yuan each city pays …' for an enterprise meeting every condition, two sites
    with half the spend each (analysis.payout_curve), worked by hand:"""
    from datetime import date

    from analysis.payout_curve import curve

    docs = list(corpus_docs.values())
    spends = [Decimal(400000), Decimal(1000000), Decimal(6000000)]

    def at(on):
        return {c.city: (c.in_force, [int(x) for x in c.certain], [int(x) for x in c.up_to])
                for c in curve(docs, "independent-site", on, spends)}

    mid2024 = at(date(2024, 6, 1))
    # 丽水 50% of the spend, 每年补助不超过50万元: 20万, 50万, 50万
    assert mid2024["丽水"] == (True, [200000, 500000, 500000], [200000, 500000, 500000])
    # 运城 15万 per new site, at most 2: 30万 whatever the spend
    assert mid2024["运城"] == (True, [300000] * 3, [300000] * 3)
    # 杭州 不超过200万元: nothing certain, up to 200万
    assert mid2024["杭州"] == (True, [0, 0, 0], [2000000] * 3)
    # 温州 (ended 2022-12-31) and 台州 (from 2025-01-01) pay nothing on 2024-06-01
    assert mid2024["温州"][0] is False and mid2024["温州"][1] == [0, 0, 0]
    assert mid2024["台州"][0] is False
    # 温州 on 2022-10-01: 50% × 20万 per site = 10万 × 2; 50% × 50万 = 25万 -> cap 20万 × 2 = 40万
    assert at(date(2022, 10, 1))["温州"][1] == [200000, 400000, 400000]
    # 台州 on 2025-06-01: 20% of the spend, 最高不超过100万元: 8万, 20万, 120万 -> 100万
    assert at(date(2025, 6, 1))["台州"][1] == [80000, 200000, 1000000]


@pytest.mark.parametrize("text, expected", [
    # a yearly word between the enterprise and the limit, as 申报指南 and news stories write it
    ("对新建独立站的企业给予5万元补助，每家企业每年最多支持3个独立站。", [(3, "site", "enterprise")]),
    ("每个展位补助1.5万元，每家企业每年最多补助5个展位。", [(5, "booth", "enterprise")]),
    ("按投资额的30%给予补助，每家企业每年最多支持2个海外仓。", [(2, "warehouse", "enterprise")]),
    ("单家企业最多奖励3个店铺。", [(3, "store", "enterprise")]),
])
def test_count_limit_wordings(text, expected):
    c = Clause(id="x", doc_id="d", article="a", article_key="1", kind="incentive", span=None, text=text)
    assert [(x.count, x.unit, x.per) for x in count_limits(c)] == expected
