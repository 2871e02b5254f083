"""A corpus with one bad file (`policykg build --keep-going`), a refused build that answers at once,
`policykg inspect` (what a document would become, store untouched) and `policykg ingest --city …`.
Run through the real command line, as a user would."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import CORPUS, ROOT

POLICYKG = [sys.executable, "-m", "policykg.cli"]
ORIGIN = ROOT / "tests" / "origin"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def run(*args, env=None):
    return subprocess.run(POLICYKG + [str(a) for a in args], cwd=ROOT, capture_output=True, text=True, env=env)


def corpus_with_a_binary_file(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "image.txt").write_bytes(PNG)
    return corpus


def test_keep_going_builds_every_other_document_and_lists_the_refused_one(tmp_path):
    corpus, store = corpus_with_a_binary_file(tmp_path), tmp_path / "store"
    r = run("build", "--corpus", corpus, "--store", store, "--keep-going")
    assert r.returncode == 1, r.stderr
    assert "refused files: 1" in r.stdout
    refused = [line for line in r.stdout.splitlines() if "image.txt" in line]
    assert len(refused) == 1 and "binary" in refused[0]
    assert "Traceback" not in r.stderr and "refused" in r.stderr
    docs = json.loads(run("documents", "--store", store).stdout)
    assert sorted(d["city"] for d in docs) == ["丽水", "台州", "杭州", "温州", "运城"]


def test_without_keep_going_a_refused_build_answers_at_once_and_builds_nothing(tmp_path):
    corpus, store = corpus_with_a_binary_file(tmp_path), tmp_path / "store"
    t0 = time.perf_counter()
    r = run("build", "--corpus", corpus, "--store", store)
    seconds = time.perf_counter() - t0
    print(f"refused build answered in {seconds:.2f} s")
    assert r.returncode != 0
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "image.txt" in lines[0]
    assert not store.exists()
    assert seconds < 5  # the whole process, Python start included; it used to wait 30 s for the SHACL child


def test_an_unused_shacl_child_is_stopped_at_once():
    """A build that fails before validation closes the Validator: its child must not hold it up."""
    from policykg.build import Validator

    v = Validator()
    child = v.child
    t0 = time.perf_counter()
    v.close()
    assert time.perf_counter() - t0 < 3
    assert child is None or not child.is_alive()


def test_inspect_json_shows_what_the_document_would_become_without_a_store(tmp_path):
    store = tmp_path / "no-store"
    r = run("inspect", ORIGIN / "jiaxing-on-a-ningbo-portal.txt", "--format", "json",
            env={**_env(), "POLICYKG_STORE": str(store)})
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert not store.exists()
    assert d["structure"] == "numbered"
    assert d["place"] == {"city": "嘉兴", "province": "浙江省", "district": None, "level": "city"}
    used = [f for f in d["found"] if f["field"] == "place" and f["accepted"]]
    assert [(f["rule"], f["result"]) for f in used] == [("issuer-line", "嘉兴 (浙江省, city)")]
    text = (ORIGIN / "jiaxing-on-a-ningbo-portal.txt").read_text("utf-8")
    assert text[used[0]["start"]:used[0]["end"]] == used[0]["text"]  # cited at its place in the file
    assert d["number"] == "嘉政办发〔2024〕8号" and d["issuer"] == "嘉兴市人民政府办公室"
    # 三、本政策自2024年5月1日起施行，有效期至2026年12月31日。
    assert (d["validity"]["valid_from"], d["validity"]["valid_to"]) == ("2024-05-01", "2026-12-31")
    assert d["funding_rules"] == [] and any(w.startswith("no funding rule") for w in d["warnings"])
    # 一、…按建设费用的50%给予补助，单个企业最高不超过30万元。
    first = next(c for c in d["clauses"] if c["article"] == "一、")
    assert first["kind"] == "incentive" and [r["percent"] for r in first["rates"]] == ["50"]
    assert [(a["value_cny"], a["role"]) for a in first["amounts"]] == [("300000", "cap")]
    assert {"id", "text", "thresholds", "unparsed", "categories"} <= set(first)
    assert isinstance(d["unparsed"], list) and "status" in d


def test_inspect_text_and_a_file_that_is_not_there(tmp_path):
    r = run("inspect", ORIGIN / "zhengzhou-news.txt")
    assert r.returncode == 0 and "structure: unstructured" in r.stdout and "bureau" in r.stdout
    r = run("inspect", tmp_path / "nothing.txt")
    assert r.returncode != 0 and "nothing.txt" in r.stderr and "Traceback" not in r.stderr


def test_ingest_with_the_city_given_on_the_command_line(tmp_path):
    store = tmp_path / "store"
    assert run("build", "--corpus", ORIGIN, "--store", store).returncode == 0
    docs = json.loads(run("documents", "--store", store).stdout)
    assert sorted(d["city"] for d in docs) == sorted(["温州", "阳江", "郑州", "嘉兴", "浙江省", "台州", "佳木斯", "深圳"])
    excerpt = tmp_path / "excerpt.txt"  # the excerpt without its sidecar
    excerpt.write_text((ORIGIN / "excerpt-no-place.txt").read_text("utf-8"), "utf-8")
    r = run("ingest", excerpt, "--store", store, "--city", "宁波", "--valid-to", "2025-06-30", "--status", "in-force")
    assert r.returncode == 0, r.stderr
    added = next(d for d in json.loads(run("documents", "--store", store).stdout) if d["id"] == "excerpt")
    assert (added["city"], added["province"], added["level"], added["valid_to"], added["status"]) == \
        ("宁波", "浙江省", "city", "2025-06-30", "in-force")
    other = tmp_path / "other" / "excerpt.txt"  # another file of the same name: a document of its own
    other.parent.mkdir()
    other.write_text((ORIGIN / "wenzhou-notice-no-issuer.txt").read_text("utf-8"), "utf-8")
    assert run("ingest", other, "--store", store).returncode == 0
    docs = json.loads(run("documents", "--store", store).stdout)
    same_name = sorted((d["id"], d["city"]) for d in docs if d["id"].startswith("excerpt") and "no-place" not in d["id"])
    assert [c for _, c in same_name] == ["宁波", "温州"] and same_name[0][0] == "excerpt"
    r = run("ingest", excerpt, "--store", store, "--city", "欢迎访问宁波")
    assert r.returncode != 0 and "欢迎访问宁波" in r.stderr and "city" in r.stderr and "Traceback" not in r.stderr


def _env() -> dict:
    import os

    return dict(os.environ)


def test_keep_going_leaves_out_a_document_that_breaks_the_shapes(tmp_path, monkeypatch):
    """A document whose graph violates a shape is refused with its violation; the rest is built."""
    import rdflib

    import graph.shacl
    from policykg.build import build, load_documents

    strict = graph.shacl.shapes_graph() + rdflib.Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix pkg: <https://w3id.org/policykg/ontology#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <urn:test:ascii-ids> a sh:PropertyShape ; sh:targetClass pkg:Document ;
            sh:path dcterms:identifier ; sh:pattern "^[a-z]" ;
            sh:message "a test shape: ids start with a Latin letter" .
    """, format="turtle")
    monkeypatch.setattr(graph.shacl, "shapes_graph", lambda: strict)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copy(ORIGIN / "yangjiang-call-for-applications.txt", corpus / "阳江-申报通知.txt")
    report = build(corpus, tmp_path / "store", ROOT, keep_going=True)
    assert len(report.refused) == 1
    assert "阳江-申报通知.txt" in report.refused[0] and "ids start with a Latin letter" in report.refused[0]
    assert sorted(d.city for d in load_documents(tmp_path / "store")) == ["丽水", "台州", "杭州", "温州", "运城"]
