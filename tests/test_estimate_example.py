"""The example enterprise (examples/profiles/example-enterprise.yaml) on 2025-06-01, worked by hand
from corpus/: what is certain (total_cny) and what the ceilings allow (up_to_cny), per city.

A rate the clause states as a ceiling (给予不超过…60%, 最高按…70%) gives only the most it pays:
`amount_cny` None, `up_to_cny` the computed maximum, counted in up_to_cny, never in total_cny.

The profile: turnover_cny 30,000,000; exports_usd 2,500,000; not new to cross-border e-commerce;
one new site (spend 420,000, own turnover 6,000,000, domain 100%); fairs 法兰克福 (key-international,
overseas, 德国, 2 booths, 90,000) and 深圳 (cross-border-ecommerce, domestic, 1 booth, 20,000); a
warehouse (build 600,000, 800 m², 14 months, not public); trademark 60,000, patent 30,000,
certification 45,000, promotion 200,000, platform fees 80,000, platform promotion 120,000,
export credit insurance premium 150,000; recognition provincial-export-brand.
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from analysis.estimate import estimate
from analysis.profile import load_profile
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "profiles" / "example-enterprise.yaml"
ON = date(2025, 6, 1)

# city -> (certain items, up-to items); clause id -> yuan
EXPECTED = {
    "丽水": (
        {
            # 二、"年度跨境电商交易额达500万元以上的企业，给予企业向第三方平台缴纳的注册费、服务费、推广费等费用，以及借助
            # 社交媒体、搜索引擎等数字化平台开展推广支出费用50%补助，每家企业每年最高补助不超过30万元":
            # 30,000,000 ≥ 5,000,000; 50% × (80,000 + 120,000 + 200,000) = 200,000 < 300,000.
            "lishui-2021-67/2/c2": 200000,
            # "建设独立站企业，给予技术服务费、推广费等支出费用50%补助，每年补助不超过50万元（…不少于50%…）":
            # 50% × 420,000 = 210,000 < 500,000; domain 100% ≥ 50%.
            "lishui-2021-67/2/c3": 210000,
        },
        {},
    ),  # certain 410,000; up to 410,000
    "台州": (
        {
            # 附件一、（三）"按照商标国际注册费用50%给予一次性资金扶持，单家企业扶持额度最高不超过10万元": 50% × 60,000
            "taizhou-2024-26/annex.1.3/c1": 30000,
            # "按照专利申请费用50%给予一次性资金扶持…最高不超过10万元": 50% × 30,000
            "taizhou-2024-26/annex.1.3/c2": 15000,
            # "鼓励跨境电商企业开设独立站，按照企业投资额的20%给予一次性资金扶持，最高不超过100万元": 20% × 420,000
            "taizhou-2024-26/annex.1.3/c3": 84000,
            # "对获得省级跨境电商出口知名品牌的企业给予一次性10万元资金奖励"
            "taizhou-2024-26/annex.1.3/c4": 100000,
        },
        {
            # 附件四、（三）"对企业投保的出口信保保费给予不超过60%的资金扶持，单家企业最高不超过50万元":
            # at most 60% × 150,000 = 90,000: a ceiling rate, so up to only.
            "taizhou-2024-26/annex.4.3/c2": 90000,
        },
    ),  # certain 229,000; up to 319,000
    "杭州": (
        {},
        {
            # 一、（一）"每年给予不超过200万元的资金扶持" (exports stated) and "给予不超过200万元的一次性资金扶持" (a site)
            "hangzhou-2023-9/1.1/c3": 2000000,
            "hangzhou-2023-9/1.1/c4": 2000000,
            # 二、（三）"给予不超过注册当年境外商标注册费用70%的一次性资金扶持，单个企业扶持金额不超过20万元": 70% × 60,000
            "hangzhou-2023-9/2.3/c1": 42000,
            # "给予不超过认证当年国际认证费用70%…": 70% × 45,000
            "hangzhou-2023-9/2.3/c2": 31500,
            # "给予不超过专利申请费用50%…": 50% × 30,000
            "hangzhou-2023-9/2.3/c3": 15000,
            # 二、（四）"…开展自主品牌推广的企业，给予不超过推广费用25%的资金扶持": 25% × promotion 200,000
            "hangzhou-2023-9/2.4/c1": 50000,
            # "运用跨境电子商务平台开展境外推广，给予不超过推广费用25%": 25% × platform promotion 120,000
            "hangzhou-2023-9/2.4/c2": 30000,
            # "对参加跨境电商展会的企业最高按展位费的70%…不超过6个标准展位费": 深圳, 1 booth: 70% × 20,000
            "hangzhou-2023-9/2.4/c3": 14000,
        },
    ),  # certain 0; up to 4,000,000 + 42,000 + 31,500 + 15,000 + 50,000 + 30,000 + 14,000 = 4,182,500
    "运城": (
        {
            # 第三条（一）重点国际性展会: 德国 is neither 一带一路 nor RCEP: 70% of 45,000 per booth = 31,500 >
            # "境外每个展位补助最高2.5万元" -> 25,000 × 2 booths = 50,000
            "yuncheng-2024-10/3.1/c1": 50000,
            # 第四条"给予认证、注册、检测费用的30%补助，同一企业补助金额最高10万元": 30% × (45,000 + 60,000) = 31,500
            # (testing fees not stated: counted as none, and said so)
            "yuncheng-2024-10/4/c1": 31500,
            # 第五条（二）"新建…独立站（须直接持有…域名），且当年后台实际交易数据达300万元（含）以上的，给予单个独立站
            # 15万元奖励": the site is new, held 100%, its own turnover 6,000,000 ≥ 3,000,000
            "yuncheng-2024-10/5.2/c2": 150000,
            # 第五条（三）"面积在500平方米以上（含）且使用满1年的，按照实际建设费用（租赁）的30%…不超过50万元":
            # 800 m², 14 months; 30% × 600,000 = 180,000
            "yuncheng-2024-10/5.3/c1": 180000,
        },
        {
            # 第七条"市级财政扶持不超过30%的保费补助": at most 30% × 150,000 = 45,000
            "yuncheng-2024-10/7/c1": 45000,
        },
    ),  # certain 411,500; up to 456,500
    # 温州: "有效期至2022年12月31日": not in force on 2025-06-01, pays nothing
    "温州": ({}, {}),
}
TOTALS = {"丽水": (410000, 410000), "台州": (229000, 319000), "杭州": (0, 4182500), "运城": (411500, 456500),
          "温州": (0, 0)}


@pytest.fixture(scope="module")
def est(corpus_docs):
    return estimate([corpus_docs[k] for k in sorted(corpus_docs)], load_profile(EXAMPLE), ON)


@pytest.mark.parametrize("city", sorted(EXPECTED))
def test_example_items_per_city(est, city):
    got = est.city(city)
    certain, up_to = EXPECTED[city]
    assert {i.clause_id: i.amount_cny for i in got.items if i.amount_cny is not None} == \
        {k: Decimal(v) for k, v in certain.items()}
    assert {i.clause_id: i.up_to_cny for i in got.items if i.amount_cny is None} == \
        {k: Decimal(v) for k, v in up_to.items()}
    assert (got.total_cny, got.up_to_cny) == tuple(Decimal(x) for x in TOTALS[city])
    # certain is the sum of the exact items; up to adds every item's most
    assert TOTALS[city][0] == sum(certain.values()) and TOTALS[city][1] == sum(certain.values()) + sum(up_to.values())


def test_example_ceiling_rates_are_not_certain(est):
    """不超过60% (台州 附件四、（三）) and 不超过70% (杭州 二、（三）): up to only, with the rate's ceiling."""
    for city, clause in (("台州", "taizhou-2024-26/annex.4.3/c2"), ("杭州", "hangzhou-2023-9/2.3/c1")):
        item = next(i for i in est.city(city).items if i.clause_id == clause)
        assert (item.amount_cny, item.bound) == (None, "maximum")
    assert [s.clause_id for s in est.city("温州").not_in_force]
    assert est.city("温州").items == []


def test_example_cli_json(built_store):
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "estimate", str(EXAMPLE), "--as-of", "2025-06-01",
                        "--format", "json", "--store", str(built_store)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    cities = {c["city"]: c for c in json.loads(r.stdout)["cities"]}
    assert {c: (x["total_cny"], x["up_to_cny"]) for c, x in cities.items()} == TOTALS
    tz = next(i for i in cities["台州"]["items"] if i["clause_id"] == "taizhou-2024-26/annex.4.3/c2")
    assert (tz["amount_cny"], tz["up_to_cny"], tz["bound"]) == (None, 90000, "maximum")
