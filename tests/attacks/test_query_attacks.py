"""Hostile queries (tests/attacks/queries/*.yaml) against the real stores, through the real CLI, and
hostile queries sent straight to the servers (tests/attacks/servers/*.yaml), with a listener on
127.0.0.1 that must receive nothing.

A query file names its language and the words its refusal must contain; `{listener}` in it is the
listener's URL. Each SPARQL attack runs through `policykg query` on the embedded Oxigraph store and
on Fuseki (`--store http://...`), each Cypher attack through `policykg neo4j cypher` on Neo4j: the
command must fail with exactly one line that contains those words and no host detail. A server
file is sent without policykg's guard (a raw Bolt session, a raw HTTP POST) and the server itself
must refuse it: the launchers' settings are the second line of defence.
"""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.attacks.hostile_queries import HOST_DETAIL, QUERY_FILES, SERVER_FILES, Listener, load

ROOT = Path(__file__).resolve().parents[2]


def test_the_attack_files_are_found():
    assert len(QUERY_FILES) >= 25 and len(SERVER_FILES) >= 4


@pytest.fixture(scope="module")
def listener():
    with Listener() as server:
        yield server


def fuseki_url() -> str:
    return f"http://127.0.0.1:{int(os.environ.get('FUSEKI_PORT', '3030'))}/policykg"


def cli(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def assert_refused(done: subprocess.CompletedProcess, words: list[str], listener: Listener) -> None:
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0, f"the attack ran: {done.stdout[:500]}"
    assert len(lines) == 1 and lines[0].startswith("policykg: error: "), done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    for detail in HOST_DETAIL + (str(listener.port),):
        assert detail not in lines[0], lines[0]
    assert listener.received() == []


def store_cases():
    for path in QUERY_FILES:
        language = yaml.safe_load(path.read_text(encoding="utf-8"))["language"]
        targets = ("oxigraph", "fuseki") if language == "sparql" else ("neo4j",)
        for target in targets:
            yield pytest.param(path, target, id=f"{path.stem}-{target}")


@pytest.fixture(scope="module")
def fuseki_loaded(built_store):
    from graph.remote import RemoteStore, push
    from graph.store import load_graph

    url = fuseki_url()
    try:
        RemoteStore(url).count()
    except Exception as exc:  # noqa: BLE001 - any failure here means the service is missing
        pytest.fail(f"Fuseki is not running at {url}: run `make fuseki-start` ({exc})", pytrace=False)
    push(load_graph(built_store), url)
    return url


@pytest.fixture(scope="module")
def neo4j_loaded(built_store):
    from graph import neo4j as pg_neo4j
    from policykg.errors import PolicyKGError

    settings = pg_neo4j.settings_from()
    try:
        pg_neo4j.load(built_store, settings)
    except PolicyKGError as exc:
        pytest.fail(f"Neo4j is not running: run `make neo4j-start` ({exc})", pytrace=False)
    return settings


@pytest.mark.parametrize(("path", "target"), list(store_cases()))
def test_a_hostile_query_is_refused_in_one_line_and_fetches_nothing(path, target, listener, request):
    case = load(path, listener)
    del listener.requests[:]
    if target == "oxigraph":
        done = cli("query", "-", "--store", str(request.getfixturevalue("built_store")), stdin=case["query"])
    elif target == "fuseki":
        done = cli("query", "-", "--store", request.getfixturevalue("fuseki_loaded"), stdin=case["query"])
    else:
        request.getfixturevalue("neo4j_loaded")
        done = cli("neo4j", "cypher", "-", stdin=case["query"])
    assert_refused(done, case["refused_with"], listener)


@pytest.mark.parametrize(("language", "query", "first_column"), [
    ("sparql", 'SELECT ?label WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label '
               'FILTER(?label = "\\u6E29\\u5DDE"@zh) } LIMIT 1', "温州"),  # \u6E29\u5DDE is 温州
    ("cypher", "CALL db.labels() YIELD label WITH label WHERE label = 'Document' RETURN label", "Document"),
])
def test_the_same_paths_still_answer_a_harmless_query(language, query, first_column, built_store, request):
    if language == "sparql":
        done = cli("query", "-", "--store", str(built_store), "--format", "csv", stdin=query)
    else:
        request.getfixturevalue("neo4j_loaded")
        done = cli("neo4j", "cypher", "-", "--format", "csv", stdin=query)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == first_column


@pytest.mark.parametrize("path", SERVER_FILES, ids=lambda p: p.stem)
def test_the_servers_refuse_what_gets_past_the_guard(path, listener, request):
    case = load(path, listener)
    del listener.requests[:]
    if case["server"] == "neo4j":
        import neo4j

        settings = request.getfixturevalue("neo4j_loaded")
        with neo4j.GraphDatabase.driver(settings["uri"], auth=(settings["user"], settings["password"])) as driver:
            with driver.session(default_access_mode=neo4j.READ_ACCESS) as session:
                with pytest.raises(neo4j.exceptions.Neo4jError) as caught:
                    session.run(case["query"]).consume()
        message = str(caught.value.message)
    else:
        url = request.getfixturevalue("fuseki_loaded") + "/query"
        post = urllib.request.Request(url, data=case["query"].encode(), method="POST",
                                      headers={"Content-Type": "application/sparql-query"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(post, timeout=60)
        message = caught.value.read().decode("utf-8", "replace")
    for word in case["server_refuses_with"]:
        assert word in message, message
    assert listener.received() == []
