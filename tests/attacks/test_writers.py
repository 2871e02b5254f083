"""Attack: two writers at once, and a 文号 that belongs to another city (issue 14, items 3 and 4).

Before the store lock, two `policykg ingest` runs of two new cities both printed "documents: 6"
and exited 0, and only one city was in the store (3 of 3 trials); a 宁波 document numbered
温政办〔2022〕60号 silently deleted Wenzhou's. Everything here runs the real CLI on a real
Oxigraph store.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT

POLICYKG = [sys.executable, "-m", "policykg.cli"]
UNSEEN = ROOT / "tests" / "unseen"
NEW_CITIES = {"ningbo-2024-5.txt": "宁波", "jinhua-2023-12.txt": "金华"}  # the city in each file's title


def cli(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(POLICYKG + list(args), cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, **kw)


@pytest.fixture
def store(tmp_path_factory, tmp_path) -> Path:
    """A copy of a store built once from corpus/ (five cities)."""
    base = tmp_path_factory.getbasetemp() / "writers-base"
    if not base.exists():
        r = cli("build", "--store", str(base))
        assert r.returncode == 0, r.stderr
    copy = tmp_path / "store"
    shutil.copytree(base, copy, symlinks=True)
    return copy


def cities_in_documents(store: Path) -> set[str]:
    return {d["city"] for d in json.loads((store / "documents.json").read_text("utf-8"))}


def cities_in_graph(store: Path) -> set[str]:
    from graph.store import query

    _, rows = query(store, 'PREFIX pkg: <https://w3id.org/policykg/ontology#> '
                           'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
                           'SELECT DISTINCT ?name WHERE { ?d a pkg:Document ; pkg:city ?c . '
                           '?c rdfs:label ?name FILTER(LANG(?name) = "zh") }')
    return {r[0] for r in rows}


def test_two_concurrent_ingests_both_land(store, tmp_path):
    procs = [subprocess.Popen(POLICYKG + ["ingest", "--store", str(store), str(UNSEEN / name)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in NEW_CITIES]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert "documents: 7" in outs[0][0] + outs[1][0]  # the later of the two saw the earlier's city
    expected = {"杭州", "丽水", "台州", "温州", "运城", *NEW_CITIES.values()}
    assert cities_in_documents(store) == expected
    assert cities_in_graph(store) == expected  # the clause models and the RDF graph agree
    assert len(list((store / ".generations").iterdir())) == 1, "one generation is left, the current one"
    assert not list(store.parent.glob(f".{store.name}.staging-*"))


def test_two_app_uploads_at_once_both_land(store):
    """The app adds an upload with webapp.tasks.add_to_store in a worker process; before the lock
    two at once shared one staging folder (the server's pid), and the clause models and the
    graph disagreed in 2 of 3 trials."""
    from concurrent.futures import ThreadPoolExecutor

    from webapp import tasks, worker

    def upload(name: str):
        return worker.run(tasks.add_to_store, store, UNSEEN / name, ROOT, timeout_s=300, what="upload")

    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(upload, NEW_CITIES))
    assert sorted(r.documents for r in reports) == [6, 7]
    expected = {"杭州", "丽水", "台州", "温州", "运城", *NEW_CITIES.values()}
    assert cities_in_documents(store) == expected
    assert cities_in_graph(store) == expected


def test_a_busy_store_fails_with_the_holders_pid(store):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from policykg import storedir\n"
                               "with storedir.writing(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(60)",
         str(store)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        r = cli("ingest", "--store", str(store), str(UNSEEN / "ningbo-2024-5.txt"), env={"POLICYKG_LOCK_WAIT": "1"})
        assert r.returncode == 2
        assert r.stderr.strip().splitlines()[-1].startswith(f"policykg: error: store busy (pid {holder.pid})")
        assert "Traceback" not in r.stderr
        assert "宁波" not in cities_in_documents(store)
    finally:
        holder.kill()
        holder.wait()


def test_a_waiting_writer_lands_when_the_holder_finishes(store):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from policykg import storedir\n"
                               "with storedir.writing(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(3)",
         str(store)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    r = cli("ingest", "--store", str(store), str(UNSEEN / "jinhua-2023-12.txt"))
    holder.wait()
    assert r.returncode == 0, r.stderr
    assert f"store busy (pid {holder.pid}): waiting" in r.stderr
    assert "金华" in cities_in_documents(store)


def test_another_citys_document_number_does_not_replace_it(store, tmp_path):
    # a 宁波 document that carries Wenzhou's 文号 (corpus/wenzhou-2022-60.txt: 温政办〔2022〕60号)
    text = (UNSEEN / "ningbo-2024-5.txt").read_text("utf-8").replace("甬政办发〔2024〕5号", "温政办〔2022〕60号")
    impostor = tmp_path / "ningbo-impostor.txt"
    impostor.write_text(text, "utf-8")
    r = cli("ingest", "--store", str(store), str(impostor))
    assert r.returncode == 2
    line = r.stderr.strip()
    assert "\n" not in line and "温州" in line and "温政办〔2022〕60号" in line and "--replace" in line
    assert cities_in_documents(store) == {"杭州", "丽水", "台州", "温州", "运城"}
    r = cli("ingest", "--replace", "--store", str(store), str(impostor))
    assert r.returncode == 0, r.stderr
    assert "温州" not in cities_in_documents(store) and "宁波" in cities_in_documents(store)
    assert cities_in_graph(store) == cities_in_documents(store)


def test_the_same_citys_document_still_replaces_itself(store, tmp_path):
    again = tmp_path / "wenzhou-renamed.txt"  # the same document (same 文号, same city) under a new name
    shutil.copy(CORPUS / "wenzhou-2022-60.txt", again)
    r = cli("ingest", "--store", str(store), str(again))
    assert r.returncode == 0, r.stderr
    ids = [d["id"] for d in json.loads((store / "documents.json").read_text("utf-8"))]
    assert "wenzhou-renamed" in ids and "wenzhou-2022-60" not in ids


def test_leftovers_of_a_killed_writer_are_removed_by_the_next(store, tmp_path):
    (store / ".generations" / "20200101T000000-deadbeef0000").mkdir()  # what kill -9 mid-write leaves
    old_staging = store.parent / f".{store.name}.staging-12345"  # the earlier layout's staging folder
    old_staging.mkdir()
    r = cli("remove", "--store", str(store), "yuncheng-2024-10")
    assert r.returncode == 0, r.stderr
    assert not (store / ".generations" / "20200101T000000-deadbeef0000").exists()
    assert not old_staging.exists()
    assert len(list((store / ".generations").iterdir())) == 1
    assert "运城" not in cities_in_graph(store)


def test_the_app_asks_before_another_citys_document_is_replaced(store, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("POLICYKG_STORE", str(store))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    text = (UNSEEN / "ningbo-2024-5.txt").read_text("utf-8").replace("甬政办发〔2024〕5号", "温政办〔2022〕60号")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["view"] = "upload"
    at.run()
    at.file_uploader[0].upload("ningbo-impostor.txt", text.encode("utf-8"), "text/plain").run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "温州" in warning and "温政办〔2022〕60号" in warning and "wenzhou-2022-60" in warning
    assert not [b for b in at.button if b.key == "upload_add"], "no add button before the confirmation"
    at.checkbox[0].check().run()
    at.button(key="upload_add").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "温州" not in cities_in_documents(store) and "宁波" in cities_in_documents(store)
