"""The estimate's rule registry and its words (analysis/estimate/rules, ontology/estimate.yaml).

- every rule declares the categories, clause fields and profile keys it uses, and the profile keys
  exist in the profile's schema; no rule is keyed to one city;
- every profile key has a Chinese label, so the Chinese page never shows a key;
- every message of every worked profile renders in both languages, and in Chinese has no Latin
  word outside the policy's own words (「…」), clause ids and document numbers.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from analysis.estimate import estimate, render
from analysis.estimate.messages import key_label, wording
from analysis.estimate.rules import RULES, rule_for
from analysis.estimate.rules.base import FIELDS
from analysis.profile import parse_profile, schema
from tests.conftest import ROOT

PROFILES = sorted((ROOT / "tests" / "profiles").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples" / "profiles").glob("*.yaml"))
CITIES = ("温州", "丽水", "杭州", "台州", "运城", "义乌", "义新欧", "金华")
QUOTE = re.compile(r"「[^」]*」")
CLAUSE_ID = re.compile(r"[a-z]+-\d{4}-\d+/[\w.]+/c\d+(?:-\w+)?")
LATIN = re.compile(r"[A-Za-z]+")


def test_every_rule_declares_what_it_reads():
    keys = {k.split("[")[0].split(".")[0] for k in schema()}
    assert len(RULES) >= 15
    for rule in RULES:
        assert rule.name and type(rule).__doc__, type(rule).__name__
        assert rule.categories or rule.fields, rule.name  # chosen from extracted fields
        assert set(rule.fields) <= set(FIELDS), rule.name
        assert rule.profile_keys and set(rule.profile_keys) <= keys, (rule.name, set(rule.profile_keys) - keys)
    assert len({r.name for r in RULES}) == len(RULES)


def test_no_rule_is_keyed_to_one_city():
    for path in (ROOT / "analysis" / "estimate").rglob("*.py"):
        text = path.read_text("utf-8")
        assert not any(city in text for city in CITIES), path
    # the rail route is a field named for what it is, not for one city's train
    assert "imports[].china_europe_rail" in schema()
    assert not [k for k in schema() if "yixinou" in k]


def test_every_profile_key_has_a_chinese_label():
    labels = wording()["keys"]
    for key in schema():
        assert key in labels, key
        zh = key_label(key.replace("[]", "[0]"), "zh")
        assert not re.search(r"[A-Za-z_]", zh.replace("RCEP", "")), (key, zh)


def test_zh_templates_have_no_latin_words():
    for key, texts in wording()["messages"].items():
        zh = QUOTE.sub("", re.sub(r"\{\w+\}", "", texts["zh"]))
        assert not LATIN.search(zh), (key, texts["zh"])
        assert set(re.findall(r"\{\w+\}", texts["zh"])) == set(re.findall(r"\{\w+\}", texts["en"])), key


@pytest.mark.parametrize("path", PROFILES + EXAMPLES, ids=[p.stem for p in PROFILES + EXAMPLES])
def test_every_message_renders_in_both_languages(corpus_docs, path):
    data = yaml.safe_load(Path(path).read_text("utf-8"))
    data = data.get("profile", data)
    docs = [corpus_docs[k] for k in sorted(corpus_docs)]
    seen = 0
    for on in (date(2022, 10, 1), date(2024, 6, 1), date(2025, 6, 1)):
        est = estimate(docs, parse_profile(data), on)
        msgs = list(est.assumptions)
        for c in est.cities:
            for i in c.items:
                msgs += i.explanation + i.conditions + i.checks + i.notes + i.funding
            for s in c.excluded + c.not_eligible + c.not_computable + c.not_in_force:
                msgs += [s.reason, *s.checks]
        for m in msgs:
            assert render(m, "en")
            zh = CLAUSE_ID.sub("", QUOTE.sub("", render(m, "zh")))
            assert not LATIN.search(zh), (m.key, render(m, "zh"))
            seen += 1
    assert seen > 20


def test_rule_choice_for_known_clauses(corpus_docs):
    """The registry picks rules by the clauses' extracted fields (hand-checked against corpus/)."""
    clauses = {c.id: c for d in corpus_docs.values() for c in d.clauses}
    expected = {
        "wenzhou-2022-60/1.2/c1": "independent-site",  # 独立站: category independent-site
        "wenzhou-2022-60/3.13/c1": "import",  # 每进口1美元给予…0.2元: a per-unit amount per USD
        "lishui-2021-67/5/c2": "warehouse-storage",  # 仓储服务成本20%: the rate's base
        "lishui-2021-67/5/c1": "warehouse-build",  # 建设成本50%: the rate's base
        "yuncheng-2024-10/5.3/c2": "warehouse-award",  # 新认定…公共海外仓试点…奖励: an award
        "taizhou-2024-26/annex.4.2/c2": "training-sessions",  # 每场…: a cap per session
        "wenzhou-2022-60/1.6/c1": "parcels",  # per block of parcels
        "taizhou-2024-26/annex.4.3/c2": "export-credit-insurance",
    }
    for clause_id, name in expected.items():
        rule = rule_for(clauses[clause_id])
        assert rule is not None and rule.name == name, (clause_id, rule and rule.name)
