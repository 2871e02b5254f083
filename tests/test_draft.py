"""Drafting by analogy: parameter ranges read by hand from corpus/, and the Markdown draft's footnotes."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal

import pytest

from analysis.draft import (
    draft,
    draft_record,
    markdown,
    parameter_ranges,
    parse_settings,
    precedents,
    zh_amount,
)
from policykg.errors import PolicyKGError
from tests.conftest import ROOT

POLICYKG = [sys.executable, "-m", "policykg.cli"]
W, L, T, H, Y = ("wenzhou-2022-60/1.2/c1", "lishui-2021-67/2/c3", "taizhou-2024-26/annex.1.3/c3",
                 "hangzhou-2023-9/1.1/c4", "yuncheng-2024-10/5.2/c2")


@pytest.fixture(scope="module")
def docs(corpus_docs):
    return [corpus_docs[k] for k in sorted(corpus_docs)]


def values(param):
    return sorted((o.source.clause_id, o.value) for o in param.observations)


def test_independent_site_ranges(docs):
    assert {c.id for _, c in precedents(docs, "independent-site")} == {W, L, T, H, Y}
    p = parameter_ranges(docs, "independent-site")
    # 温州 "按…实际投入经费的50%", 丽水 "支出费用50%补助", 台州 "按照企业投资额的20%"
    assert values(p["rate"]) == sorted([(W, Decimal(50)), (L, Decimal(50)), (T, Decimal(20))])
    # issue 13: rates of different cost bases are never ranged together. 温州's 建设及运维实际投入经费
    # and 台州's 企业投资额 are both investment in the site (median (50+20)/2 = 35); 丽水's
    # 技术服务费、推广费 is service fees, its own group.
    rate_groups = {o.source.clause_id: o.group for o in p["rate"].observations}
    assert rate_groups == {W: ("rate", "investment"), T: ("rate", "investment"), L: ("rate", "service-fees")}
    assert p["rate"].group == ("rate", "investment")
    assert p["rate"].median == 35 and (p["rate"].low, p["rate"].high) == (20, 50)
    # caps: 杭州 不超过200万元, 丽水 每年补助不超过50万元, 台州 最高不超过100万元, 温州 单个独立站…20万元
    assert values(p["cap"]) == sorted([(H, Decimal(2000000)), (L, Decimal(500000)), (T, Decimal(1000000)),
                                       (W, Decimal(200000))])
    # four caps, four kinds of amount: never one range (issue 13: the old median 75万 mixed them)
    groups = {o.source.clause_id: o.group for o in p["cap"].observations}
    assert groups == {H: ("ceiling", "enterprise", "one-time"),  # 给予不超过200万元的一次性资金扶持
                      L: ("cap", "enterprise", "yearly"),  # 每年补助不超过50万元
                      T: ("cap", "enterprise", "one-time"),  # 20% 一次性…最高不超过100万元
                      W: ("cap", "site", "term")}  # 单个独立站补助最高不超过20万元
    assert len(p["cap"].numbers()) == 1 and len(p["cap"].groups()) == 4
    per = {o.source.clause_id: (o.per, o.per_year) for o in p["cap"].observations}
    assert per[W] == ("site", False) and per[L][1] is True
    # 运城 给予单个独立站15万元奖励
    assert values(p["award"]) == [(Y, Decimal(150000))]
    # thresholds: 温州 出口额达200万美元以上, 丽水 交易额达500万元以上 and 不少于50%, 运城 达300万元（含）以上
    th = {(o.source.clause_id, o.metric, o.op, o.value, o.unit) for o in p["threshold"].observations}
    assert (W, "exports", ">=", Decimal(2000000), "USD") in th
    assert (L, "turnover", ">=", Decimal(5000000), "CNY") in th
    assert (Y, "turnover", ">=", Decimal(3000000), "CNY") in th
    # 一次性: 杭州 and 台州; 每年: 丽水
    assert sorted(o.value for o in p["one_time"].observations) == [False, True, True]


def footnotes(md: str) -> tuple[set[str], dict[str, str]]:
    quote = next(line for line in md.splitlines() if line.startswith("> "))
    markers = set(re.findall(r"\[\^(\d+)\]", quote))
    defs, current = {}, None
    for line in md.splitlines():
        m = re.match(r"\[\^(\d+)\]: (.*)", line)
        if m:
            current = m.group(1)
            defs[current] = m.group(2)
        elif current and line.startswith("    "):
            defs[current] += "\n" + line.strip()
    return markers, defs


def test_default_draft_uses_medians_and_cites_every_source(docs):
    d = draft(docs, "independent-site")
    assert d.model.instrument == "proportional"  # 3 of the 5 precedents are rate x base
    # the model (丽水, richest) caps 每年 per enterprise: its group has only its own 50万元
    assert d.model.clause_id == L
    assert "50%" in d.text and "单家企业每年补助最高不超过50万元" in d.text and "75万元" not in d.text
    # 丽水's condition is kept: 直接或间接持有申报独立站域名所有权主体不少于50%的股份或份额
    assert "不少于50%的股份或份额" in d.text
    assert d.text.startswith("对自建跨境电商独立站") and d.text.endswith("。")
    markers, defs = footnotes(markdown(d))
    assert markers == set(defs) and len(markers) == len(d.used)
    cap = next(v for v in defs.values() if v.startswith("**上限 ="))
    for clause_id, sentence in ((W, "单个独立站补助最高不超过20万元"), (H, "给予不超过200万元的一次性资金扶持"),
                                (T, "最高不超过100万元"), (L, "每年补助不超过50万元")):
        assert clause_id in cap and sentence in cap
    assert "同类1个先例取值的中位数" in cap and "比例或单价的上限·单家企业·每年" in cap
    rate = next(v for v in defs.values() if v.startswith("**比例 ="))
    assert "温州" in rate and "一、2" in rate and "按独立站建设及运维实际投入经费的50%给予补助" in rate
    assert "| 城市 |" in markdown(d) and all(x in markdown(d) for x in (W, L, T, H, Y))


def test_like_city_sets_the_style_and_user_values_win(docs):
    d = draft(docs, "independent-site", like="杭州", settings=["cap=300000"])
    assert d.model.clause_id == H
    assert d.text.startswith("对自建跨境电商独立站的企业，给予不超过30万元的一次性资金扶持。")
    assert d.parameters["cap"].chosen_by == "user"
    markers, defs = footnotes(markdown(d))
    assert any(v.startswith("**上限 = 30万元** — 用户设定") for v in defs.values())
    w = draft(docs, "independent-site", like="温州市", settings={"rate": "40%", "one_time": "false"})
    assert w.model.clause_id == W
    assert "年度跨境电商出口额达200万美元以上" in w.text and "40%" in w.text and "单个独立站每年补助最高不超过" in w.text
    assert "具体补助金额由属地政府承担" in w.text


def test_exhibition_rate_median(docs):
    p = parameter_ranges(docs, "exhibition")
    # 温州 二、10 70%, 三、14 70%; 杭州 二、（四）70%; 运城 第三条（一）80% and 70%, 60%
    assert sorted(p["rate"].numbers()) == [60, 70, 70, 70, 70, 80]
    assert "70%" in draft(docs, "exhibition").text


def test_settings_and_errors(docs):
    assert parse_settings(["cap=30万", "rate=50%", "one_time=一次性"]) == {
        "cap": Decimal(300000), "rate": Decimal(50), "one_time": True}
    for bad, word in ((["foo=1"], "unknown parameter"), (["cap"], "NAME=VALUE"), (["cap=lots"], "number"),
                      (["rate=150"], "out of range")):
        with pytest.raises(PolicyKGError, match=word):
            parse_settings(bad)
    with pytest.raises(PolicyKGError, match="unknown category"):
        draft(docs, "nonsense")
    with pytest.raises(PolicyKGError, match="杭州"):
        draft(docs, "import", like="杭州")  # only Wenzhou subsidises imports


def test_zh_amount():
    assert zh_amount(Decimal("0.4") * 10000) == "4000元"
    assert zh_amount(Decimal(25000)) == "2.5万元"


def test_draft_record_is_json(docs):
    rec = json.loads(json.dumps(draft_record(draft(docs, "trademark")), ensure_ascii=False, default=str))
    assert rec["category"] == "trademark" and rec["text"] and rec["markdown"].startswith("# ")
    assert rec["parameters"]["rate"]["observations"][0]["clause_id"]
    assert {p["clause_id"] for p in rec["precedents"]} >= {"hangzhou-2023-9/2.3/c1", "taizhou-2024-26/annex.1.3/c1"}


def test_cli_draft(built_store, tmp_path):
    out = tmp_path / "draft.md"
    r = subprocess.run(POLICYKG + ["draft", "--category", "independent-site", "--like", "杭州", "--set", "cap=300000",
                                   "--out", str(out), "--store", str(built_store)], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert "给予不超过30万元" in out.read_text("utf-8")
    r = subprocess.run(POLICYKG + ["draft", "--category", "exhibition", "--format", "json", "--store",
                                   str(built_store)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["category"] == "exhibition"
    r = subprocess.run(POLICYKG + ["draft", "--category", "exhibition", "--set", "size=2", "--store",
                                   str(built_store)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
