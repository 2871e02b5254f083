"""Attack: faults of the machine and of the store (issue 14, item 8 and Build 6). Each must be one
line and a non-zero exit, with the store as it was; helpers must not outlive their parent.

Before: a full disk, a read-only parent folder and a damaged store printed tracebacks
(RuntimeError: Corruption: CURRENT file corrupted); after kill -9 of a build the SHACL child
stayed orphaned for good and a staging folder stayed behind; `policykg named --store http://…`
said "no store at http://…".
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT

POLICYKG = [sys.executable, "-m", "policykg.cli"]
QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(POLICYKG + list(args), cwd=ROOT, capture_output=True, text=True, timeout=300, **kw)


def one_line(r: subprocess.CompletedProcess, *words: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr[-1500:])
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr[-1500:]
    assert r.stderr.startswith("policykg: error: ")
    for word in words:
        assert word in r.stderr, r.stderr


@pytest.fixture
def store(built_store, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(built_store, copy, symlinks=True)
    return copy


def documents(store: Path) -> str:
    return (store / "documents.json").read_text("utf-8")


def test_a_full_disk_is_one_line_and_the_store_is_unchanged(store):
    before = documents(store)

    def small_disk() -> None:  # writes past 200 KB fail with EFBIG, as writes on a full disk fail with ENOSPC
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    r = cli("build", "--store", str(store), preexec_fn=small_disk)
    one_line(r, f"cannot write the store at {store}", "File too large", "the store is unchanged")
    assert documents(store) == before
    assert len(list((store / ".generations").iterdir())) == 1
    assert cli("query", "--store", str(store), "-", input=QUERY).returncode == 0


def test_a_read_only_parent_folder_is_one_line():
    parent = Path(tempfile.mkdtemp(prefix="policykg-ro-"))
    try:
        os.chmod(parent, 0o555)
        # root ignores folder permissions unless util-linux's setpriv drops the capabilities that let it
        prefix = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner"] \
            if os.getuid() == 0 else []
        r = subprocess.run(prefix + POLICYKG + ["build", "--store", str(parent / "store")], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
        one_line(r, f"cannot write the store at {parent / 'store'}", "Permission denied")
        assert list(parent.iterdir()) == []
    finally:
        os.chmod(parent, 0o755)
        shutil.rmtree(parent)


def test_a_damaged_store_is_one_line_in_the_cli(store):
    (store / "oxigraph" / "CURRENT").write_text("garbage\n")
    for args in (["query", "--store", str(store), "-"], ["named", "in-force-on", "--store", str(store)]):
        r = cli(*args, input=QUERY)
        one_line(r, "cannot open the store", "Corruption", "policykg build")


def test_damaged_clause_models_are_one_line(store):
    (store / "documents.json").write_text('[{"id": "x"', encoding="utf-8")
    one_line(cli("documents", "--store", str(store)), "unreadable clause models")


def test_a_damaged_store_is_one_line_in_the_console(store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    (store / "oxigraph" / "CURRENT").write_text("garbage\n")
    monkeypatch.setenv("POLICYKG_STORE", str(store))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["view"] = "console"
    at.run()
    at.button(key="console_run").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "cannot open the store" in at.error[0].value and "\n" not in at.error[0].value


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_build(store: Path, tmp_path: Path) -> subprocess.Popen:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return subprocess.Popen(POLICYKG + ["build", "--corpus", str(corpus), "--store", str(store)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(build: subprocess.Popen, ready) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and build.poll() is None:
        if ready():
            return True
        time.sleep(0.01)
    return False


def test_kill_9_of_a_build_ends_its_shacl_child(store, tmp_path):
    build = _start_build(store, tmp_path)
    assert _wait_for(build, lambda: _children(build.pid)), "the build never started its SHACL child"
    children = _children(build.pid)  # forked before ingest, it waits for the clause models
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(_alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(c) for c in children), "the SHACL child outlived its parent"


def test_kill_9_while_writing_leaves_the_store_and_the_next_writer_cleans_up(store, tmp_path):
    before = documents(store)
    build = _start_build(store, tmp_path)
    assert _wait_for(build, lambda: len(list((store / ".generations").iterdir())) > 1), "no new generation seen"
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert documents(store) == before  # readers still see the last complete store
    r = cli("remove", "--store", str(store), "yuncheng-2024-10")
    assert r.returncode == 0, r.stderr
    assert len(list((store / ".generations").iterdir())) == 1, "the killed build's generation was not removed"


def test_named_queries_take_a_store_url(built_store):
    """`policykg named NAME --store http://…` runs on the endpoint (the real Fuseki of
    `make fuseki-start` on $FUSEKI_PORT), with the same rows as on the folder store."""
    import socket

    from graph.remote import push
    from graph.store import load_graph

    port = int(os.environ.get("FUSEKI_PORT", "3030"))
    try:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
    except OSError:
        pytest.fail(f"Fuseki is not running on 127.0.0.1:{port}: run `make fuseki-start`", pytrace=False)
    url = f"http://127.0.0.1:{port}/policykg"
    push(load_graph(built_store), url)
    args = ["named", "compare-category", "--param", "category=independent-site", "--format", "json"]
    local, remote = cli(*args, "--store", str(built_store)), cli(*args, "--store", url)
    assert remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout) != []
