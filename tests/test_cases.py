"""Extraction cases as data: tests/cases/fields/NAME.yaml, one sentence or paragraph and the
fields read from it by hand, run through the product's path (normalise, then the field rules and
the funding reader).

A case's `expect` may give: instrument, grants, one_time, beneficiary, rates (in order, each a
percentage or a mapping of percent/base/maximum: maximum true for a rate stated as a ceiling), amounts and thresholds (lists compared in order and in full length, each item on the keys
it gives: role/per/per_year/unit/value_cny; metric/op/value/unit), tiers (threshold and amount
of each), bonuses (amount or percent), stacking (the kinds, in order), unparsed (each listed text
must be reported) and funding (kind/city_share/local_share/districts of each rule, in order).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.fields import extract
from ingest.funding import read_funding
from ingest.lexicon import Lexicon
from ingest.model import Span
from ingest.normalize import normalize

CASES = sorted((Path(__file__).parent / "cases" / "fields").glob("*.yaml"))
KNOWN = {"instrument", "grants", "one_time", "beneficiary", "rates", "amounts", "thresholds", "tiers",
         "bonuses", "stacking", "unparsed", "funding"}
AMOUNT_KEYS = {"value_cny": "value", "role": "role", "per": "per", "per_year": "per_year", "unit": "unit",
               "qualifier": "qualifier"}
THRESHOLD_KEYS = {"metric": "metric", "op": "op", "value": "value", "unit": "unit"}
RATE_KEYS = {"percent": "percent", "base": "base", "maximum": "maximum"}


def test_cases_found():
    assert len(CASES) >= 30, f"expected at least 30 cases in tests/cases/fields, found {len(CASES)}"


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, (int, float)) and not isinstance(expected, bool) or isinstance(actual, Decimal):
        return actual is not None and Decimal(str(expected)) == Decimal(str(actual))
    return expected == actual


def _check_items(what: str, expected: list[dict], actual: list[Any], keys: dict[str, str]) -> None:
    assert len(expected) == len(actual), f"{what}: expected {len(expected)}, got {actual}"
    for i, (exp, act) in enumerate(zip(expected, actual)):
        for key, value in exp.items():
            got = getattr(act, keys[key])
            assert _same(value, got), f"{what}[{i}].{key}: expected {value!r}, got {got!r} in {act}"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path):
    check_case(yaml.safe_load(path.read_text("utf-8")))


def check_case(case: dict, lexicon: Lexicon | None = None) -> None:
    """Extract the case's text (with `lexicon`, default the product's) and compare with `expect`."""
    expect = case["expect"]
    assert set(expect) <= KNOWN, f"unknown keys {set(expect) - KNOWN}"
    norm = normalize(case["text"])
    f = extract(norm.text.replace("\n", ""), lambda i, j: Span(i, j), lexicon=lexicon)
    for key in ("instrument", "grants", "one_time", "beneficiary"):
        if key in expect:
            assert getattr(f, key) == expect[key], f"{key}: expected {expect[key]!r}, got {getattr(f, key)!r}"
    if "rates" in expect:
        _check_items("rates", [r if isinstance(r, dict) else {"percent": r} for r in expect["rates"]], f.rates,
                     RATE_KEYS)
    if "amounts" in expect:
        _check_items("amounts", expect["amounts"], f.amounts, AMOUNT_KEYS)
    if "thresholds" in expect:
        _check_items("thresholds", expect["thresholds"], f.thresholds, THRESHOLD_KEYS)
    if "tiers" in expect:
        assert len(expect["tiers"]) == len(f.tiers), f.tiers
        for exp, tier in zip(expect["tiers"], f.tiers):
            if "threshold" in exp:
                _check_items("tier threshold", [exp["threshold"]], [tier.threshold], THRESHOLD_KEYS)
            _check_items("tier amount", [exp["amount"]], [tier.amount], AMOUNT_KEYS)
            if "label" in exp:
                assert tier.label == exp["label"], tier
    if "bonuses" in expect:
        _check_items("bonuses", expect["bonuses"], f.bonuses, {"amount": "amount", "percent": "percent"})
    if "stacking" in expect:
        assert [s.kind for s in f.stacking] == expect["stacking"], f.stacking
    for text in expect.get("unparsed", []):
        assert text in f.unparsed, f"{text!r} not reported in {f.unparsed}"
    if "funding" in expect:
        rules = read_funding(norm, "case", lexicon)
        _check_items("funding", expect["funding"], rules, {k: k for k in
                                                          ("kind", "city_share", "local_share", "districts")})
