"""Numbers read by hand from each corpus document (tests/facts/*.yaml) against the export records.

A fact names a clause by its article label and a piece of its text, and lists the fields it
must have. Lists of dicts match when every expected dict matches some actual entry on the
keys it gives; numbers compare as exact decimals.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from policykg.records import clause_record, document_record

FACTS = sorted((Path(__file__).parent / "facts").glob("*.yaml"))
CASES = [(f, i, fact) for f in FACTS for i, fact in enumerate(yaml.safe_load(f.read_text("utf-8"))["facts"])]


def test_every_document_has_at_least_twelve_facts():
    assert len(FACTS) == 5
    for f in FACTS:
        assert len(yaml.safe_load(f.read_text("utf-8"))["facts"]) >= 12, f.name


def same(expected, actual) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(same(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, (int, float)) and not isinstance(expected, bool) and actual is not None \
            and not isinstance(actual, (bool, str, dict, list)):
        return Decimal(str(expected)) == Decimal(str(actual))
    if isinstance(expected, list) and expected and isinstance(expected[0], dict):
        return all(any(same(e, a) for a in actual or []) for e in expected)
    return expected == actual


def find_clause(doc, fact):
    matches = [c for c in doc.clauses if c.article == fact["article"]
               and fact.get("contains", "") in c.text.replace(" ", "")]
    assert matches, f"no clause in {fact['article']} containing {fact.get('contains')!r}"
    return matches[0]


@pytest.mark.parametrize("path,index,fact", CASES, ids=[f"{p.stem}-{i}" for p, i, _ in CASES])
def test_fact(corpus_docs, path, index, fact):
    spec = yaml.safe_load(path.read_text("utf-8"))
    doc = corpus_docs[Path(spec["file"]).name]
    rec = clause_record(doc, find_clause(doc, fact))
    for key, expected in fact.items():
        if key in ("about", "article", "contains"):
            continue
        actual = rec[key]
        if key == "categories":
            assert set(expected) <= set(actual), (fact["about"], actual)
        elif key in ("rates_percent", "agencies") and isinstance(expected, list):
            assert [Decimal(str(x)) for x in expected] == [Decimal(str(x)) for x in actual] \
                if key == "rates_percent" else set(expected) <= set(actual), (fact["about"], actual)
        else:
            assert same(expected, actual), f"{fact['about']}: {key} expected {expected!r}, got {actual!r}"


@pytest.mark.parametrize("path", FACTS, ids=[p.stem for p in FACTS])
def test_document_metadata(corpus_docs, path):
    spec = yaml.safe_load(path.read_text("utf-8"))
    rec = document_record(corpus_docs[Path(spec["file"]).name])
    for key, expected in spec["document"].items():
        assert rec[key] == expected, f"{key}: expected {expected!r}, got {rec[key]!r}"
