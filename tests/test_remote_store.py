"""A SPARQL 1.1 endpoint as the store: the real Apache Jena Fuseki of `make fuseki-start`."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef

from graph.namespaces import XSD
from graph.remote import RemoteStore, is_remote, push
from policykg.errors import PolicyKGError

PKG = "https://w3id.org/policykg/ontology#"


def fuseki_url() -> str:
    port = int(os.environ.get("FUSEKI_PORT", "3030"))
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3):
            pass
    except OSError:
        pytest.fail(f"Fuseki is not running on 127.0.0.1:{port}: run `make fuseki-start`", pytrace=False)
    return f"http://127.0.0.1:{port}/policykg"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_store_values_that_are_urls_are_remote():
    assert is_remote("http://127.0.0.1:3030/policykg")
    assert is_remote("https://example.org/sparql")
    assert not is_remote("store")
    assert not is_remote("/tmp/http-store")


def test_pushed_graph_comes_back_with_exact_decimals():
    url = fuseki_url()
    g = Graph()
    node = URIRef("urn:test:rate")
    g.add((node, URIRef("urn:test:share"), Literal("0.03", datatype=XSD.decimal)))
    g.add((node, URIRef("urn:test:city"), Literal("温州", lang="zh")))
    assert push(g, url) == 2
    columns, rows = RemoteStore(url).query(
        "SELECT ?share ?city WHERE { <urn:test:rate> <urn:test:share> ?share ; <urn:test:city> ?city }")
    assert columns == ["share", "city"]
    assert rows == [(Decimal("0.03"), "温州")]
    assert isinstance(rows[0][0], Decimal)
    assert RemoteStore(url).query("ASK { <urn:test:rate> <urn:test:share> 0.03 }") == (["ask"], [(True,)])


def test_update_then_select():
    url = fuseki_url()
    remote = RemoteStore(url)
    remote.put_graph("<urn:test:a> <urn:test:p> 1 .")
    remote.update("INSERT DATA { <urn:test:b> <urn:test:p> 2 }")
    _, rows = remote.query("SELECT ?o WHERE { ?s <urn:test:p> ?o } ORDER BY ?o")
    assert rows == [(1,), (2,)]
    remote.update("CLEAR DEFAULT")
    assert remote.count() == 0


def test_corpus_graph_pushed_keeps_every_triple_and_the_rates(built_store):
    """Wenzhou: '按进口额的 3%给予补助', '实际投入经费的 50%'; Yuncheng: '80%的补助', '70%的补助'."""
    from graph.store import load_graph

    url = fuseki_url()
    local = load_graph(built_store)
    assert push(local, url) == len(local)
    _, rows = RemoteStore(url).query(f"SELECT DISTINCT ?p WHERE {{ ?r <{PKG}percent> ?p }}")
    percents = {r[0] for r in rows}
    assert {Decimal(3), Decimal(50), Decimal(80), Decimal(70)} <= percents


def policykg_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def test_build_into_the_endpoint_writes_the_clause_models_beside_it(root, built_store, tmp_path):
    """One build path: the endpoint gets the same graph as a store folder, and its clause models are
    written to the local folder the Endpoint names."""
    from graph.remote import Endpoint
    from graph.store import open_read_only
    from policykg.build import build, load_documents

    url = fuseki_url()
    report = build(root / "corpus", Endpoint(url, tmp_path / "models"), root)
    assert report.documents == 5
    assert (report.endpoint, report.folder) == (url, str(tmp_path / "models"))
    _, rows = RemoteStore(url).query(
        f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{PKG}Incentive> }}")
    assert rows[0][0] == report.incentives > 0
    assert report.triples == len(open_read_only(built_store)) == RemoteStore(url).count()
    remote_docs = load_documents(Endpoint(url, tmp_path / "models"))
    assert [d.id for d in remote_docs] == [d.id for d in load_documents(built_store)]


def test_cli_build_into_an_endpoint_then_estimate_clauses_and_query_against_it(root, built_store, tmp_path):
    url = fuseki_url()
    models = tmp_path / "models"
    done = policykg_cli("build", "--corpus", str(root / "corpus"), "--store", url, "--models", str(models))
    assert done.returncode == 0, done.stderr
    assert f"SPARQL endpoint: {url}" in done.stdout and (models / "documents.json").is_file()

    # 温政办〔2022〕60号 一、1: "按进口额的3%给予补助，单家企业补助最高不超过500万元"
    done = policykg_cli("clauses", "--store", url, "--models", str(models), "--city", "温州")
    assert done.returncode == 0, done.stderr
    clause = next(r for r in map(json.loads, done.stdout.splitlines()) if r["id"] == "wenzhou-2022-60/1.1/c2")
    assert clause["rates_percent"] == [3] and clause["max_per_enterprise_cny"] == 5000000

    profile = root / "examples" / "profiles" / "example-enterprise.yaml"
    remote = policykg_cli("estimate", str(profile), "--store", url, "--models", str(models), "--as-of", "2022-10-01",
                          "--format", "json")
    local = policykg_cli("estimate", str(profile), "--store", str(built_store), "--as-of", "2022-10-01",
                         "--format", "json")
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout and "温州" in remote.stdout

    query = f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{PKG}Incentive> }}"
    remote = subprocess.run([sys.executable, "-m", "policykg.cli", "query", "-", "--store", url, "--format", "csv"],
                            input=query, capture_output=True, text=True, timeout=120)
    local = subprocess.run([sys.executable, "-m", "policykg.cli", "query", "-", "--store", str(built_store),
                            "--format", "csv"], input=query, capture_output=True, text=True, timeout=120)
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout and int(remote.stdout.split()[-1]) > 0


def test_an_endpoint_without_models_gets_the_default_folder_and_a_missing_one_is_one_line(root, tmp_path):
    """Without --models the clause models go to var/endpoints/HOST-PORT-DATASET under the project."""
    url = fuseki_url()
    home = {"POLICYKG_HOME": str(tmp_path)}
    done = policykg_cli("build", "--corpus", str(root / "corpus"), "--store", url, env=home)
    assert done.returncode == 0, done.stderr
    port = url.split(":")[2].split("/")[0]
    assert (tmp_path / "var" / "endpoints" / f"127.0.0.1-{port}-policykg" / "documents.json").is_file()
    done = policykg_cli("documents", "--store", url, env=home)
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 5

    done = policykg_cli("documents", "--store", url, "--models", str(tmp_path / "elsewhere"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "no clause models of the SPARQL endpoint" in done.stderr
    done = policykg_cli("documents", "--store", str(tmp_path / "folder"), "--models", str(tmp_path))
    assert done.returncode == 2 and "--models names the local folder" in done.stderr


def test_refused_connection_is_one_clear_line():
    url = f"http://127.0.0.1:{free_port()}/policykg"
    with pytest.raises(PolicyKGError) as err:
        RemoteStore(url).query("ASK {}")
    message = str(err.value)
    assert "\n" not in message
    assert url in message and "refused" in message


def test_http_error_names_the_endpoint():
    url = fuseki_url().replace("/policykg", "/no-such-dataset")
    with pytest.raises(PolicyKGError) as err:
        RemoteStore(url).query("ASK {}")
    assert "no-such-dataset" in str(err.value) and "HTTP 4" in str(err.value)


def test_bad_sparql_is_a_policykg_error():
    with pytest.raises(PolicyKGError, match="SPARQL syntax error"):
        RemoteStore(fuseki_url()).query("SELECT ?x WHERE { ?x ?y }")


def test_cli_prints_one_line_for_a_down_endpoint():
    url = f"http://127.0.0.1:{free_port()}/policykg"
    code = ("import sys; from graph.remote import RemoteStore; from policykg.errors import PolicyKGError\n"
            "try:\n    RemoteStore(sys.argv[1]).count()\n"
            "except PolicyKGError as e:\n    print(e); sys.exit(2)")
    done = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True)
    assert done.returncode == 2
    assert len(done.stdout.strip().splitlines()) == 1 and done.stderr == ""


def test_named_queries_answer_on_the_endpoint_as_on_the_store(root, built_store, tmp_path):
    """The named queries that read the build's rankings and validity spans with a LATERAL join
    (SEP-0006: Oxigraph and Jena run it) answer on Fuseki with the embedded store's rows and totals;
    the query's form is read without rdflib's parser, which does not know LATERAL."""
    from graph import named_queries as nq
    from graph.remote import Endpoint
    from policykg.build import build

    url = fuseki_url()
    build(root / "corpus", Endpoint(url, tmp_path / "models"), root)
    cases = [("top-caps", {"category": "exhibition", "limit": "3"}),
             ("cross-references", {"limit": "4", "offset": "4"}),
             ("in-force-on", {"date": "2024-06-01", "limit": "5", "offset": "20"}),
             ("in-force-on", {"date": "2024-06-01", "city": "杭州"}),
             ("similar-incentives", {"clause": "wenzhou-2022-60/2.9/c1"}),  # three categories: rankings merged
             ("similar-incentives", {"clause": "yuncheng-2024-10/3.1/c1", "city": "杭州"}),  # a city's runs (ENCODE_FOR_URI)
             ("compare-category", {"category": "exhibition", "limit": "3", "offset": "2"})]
    for name, params in cases:
        remote = nq.run_page(name, params, "rdf", url, timeout_s=120)
        local = nq.run_page(name, params, "rdf", built_store)
        assert remote.rows and (remote.rows, remote.total) == (local.rows, local.total), (name, params)
