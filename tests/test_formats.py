"""PDF, Word, HTML and GBK copies of a corpus document give the same clauses as the .txt, and
`policykg ingest` / `policykg remove` add, replace and remove documents in a built store."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from ingest.pipeline import ingest_file
from policykg.records import clause_record
from tests.conftest import CORPUS, ROOT
from tests.fixtures_make import make_docx, make_gbk, make_html, make_pdf

MAKERS = {"pdf": make_pdf, "docx": make_docx, "html": make_html, "txt": make_gbk}
POLICYKG = [sys.executable, "-m", "policykg.cli"]


def comparable(doc) -> list[tuple]:
    out = []
    for c in doc.clauses:
        r = clause_record(doc, c)
        out.append((r["article"], re.sub(r"\s", "", r["text"]), r["kind"], r["instrument"], r["rates_percent"],
                    [(a["value_cny"], a["role"], a["per"]) for a in r["amounts"]],
                    [(t["metric"], t["op"], t["value"], t["unit"]) for t in r["thresholds"]]))
    return out


@pytest.mark.parametrize("name", ["wenzhou-2022-60", "taizhou-2024-26"])
@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_other_formats_give_the_same_clauses(tmp_path, name, fmt):
    src = CORPUS / f"{name}.txt"
    out = MAKERS[fmt](src, tmp_path / f"{name}.{fmt}")
    original = ingest_file(src, ROOT)[0]
    other, text, extracted = ingest_file(out, tmp_path)
    assert extracted == (fmt != "txt")
    assert (other.city, other.number, other.title, other.validity) == \
        (original.city, original.number, original.title, original.validity)
    assert comparable(other) == comparable(original)
    for c in other.clauses:  # offsets point into the extracted text
        assert re.sub(r"\s", "", text[c.span.start:c.span.end]).startswith(re.sub(r"\s", "", c.text)[:10])


def run(*args):
    return subprocess.run(POLICYKG + list(args), cwd=ROOT, capture_output=True, text=True)


def test_ingest_replace_and_remove(tmp_path):
    store = tmp_path / "store"
    assert run("build", "--store", str(store)).returncode == 0
    pdf = make_pdf(ROOT / "tests/unseen/ningbo-2024-5.txt", tmp_path / "ningbo.pdf")
    r = run("ingest", str(pdf), "--store", str(store))
    assert r.returncode == 0, r.stderr
    docs = json.loads(run("documents", "--store", str(store)).stdout)
    assert sorted(d["city"] for d in docs) == ["丽水", "台州", "宁波", "杭州", "温州", "运城"]
    ningbo = next(d for d in docs if d["city"] == "宁波")
    text = (store / ningbo["source"]["file"]).read_text("utf-8")  # the extracted text, saved beside the store
    clauses = [json.loads(line) for line in run("clauses", "--store", str(store), "--city", "宁波").stdout.splitlines()]
    assert clauses and all(re.sub(r"\s", "", text[c["source"]["start"]:c["source"]["end"]])
                           .startswith(re.sub(r"\s", "", c["text"])[:8]) for c in clauses)
    # the same document again, as text this time: replaced, not duplicated
    txt = tmp_path / "ningbo-2024-5.txt"
    shutil.copy(ROOT / "tests/unseen/ningbo-2024-5.txt", txt)
    assert run("ingest", str(txt), "--store", str(store)).returncode == 0
    docs = json.loads(run("documents", "--store", str(store)).stdout)
    assert [d["city"] for d in docs].count("宁波") == 1
    assert run("remove", "甬政办发〔2024〕5号", "--store", str(store)).returncode == 0
    docs = json.loads(run("documents", "--store", str(store)).stdout)
    assert "宁波" not in [d["city"] for d in docs] and len(docs) == 5
    r = run("remove", "no-such-document", "--store", str(store))
    assert r.returncode != 0 and "no-such-document" in r.stderr and "Traceback" not in r.stderr
