"""The `query`, `validate` and `export` commands on a store built from the hand-built documents of
tests/test_rdf.py (which resemble corpus/ items; values read by hand from the text quoted there).
"""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

import graph.namespaces as ns
from graph.namespaces import PKG, SCHEMA
from graph.rdf import documents_to_graph
from graph.store import load_graph, open_store, query, write_store
from policykg.cli import main
from tests.test_rdf import documents, hangzhou, wenzhou


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    store_dir = tmp_path_factory.mktemp("store")
    write_store(documents_to_graph(documents()), store_dir)
    return store_dir


@pytest.fixture(scope="module")
def built(store) -> Graph:
    return documents_to_graph(documents())


# --- the commands -------------------------------------------------------------------------------

QUERY = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX schema: <https://schema.org/>
SELECT ?clause ?value WHERE {
  ?clause pkg:amount ?a . ?a a pkg:PerUnitAmount ; schema:value ?value .
  FILTER (?value < 1)
} ORDER BY ?value
"""


def test_query_command_table(store, tmp_path, capsys):
    rq = tmp_path / "q.rq"
    rq.write_text(QUERY, encoding="utf-8")
    assert main(["query", "--store", str(store), str(rq)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["clause", "value"]
    assert set(out[1]) <= {"-", " ", "+"}
    assert out[2].split()[1] == "0.01" and out[3].split()[1] == "0.03"
    assert out[2].split()[0].endswith("3.12/c1")
    assert out[-1] == "(2 rows)"


def test_query_command_csv_and_json(store, tmp_path, capsys):
    rq = tmp_path / "q.rq"
    rq.write_text(QUERY, encoding="utf-8")
    assert main(["query", "--store", str(store), str(rq), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "clause,value"
    assert lines[2] == "https://w3id.org/policykg/id/clause/wenzhou-2022-60/3.12/c1,0.03"
    assert main(["query", "--store", str(store), str(rq), "--format", "json"]) == 0
    text = capsys.readouterr().out
    data = json.loads(text, parse_float=Decimal)
    assert data[1] == {"clause": "https://w3id.org/policykg/id/clause/wenzhou-2022-60/3.12/c1",
                       "value": Decimal("0.03")}
    assert '"value": 0.03' in text


def test_query_command_reads_stdin_and_ask(store, capsys, monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("ASK { ?s a <https://w3id.org/policykg/ontology#Incentive> }"))
    assert main(["query", "--store", str(store), "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"ask": True}]


def test_query_command_construct(store, capsys, monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(
        "CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
        "<https://w3id.org/policykg/id/doc/lishui-2021-67> <http://www.w3.org/2000/01/rdf-schema#label> ?l . "
        "BIND(<https://w3id.org/policykg/id/doc/lishui-2021-67> AS ?s) }"))
    assert main(["query", "--store", str(store), "-", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "subject,predicate,object" and len(lines) == 3


def test_query_command_refuses_updates(store, tmp_path, capsys):
    rq = tmp_path / "u.rq"
    rq.write_text("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }", encoding="utf-8")
    assert main(["query", "--store", str(store), str(rq)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("policykg: error:") and len(err.strip().splitlines()) == 1
    assert "read-only" in err or "update" in err.lower()
    assert len(load_graph(store)) > 500


def test_query_command_missing_file_and_store(tmp_path, capsys):
    assert main(["query", "--store", str(tmp_path), str(tmp_path / "none.rq")]) == 2
    assert "none.rq" in capsys.readouterr().err
    rq = tmp_path / "q.rq"
    rq.write_text("ASK {}", encoding="utf-8")
    assert main(["query", "--store", str(tmp_path / "empty"), str(rq)]) == 2
    assert "run `policykg build`" in capsys.readouterr().err


def test_validate_command(store, tmp_path, capsys):
    assert main(["validate", "--store", str(store)]) == 0
    assert capsys.readouterr().out.strip().endswith("conforms")
    doc = wenzhou()
    doc.clauses[0].text = ""
    doc.funding_rules[0].city_share = Decimal("10")
    broken = tmp_path / "broken"
    write_store(documents_to_graph([doc]), broken)
    assert main(["validate", "--store", str(broken)]) == 1
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "id:clause/wenzhou-2022-60/1.2/c1 pkg:text: a clause needs exactly one text" in text
    assert "add up to 110, not 100" in text


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")  # rdflib's own JSON-LD parser
def test_export_turtle_and_jsonld(store, built, tmp_path, capsys):
    ttl = tmp_path / "g.ttl"
    assert main(["export", "--store", str(store), "--format", "turtle", "-o", str(ttl)]) == 0
    back = Graph().parse(ttl, format="turtle")
    assert len(back) == len(built)
    assert "@prefix pkg: <https://w3id.org/policykg/ontology#>" in ttl.read_text(encoding="utf-8")
    assert '"0.03"^^xsd:decimal' in ttl.read_text(encoding="utf-8") or " 0.03 " in ttl.read_text(encoding="utf-8")
    jsonld = tmp_path / "g.jsonld"
    assert main(["export", "--store", str(store), "--format", "jsonld", "-o", str(jsonld)]) == 0
    data = json.loads(jsonld.read_text(encoding="utf-8"))
    assert data["@context"]["pkg"] == "https://w3id.org/policykg/ontology#"
    back = Graph().parse(jsonld, format="json-ld")
    assert len(back) == len(built)
    values = {str(o) for o in back.objects(None, SCHEMA.value) if o.datatype == ns.XSD.decimal}
    assert "0.03" in values
    assert main(["export", "--store", str(store), "--format", "turtle"]) == 0
    assert "pkg:Incentive" in capsys.readouterr().out


def test_export_of_a_missing_store(tmp_path, capsys):
    assert main(["export", "--store", str(tmp_path), "--format", "turtle"]) == 2
    assert "run `policykg build`" in capsys.readouterr().err


def test_store_directory_is_not_left_locked(store):
    """Readers open read-only: two at once, and a writer can still replace a copy."""
    a, b = open_store(store), open_store(store)
    try:
        assert len(a) == len(b)
    finally:
        a.close()
        b.close()
    copy = store.parent / (store.name + "-copy")
    shutil.copytree(store, copy)
    write_store(documents_to_graph([hangzhou()]), copy)
    assert len(load_graph(copy)) < len(load_graph(store))


def test_a_query_after_the_store_is_replaced_reads_the_new_store(store, tmp_path):
    """query() keeps the store open between calls (the app does not restart after an ingest):
    every replacement of the store, even two in a row, is seen by the next query."""
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/policykg/ontology#Document> }"
    documents = len(set(load_graph(store).subjects(RDF.type, PKG.Document)))
    assert documents > 1
    assert query(copy, count)[1] == [(documents,)]
    write_store(documents_to_graph([hangzhou()]), copy)
    write_store(documents_to_graph([]), copy)  # a second swap with no query between
    assert query(copy, count)[1] == [(0,)]
    write_store(documents_to_graph([hangzhou()]), copy)
    assert query(copy, count)[1] == [(1,)]
