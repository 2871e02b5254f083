"""Documents the code has never seen (tests/unseen/, written in the corpus's style with other
cities, numbers and numbering schemes) ingest with no code change, with the right numbers."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingest.pipeline import ingest_file
from policykg.records import clause_record, document_record
from tests.test_ingest_facts import find_clause, same

HERE = Path(__file__).parent / "unseen"
SPECS = sorted(HERE.glob("*.yaml"))
ROOT = Path(__file__).resolve().parent.parent


def test_specs_found():
    assert len(SPECS) >= 2


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.stem for p in SPECS])
def test_unseen_document(spec_path):
    spec = yaml.safe_load(spec_path.read_text("utf-8"))
    doc = ingest_file(ROOT / spec["file"], ROOT)[0]
    rec = document_record(doc)
    for key, expected in spec["document"].items():
        assert rec[key] == expected, f"{key}: expected {expected!r}, got {rec[key]!r}"
    for fact in spec["facts"]:
        crec = clause_record(doc, find_clause(doc, fact))
        for key, expected in fact.items():
            if key in ("about", "article", "contains"):
                continue
            if key == "categories":
                assert set(expected) <= set(crec[key]), (fact["about"], crec[key])
            else:
                assert same(expected, crec[key]), f"{fact['about']}: {key} expected {expected!r}, got {crec[key]!r}"
