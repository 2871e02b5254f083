"""The benchmark: synthetic documents (marked, deterministic, ingestible) and a `policykg bench` smoke run."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import CITIES, MARK, SOURCE_CITIES, generate
from ingest.pipeline import ingest_file
from policykg.errors import PolicyKGError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
POLICYKG = Path(sys.executable).with_name("policykg")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> list[Path]:
    return generate(12, tmp_path_factory.mktemp("synthetic"), CORPUS, seed=7)


def test_documents_are_marked_synthetic(synthetic):
    assert len(synthetic) == 12
    for path in synthetic:
        assert re.fullmatch(r"synthetic-[a-z]+-\d+\.txt", path.name)
        assert path.read_text("utf-8").splitlines()[0] == MARK


def test_same_seed_same_documents_other_seed_others(synthetic, tmp_path):
    again = generate(12, tmp_path / "again", CORPUS, seed=7)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in synthetic]
    other = generate(12, tmp_path / "other", CORPUS, seed=8)
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in synthetic]


def test_documents_ingest_cleanly_as_other_cities(synthetic):
    cities = {c for c, _ in CITIES}
    for path in synthetic:
        doc, _, _ = ingest_file(path)
        assert doc.city in cities and doc.city not in SOURCE_CITIES
        assert re.fullmatch(r".政办发〔20\d\d〕\d+号", doc.number)
        assert doc.title.startswith(f"{doc.city}市人民政府办公室关于")
        assert any(c.kind == "incentive" for c in doc.clauses)
        assert not any(src in c.text for c in doc.clauses for src in SOURCE_CITIES)


def test_numbering_schemes_vary(synthetic):
    heads = {re.search(r"^(第.条|一、|（一）|1\.)", line, re.M).group(1)
             for p in synthetic for line in [p.read_text("utf-8").split("意见。", 1)[1].strip()]}
    assert len(heads) >= 2


def test_never_writes_into_the_corpus():
    with pytest.raises(PolicyKGError, match="never go into the corpus"):
        generate(1, CORPUS / "synthetic", CORPUS)
    assert not (CORPUS / "synthetic").exists()


def test_bench_smoke_run_writes_the_report(tmp_path):
    if not POLICYKG.exists():
        pytest.fail(f"{POLICYKG} is missing: run `make dev`", pytrace=False)
    done = subprocess.run([str(POLICYKG), "bench", "--sizes", "5", "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    md = (tmp_path / "benchmark.md").read_text("utf-8")
    for section in ("## Machine", "## Build", "## Named queries", "## Targets"):
        assert section in md
    report = json.loads((tmp_path / "benchmark.json").read_text("utf-8"))
    assert report["machine"]["cores"] >= 1 and report["machine"]["cpu"]
    (only,) = report["results"]
    assert only["documents"] == 5 and only["build_s"] > 0 and only["peak_rss_mb"] > 0 and only["triples"] > 0
    assert {t["status"] for t in report["targets"]} <= {"met", "missed", "not measured"}
    assert any(t["target"].startswith("the five corpus documents") for t in report["targets"])
    # every target of issue 15 has a row, met, missed (with why and fix) or not measured
    for start in ("every named query, first page of 100 rows, p50 on embedded",
                  "every named query, first page of 100 rows, p50 on Neo4j", "the compare view server-side",
                  "5,000 documents loaded into Neo4j", "5,000 documents built"):
        row = next(t for t in report["targets"] if t["target"].startswith(start))
        assert row["status"] != "missed" or row["why_fix"], row
    # the named queries are timed on their first page: every one returns rows at 5 documents
    assert all(t.get("rows", 0) >= 1 for name, t in only["embedded"].items() if name != "similar-incentives")


def test_bad_sizes_is_one_line(tmp_path):
    done = subprocess.run([str(POLICYKG), "bench", "--sizes", "five", "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "--sizes" in done.stderr
