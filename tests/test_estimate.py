"""Subsidy estimates: worked profiles in tests/profiles/, each computed by hand from corpus/.

Each profile file holds `profile` (the enterprise) and `expected` (per city: the items as
clause id -> yuan, the total, stacked-out items, and clauses that must be listed as not
eligible or not computable), with a comment giving the sentence and the arithmetic.
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

from analysis.estimate import Estimate, estimate, estimate_record, estimate_table, fmt
from analysis.estimate.messages import Msg, render, render_all
from analysis.profile import DEFAULT_USD_CNY_RATE, load_profile, parse_profile, schema
from policykg.errors import PolicyKGError
from tests.conftest import ROOT

PROFILES = sorted((Path(__file__).parent / "profiles").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples" / "profiles").glob("*.yaml"))
CITIES = {"温州", "丽水", "杭州", "台州", "运城"}
POLICYKG = [sys.executable, "-m", "policykg.cli"]
# A date inside each policy's validity, read from its closing article: 温州 自2022年8月25日起施行，
# 有效期至2022年12月31日; 丽水 自2022年2月1日起施行，有效期五年; 杭州 2023年2月18日 – 2026年2月18日;
# 台州 自2025年1月1日起施行，有效期为3年; 运城 自印发之日 (2024-04-10) 起施行，有效期至2025年12月31日.
# No date has all five in force (温州's ended before 台州's began), so each city is estimated on its own.
IN_FORCE = {"温州": date(2022, 10, 1), "丽水": date(2023, 6, 1), "杭州": date(2023, 6, 1),
            "台州": date(2025, 6, 1), "运城": date(2024, 6, 1)}


def D(v) -> Decimal:
    return Decimal(str(v))


def en(m: Msg | list[Msg]) -> str:
    """A message (or several) as the English text the CLI prints."""
    return render_all(m, "en") if isinstance(m, list) else render(m, "en")


@pytest.fixture(scope="module")
def docs(corpus_docs):
    return [corpus_docs[k] for k in sorted(corpus_docs)]


def load_case(path: Path) -> tuple[dict, dict]:
    data = yaml.safe_load(path.read_text("utf-8"))
    return data["profile"], data["expected"]


def in_force_estimate(docs, data: dict, where: str = "profile") -> Estimate:
    """The estimate of every city on a date its policy is in force (IN_FORCE), as one result."""
    parts = []
    for city in sorted(IN_FORCE):
        profile = parse_profile(dict(data, cities=[city]), where)
        parts.append(estimate(docs, profile, IN_FORCE[city]))
    est = parts[0]
    est.cities = [c for e in parts for c in e.cities]
    est.assumptions = list(dict.fromkeys(a for e in parts for a in e.assumptions))
    return est


def run_case(docs, path):
    profile, expected = load_case(path)
    return in_force_estimate(docs, profile, str(path)), expected


def test_profiles_found():
    assert len(PROFILES) >= 8, PROFILES
    assert EXAMPLES, "examples/profiles/*.yaml"


def test_profiles_cover_every_city_and_feature():
    paying, text = set(), ""
    for path in PROFILES:
        _, expected = load_case(path)
        # a city pays when it has a certain amount or an up-to one (a ceiling, or a rate stated as a ceiling)
        paying |= {city for city, exp in expected.items() if exp.get("items") or exp.get("up_to")}
        text += path.read_text("utf-8")
    assert paying == CITIES
    for feature in ("以上", "超过", "cap", "tier", "per-unit", "不重复享受", "excluded"):
        assert feature in text or feature.replace("-", " ") in text, feature


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_worked_profile(docs, path):
    est, expected = run_case(docs, path)
    for city, exp in expected.items():
        got = est.city(city)
        items = {i.clause_id: i.amount_cny for i in got.items if i.amount_cny is not None}
        assert items == {k: D(v) for k, v in (exp.get("items") or {}).items()}, (city, items)
        assert got.total_cny == D(exp["total_cny"]), city
        ceilings = {i.clause_id: i.up_to_cny for i in got.items if i.amount_cny is None}
        assert ceilings == {k: D(v) for k, v in (exp.get("up_to") or {}).items()}, (city, ceilings)
        assert got.up_to_cny == got.total_cny + sum(ceilings.values(), Decimal(0))
        assert got.not_in_force == []
        excluded = {s.clause_id: s.amount_cny for s in got.excluded}
        assert excluded == {k: D(v) for k, v in (exp.get("excluded") or {}).items()}, (city, excluded)
        for key in ("not_eligible", "not_computable"):
            listed = {s.clause_id for s in getattr(got, key)}
            missing = set(exp.get(key) or []) - listed
            assert not missing, (city, key, missing, [(s.clause_id, s.reason) for s in
                                                      got.not_eligible + got.not_computable if s.clause_id in missing])
        for clause_id in exp.get("maximum") or []:  # a rate stated as a ceiling: only up to, never certain
            item = next(i for i in got.items if i.clause_id == clause_id)
            assert (item.bound, item.amount_cny) == ("maximum", None) and item.up_to_cny


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_every_incentive_lands_in_exactly_one_list(docs, path):
    est, _ = run_case(docs, path)
    for city in est.cities:
        incentives = [c.id for d in docs if d.city == city.city for c in d.clauses if c.kind == "incentive"]
        listed = [x.clause_id for x in city.items + city.excluded + city.not_eligible + city.not_computable]
        assert sorted(listed) == sorted(incentives), city.city
        assert city.total_cny == sum((i.amount_cny for i in city.items if i.amount_cny is not None), Decimal(0))


def test_items_are_explained_by_their_clause(docs):
    est, _ = run_case(docs, PROFILES[0])
    texts = {c.id: c.text for d in docs for c in d.clauses}
    for city in est.cities:
        for item in city.items:
            assert item.source_text == texts[item.clause_id]
            if item.bound == "ceiling":  # a ceiling-only clause: up to its maximum per enterprise
                assert en(item.explanation).startswith("up to CNY ")
                continue
            if item.bound == "maximum":  # a rate stated as a ceiling: at most
                assert en(item.explanation).endswith("counted only in the total up to).")
                continue
            assert en(item.explanation).endswith(f"Amount CNY {fmt(item.amount_cny)}") or \
                en(item.explanation).endswith("万元).")
            assert item.basis and item.category
    wenzhou = est.city("温州").items[0]
    assert "单个独立站补助最高不超过20万元" in en(wenzhou.explanation)  # the cap that binds, quoted
    assert any("200万美元以上" in en(c) and "includes the number" in en(c) for c in wenzhou.checks)
    assert any("7.2 CNY/USD (assumed default)" in en(c) for c in wenzhou.conditions)


def test_exclusive_threshold_is_explained(docs):
    est, _ = run_case(docs, next(p for p in PROFILES if "import-thresholds" in p.name))
    s = next(s for s in est.city("温州").not_eligible if s.clause_id == "wenzhou-2022-60/3.11/c1")
    assert any("USD 500,000 (50万美元) > USD 500,000 (50万美元): not met" in en(c) and "超过" in en(c)
               for c in s.checks), [en(c) for c in s.checks]


def test_not_computable_reasons(docs):
    est = in_force_estimate(docs, {"exports_usd": 3000000,
                                   "independent_sites": [{"spend_cny": 100000, "turnover_cny": 4000000}]})
    reasons = {s.clause_id: en(s.reason) for c in est.cities for s in c.not_computable}
    assert reasons["wenzhou-2022-60/1.4/c3"].startswith("一事一议")
    assert reasons["yuncheng-2024-10/9/c1"].startswith("一事一议")
    assert "丽政办发〔2020〕1号" in reasons["lishui-2021-67/3/c1"]
    assert "丽政发〔2019〕7号" in reasons["lishui-2021-67/9/c1"]
    # 给予不超过200万元的一次性资金扶持: a bound, not an amount: an item up to 200万, no amount (issue 13)
    hz = next(i for i in est.city("杭州").items if i.clause_id == "hangzhou-2023-9/1.1/c4")
    assert (hz.amount_cny, hz.up_to_cny, hz.bound) == (None, Decimal(2000000), "ceiling")
    assert "不超过200万元" in en(hz.explanation)
    # 须…新建: the site does not say whether it is new
    assert "new" in reasons["yuncheng-2024-10/5.2/c2"]


def test_absent_key_is_not_zero(docs):
    est = in_force_estimate(docs, {"name": "空"})
    for city in est.cities:
        assert city.items == [] and city.total_cny == 0
        assert city.not_eligible == []  # nothing stated, so nothing can fail


def test_exchange_rate_default_is_stated(docs):
    est = estimate(docs, parse_profile({"exports_cny": 14400000, "independent_sites": [{"spend_cny": 10000}]}))
    assert est.usd_cny_rate == DEFAULT_USD_CNY_RATE == Decimal("7.2")
    assert est.usd_cny_rate_assumed
    assert any("7.2" in en(a) and "assumed" in en(a) for a in est.assumptions)
    given = estimate(docs, parse_profile({"usd_cny_rate": 7.5, "exports_cny": 14400000,
                                          "independent_sites": [{"spend_cny": 10000}]}), IN_FORCE["温州"])
    assert not given.usd_cny_rate_assumed
    # 14,400,000 / 7.5 = 1,920,000 USD < 2,000,000: Wenzhou's site subsidy no longer applies
    assert "wenzhou-2022-60/1.2/c1" in {s.clause_id for s in given.city("温州").not_eligible}


def test_json_record_shape(docs):
    est, _ = run_case(docs, PROFILES[0])
    rec = json.loads(json.dumps(estimate_record(est), ensure_ascii=False))
    assert {c["city"] for c in rec["cities"]} == CITIES
    for city in rec["cities"]:
        assert isinstance(city["total_cny"], int)
        for item in city["items"]:
            assert {"clause_id", "category", "amount_cny", "explanation", "conditions"} <= set(item)
        for nc in city["not_computable"]:
            assert {"clause_id", "reason"} <= set(nc)
    wenzhou = next(c for c in rec["cities"] if c["city"] == "温州")
    assert wenzhou["items"][0]["amount_cny"] == 350000
    assert "assumptions" in rec and rec["usd_cny_rate"] == 7.2


def test_table_names_every_city(docs):
    est, _ = run_case(docs, PROFILES[0])
    table = estimate_table(est)
    for city in CITIES:
        assert f"== {city}" in table
    assert "not computable" in table


@pytest.mark.parametrize("data, words", [
    ({"export_usd": 1}, ["unknown key 'export_usd'", "exports_usd"]),
    ({"exports_usd": "200万"}, ["exports_usd", "write 2000000"]),
    ({"exports_usd": -1}, ["exports_usd", ">= 0"]),
    ({"exports_usd": 1, "exports_cny": 7}, ["exports_usd or exports_cny"]),
    ({"fairs": [{"kind": "party", "booths": 1, "fee_cny": 1}]}, ["fairs[0].kind", "cross-border-ecommerce"]),
    ({"fairs": [{"kind": "import", "fee_cny": 1}]}, ["fairs[0]", "booths"]),
    ({"independent_sites": {"spend_cny": 1}}, ["independent_sites", "list"]),
    ({"usd_cny_rate": 0}, ["usd_cny_rate"]),
    ({"recognitions": ["gold"]}, ["recognitions[0]", "national-cbec-demo-enterprise"]),
])
def test_bad_profiles_are_refused_with_the_key(data, words):
    with pytest.raises(PolicyKGError) as exc:
        parse_profile(data, "p.yaml")
    for w in words:
        assert w in str(exc.value), (w, str(exc.value))


def test_profile_files(tmp_path):
    for path in EXAMPLES:
        assert load_profile(path).name
    bad = tmp_path / "bad.yaml"
    bad.write_text("exports_usd: [1, 2\n", "utf-8")
    with pytest.raises(PolicyKGError, match="not valid YAML"):
        load_profile(bad)
    js = tmp_path / "p.json"
    js.write_text(json.dumps({"exports_usd": 2000000}), "utf-8")
    assert load_profile(js).exports_usd == Decimal(2000000)
    with pytest.raises(PolicyKGError, match="no such profile"):
        load_profile(tmp_path / "missing.yaml")


def test_schema_documents_every_key():
    keys = schema()
    assert {"exports_usd", "exports_cny", "usd_cny_rate", "independent_sites",
            "independent_sites[].spend_cny"} <= set(keys)
    doc = (ROOT / "docs" / "estimate.md").read_text("utf-8")
    for key, spec in keys.items():
        assert spec["description"], key
        assert f"`{key}`" in doc, key
    assert "7.2" in doc


def test_cli_estimate_json_and_table(built_store, tmp_path):
    example = ROOT / "examples" / "profiles" / "example-enterprise.yaml"
    r = subprocess.run(POLICYKG + ["estimate", str(example), "--format", "json", "--store", str(built_store)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert {c["city"] for c in rec["cities"]} == CITIES
    for city in rec["cities"]:
        assert {"city", "total_cny", "items", "not_computable"} <= set(city)
        for item in city["items"]:
            assert {"clause_id", "category", "amount_cny", "explanation", "conditions"} <= set(item)
    r = subprocess.run(POLICYKG + ["estimate", str(example), "--city", "温州", "--store", str(built_store)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and "== 温州" in r.stdout and "== 杭州" not in r.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("exports_usd: 200万\n", "utf-8")
    r = subprocess.run(POLICYKG + ["estimate", str(bad), "--store", str(built_store)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert "exports_usd" in r.stderr


def test_document_rule_keeps_the_highest_on_the_same_data(corpus_docs):
    # 台州 附则（四）"同一事项涉及多项奖补的，按“就高”原则不重复享受". No two Taizhou clauses pay on the same
    # profile data, so add a copy of 附件一（三）'s trademark clause at 60% (as a second policy on the same matter).
    import copy

    doc = copy.deepcopy(corpus_docs["taizhou-2024-26.txt"])
    original = next(c for c in doc.clauses if c.id == "taizhou-2024-26/annex.1.3/c1")
    second = copy.deepcopy(original)
    second.id, second.rates[0].percent = "taizhou-2024-26/annex.1.3/c1-bis", Decimal(60)
    doc.clauses.append(second)
    city = estimate([doc], parse_profile({"trademark_fees_cny": 100000}), IN_FORCE["台州"]).city("台州")
    # 60% x 100,000 = 60,000 against 50% x 100,000 = 50,000 (cap 10万 binds neither)
    assert [(i.clause_id, i.amount_cny) for i in city.items] == [(second.id, Decimal(60000))]
    assert [(s.clause_id, s.amount_cny) for s in city.excluded] == [(original.id, Decimal(50000))]
    assert "就高" in en(city.excluded[0].reason) and "trademark_fees_cny" in en(city.excluded[0].reason)
    assert city.total_cny == 60000
