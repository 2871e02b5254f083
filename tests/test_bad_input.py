"""Bad input: one clear line naming the file and the problem, a non-zero exit, and the previous
store left exactly as it was. A GB18030/GBK file is decoded, not refused."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import CORPUS, ROOT

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "bad-input.yaml").read_text("utf-8"))
POLICYKG = [sys.executable, "-m", "policykg.cli"]


def test_cases_found():
    assert len(CASES) >= 4


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def good_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("bad") / "store"
    r = subprocess.run(POLICYKG + ["build", "--store", str(store)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return store


@pytest.mark.parametrize("case", CASES, ids=[c["kind"] for c in CASES])
def test_bad_file_fails_cleanly_and_keeps_the_store(tmp_path, good_store, case):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    data = bytes.fromhex(case["hex"].replace(" ", "")) if "hex" in case else case["text"].encode("utf-8")
    (corpus / case["file"]).write_bytes(data)
    before = tree_digest(good_store)
    r = subprocess.run(POLICYKG + ["build", "--corpus", str(corpus), "--store", str(good_store)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode != 0
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    for word in case["words"]:
        assert word in lines[0], (word, lines[0])
    assert tree_digest(good_store) == before


def test_gbk_file_is_decoded_like_its_utf8_original(tmp_path):
    from ingest.pipeline import ingest_file

    src = CORPUS / "lishui-2021-67.txt"
    gbk = tmp_path / "lishui-2021-67.txt"
    gbk.write_bytes(src.read_text("utf-8").encode("gb18030"))
    a = ingest_file(src, ROOT)[0]
    b = ingest_file(gbk, tmp_path)[0]
    assert [(c.text, c.span.start, c.span.end) for c in a.clauses] == \
        [(c.text, c.span.start, c.span.end) for c in b.clauses]
    assert b.city == "丽水" and b.number == "丽政办发〔2021〕67号"


def test_a_graph_that_breaks_the_shapes_keeps_the_store(tmp_path, good_store, monkeypatch):
    """SHACL runs in a forked child while the store is written; a violation still stops the swap."""
    import rdflib

    import graph.shacl
    from policykg.build import build
    from policykg.errors import ValidationFailed

    strict = rdflib.Graph()
    strict.parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix pkg: <https://w3id.org/policykg/ontology#> .
        <urn:test:shape> a sh:NodeShape ; sh:targetClass pkg:Incentive ;
            sh:property <urn:test:needs-a-witness> .
        <urn:test:needs-a-witness> sh:path pkg:witness ; sh:minCount 1 ;
            sh:message "an incentive needs a witness (a shape no clause meets)" .
    """, format="turtle")
    monkeypatch.setattr(graph.shacl, "shapes_graph", lambda: strict)
    before = tree_digest(good_store)
    with pytest.raises(ValidationFailed, match="does not conform"):
        build(CORPUS, good_store, ROOT)
    assert tree_digest(good_store) == before
    assert not list(good_store.parent.glob(f".{good_store.name}.staging-*"))


def test_a_validator_child_that_dies_is_replaced_by_validating_here(tmp_path, monkeypatch):
    """If the forked SHACL child exits without an answer, the build validates in its own process."""
    import policykg.build as build_module

    monkeypatch.setattr(build_module, "_validator_main", lambda conn: conn.close())
    report = build_module.build(CORPUS, tmp_path / "store", ROOT)
    assert report.conforms and report.documents == 5
    assert (tmp_path / "store" / "oxigraph").is_dir()
