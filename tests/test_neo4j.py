"""graph/neo4j/ and `policykg neo4j` against the real Neo4j of `make neo4j-start` (NEO4J_* settings),
with a store built from corpus/ by the real pipeline. Expected values are read from the corpus texts.
"""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graph import neo4j as pg_neo4j
from graph.pg_model import RESOURCE_LABEL, derive_model, local_name, markdown
from policykg.errors import PolicyKGError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
NOT_RUNNING = "Neo4j is not running: run `make neo4j-start`"


def running_neo4j() -> dict:
    """The NEO4J_* settings, after a real login; fails (never skips) when the server is not there."""
    settings = pg_neo4j.settings_from()
    problem = None
    try:
        with pg_neo4j.connect(settings):
            pass
    except PolicyKGError as exc:
        problem = str(exc)
    if problem:
        pytest.fail(f"{NOT_RUNNING} ({problem})", pytrace=False)
    return settings


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


def read(settings, cypher: str, **params) -> list[tuple]:
    return pg_neo4j.run_read(settings, cypher, params)[1]


def dump(settings) -> tuple[list, list]:
    """Every policykg node (iri, labels, properties) and relationship, sorted."""
    nodes = read(settings, f"MATCH (n:{RESOURCE_LABEL}) RETURN n.iri, labels(n), properties(n) ORDER BY n.iri")
    rels = read(settings, f"MATCH (a:{RESOURCE_LABEL})-[r]->(b:{RESOURCE_LABEL}) "
                          "RETURN a.iri, type(r), b.iri, properties(r) ORDER BY a.iri, type(r), b.iri")
    return [(i, sorted(labels), props) for i, labels, props in nodes], rels


@pytest.fixture(scope="module")
def settings() -> dict:
    return running_neo4j()


@pytest.fixture(scope="module")
def mapped(built_store):
    return pg_neo4j.to_property_graph(pg_neo4j.store_triples(built_store))


@pytest.fixture()
def loaded(settings, built_store, mapped):
    """The corpus store loaded (again) before the test."""
    pg_neo4j.load(built_store, settings)
    return mapped


# --- the model ----------------------------------------------------------------------------------

def test_model_comes_from_the_ontology_and_the_document_is_up_to_date():
    import rdflib
    from rdflib.namespace import OWL, RDF

    g = rdflib.Graph()
    for path in (ROOT / "ontology").glob("*.ttl"):
        g.parse(path)
    classes = {local_name(str(c)) for c in g.subjects(RDF.type, OWL.Class)}
    model = derive_model()
    assert set(model.labels) == classes
    assert "FUNDED_BY" in model.relationship_types and "IS_PART_OF" in model.relationship_types
    doc = (ROOT / "docs" / "property-graph.md").read_text(encoding="utf-8")
    section = re.search(r"<!-- model:begin -->\n(.*)<!-- model:end -->", doc, re.S)
    assert section, "docs/property-graph.md has no model section"
    assert section.group(1) == markdown(model), "run `policykg neo4j model --update docs/property-graph.md`"


def test_blank_nodes_get_stable_identifiers_never_random_ones():
    import rdflib

    turtle = """@prefix pkg: <https://w3id.org/policykg/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <https://example.org/doc> a pkg:Document ; pkg:validity [ a pkg:ValidityPeriod ; pkg:awardsFrom "2024-01-01"^^xsd:date ] ,
                                                             [ a pkg:ValidityPeriod ; pkg:awardsFrom "2025-01-01"^^xsd:date ] ."""
    first = pg_neo4j.to_property_graph(rdflib.Graph().parse(data=turtle, format="turtle"))
    second = pg_neo4j.to_property_graph(rdflib.Graph().parse(data=turtle, format="turtle"))
    assert first.nodes == second.nodes and first.relationships == second.relationships
    periods = [i for i, (labels, _) in first.nodes.items() if "ValidityPeriod" in labels]
    assert len(periods) == 2 and all(i.startswith("urn:policykg:bnode:") for i in periods)
    assert first.load_id() == second.load_id()
    assert first.nodes["https://example.org/doc"][0] == ("Document",)  # an IRI keeps its IRI
    assert sorted(first.relationships) == [("VALIDITY", "https://example.org/doc", p) for p in sorted(periods)]


def test_the_store_is_read_alike_by_parts_and_through_rdflib(built_store, mapped):
    from graph.store import open_store

    graph = open_store(built_store)
    try:
        through_rdflib = pg_neo4j.to_property_graph(graph)  # rdflib terms from oxrdflib
    finally:
        graph.close()
    for pg in (pg_neo4j.map_store(built_store), through_rdflib):
        assert pg.nodes == mapped.nodes and pg.relationships == mapped.relationships
        assert (pg.skipped, pg.triples, pg.load_id()) == (mapped.skipped, mapped.triples, mapped.load_id())


def test_a_store_with_blank_nodes_is_read_whole(tmp_path):
    import rdflib

    from graph.store import write_store

    turtle = """@prefix pkg: <https://w3id.org/policykg/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <https://example.org/doc> a pkg:Document ; pkg:validity [ a pkg:ValidityPeriod ; pkg:awardsFrom "2024-01-01"^^xsd:date ] ."""
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    write_store(graph, tmp_path)
    read = pg_neo4j.map_store(tmp_path)
    assert read.nodes == pg_neo4j.to_property_graph(graph).nodes and len(read.nodes) == 2


def test_reading_the_store_reports_its_progress_up_to_every_triple(built_store, mapped):
    """The load's progress bar follows these calls: never backwards, ending at the store's triples."""
    calls = []
    pg = pg_neo4j.map_store(built_store, progress=lambda done, total: calls.append((done, total)))
    assert pg.nodes == mapped.nodes
    assert calls and calls[-1] == (mapped.triples, mapped.triples)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_mapping_keeps_money_exact_and_languages_apart(mapped):
    nodes = mapped.nodes
    assert not [k for k, v in mapped.skipped.items() if not k.startswith("subject has no ontology class")]
    for iri, (labels, props) in nodes.items():
        assert iri.startswith("https://w3id.org/policykg/"), iri
        assert not any(isinstance(v, float) for v in props.values()), iri
        assert set(labels) <= set(derive_model().labels)
    # 温州 三、12: 每新增进口 1美元给予境内收货人 0.03元补助
    amounts = [p for i, (labels, p) in nodes.items() if "PerUnitAmount" in labels and "wenzhou-2022-60/3.12" in i]
    assert {(p["value"], p["value_fen"]) for p in amounts} >= {("0.03", 3)}


# --- loading ------------------------------------------------------------------------------------

def test_load_writes_schema_nodes_and_relationships(settings, loaded):
    names = {r[0] for r in read(settings, "SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {"policykg_Resource_iri", "policykg_Incentive_iri", "policykg_Concept_iri"} <= names
    assert read(settings, f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n)") == [(len(loaded.nodes),)]
    assert read(settings, f"MATCH (:{RESOURCE_LABEL})-[r]->(:{RESOURCE_LABEL}) RETURN count(r)") == [(len(loaded.relationships),)]
    model = derive_model()
    labels = {r[0] for r in read(settings, f"MATCH (n:{RESOURCE_LABEL}) UNWIND labels(n) AS l RETURN DISTINCT l")}
    assert labels <= set(model.labels) | {RESOURCE_LABEL}
    types = {r[0] for r in read(settings, f"MATCH (:{RESOURCE_LABEL})-[r]->() RETURN DISTINCT type(r)")}
    assert types <= set(model.relationship_types)
    assert read(settings, "MATCH (n:Incentive) RETURN count(n)")[0][0] > 50


def test_money_is_exact_in_neo4j(settings, loaded):
    # 温州 一、2: 单个独立站补助最高不超过 20万元
    rows = read(settings, "MATCH (c:Clause {identifier: $id})-[:AMOUNT]->(a:Cap)-[:PER]->(p:PerBasis) "
                          "RETURN a.value, a.value_fen, a.currency, p.label_en", id="wenzhou-2022-60/1.2/c1")
    assert rows == [("200000", 20000000, "CNY", "per website")]
    # 温州 三、12: 0.03元 per dollar imported; the threshold 500万美元 is USD money in cents
    rows = read(settings, "MATCH (c:Clause)-[:AMOUNT]->(a:PerUnitAmount) WHERE c.identifier STARTS WITH 'wenzhou-2022-60/3.12' "
                          "RETURN a.value, a.value_fen ORDER BY a.value_fen")
    assert ("0.03", 3) in rows and ("0.01", 1) in rows
    rows = read(settings, "MATCH (c:Clause {identifier: 'wenzhou-2022-60/1.2/c1'})-[:THRESHOLD]->(t:Threshold) "
                          "RETURN t.value, t.value_cents, t.unit")
    assert rows == [("2000000", 200000000, "USD")]
    props = read(settings, f"MATCH (n:{RESOURCE_LABEL}) RETURN properties(n)")
    assert not [p for (p,) in props for v in p.values() if isinstance(v, float)]


def test_chinese_and_english_labels_both_survive(settings, loaded):
    rows = read(settings, "MATCH (c:Concept {iri: 'https://w3id.org/policykg/category/independent-site'}) "
                          "RETURN c.prefLabel_zh, c.prefLabel_en")
    assert rows == [("独立站", "Independent website")]  # ontology/categories.ttl
    rows = read(settings, "MATCH (d:Document {identifier: 'wenzhou-2022-60'}) RETURN d.label_zh, d.label_en, d.id_local")
    assert rows[0][0] and rows[0][1] and rows[0][2] == "温政办〔2022〕60号"


def test_loading_twice_changes_nothing_and_repairs_tampering(settings, built_store, loaded):
    before = dump(settings)
    report = pg_neo4j.load(built_store, settings)
    assert (report.stale_nodes, report.stale_relationships) == (0, 0)
    assert dump(settings) == before
    incentive = read(settings, "MATCH (n:Incentive) RETURN n.iri ORDER BY n.iri LIMIT 1")[0][0]
    with pg_neo4j.connect(settings) as driver:
        driver.execute_query("MATCH (n:Resource {iri: $iri}) SET n:Measure, n.stray = 1 "
                             "CREATE (n)-[:CITES {load_id: 'old'}]->(:Resource {iri: 'urn:stray', load_id: 'old'})",
                             iri=incentive, database_=settings["database"])
    report = pg_neo4j.load(built_store, settings)
    assert (report.stale_nodes, report.stale_relationships) == (1, 1)
    assert dump(settings) == before


def test_a_first_load_gives_the_same_graph_and_schema_as_a_reload(settings, built_store, loaded):
    before = dump(settings)
    schema = set(pg_neo4j.schema_statements(derive_model()))

    def wipe(cypher: str = "", **params) -> None:
        with pg_neo4j.connect(settings) as driver:
            driver.execute_query(f"MATCH (n:{RESOURCE_LABEL}) DETACH DELETE n", database_=settings["database"])
            if cypher:
                driver.execute_query(cypher, params, database_=settings["database"])

    wipe()  # an empty database: the schema is there first, then every node and relationship is CREATEd
    report = pg_neo4j.load(built_store, settings)
    assert (report.stale_nodes, report.stale_relationships) == (0, 0)
    assert dump(settings) == before
    assert schema <= {r[0] for r in read(settings, "SHOW INDEXES YIELD name RETURN name")}
    # One node already there, with a stray label, property and relationship: it is updated in place
    incentive = read(settings, "MATCH (n:Incentive) RETURN n.iri ORDER BY n.iri LIMIT 1")[0][0]
    wipe(f"CREATE (n:{RESOURCE_LABEL}:Measure {{iri: $iri, stray: 1, load_id: 'old'}})"
         f"-[:CITES {{load_id: 'old'}}]->(:{RESOURCE_LABEL} {{iri: 'urn:stray'}})", iri=incentive)
    report = pg_neo4j.load(built_store, settings)
    assert (report.stale_nodes, report.stale_relationships) == (1, 1)
    assert dump(settings) == before
    assert schema <= {r[0] for r in read(settings, "SHOW INDEXES YIELD name RETURN name")}


def test_a_reload_after_a_partial_load_leaves_one_node_per_iri_and_one_relationship_each(settings, built_store, loaded):
    """A load cut short after the nodes of some labels, with one relationship there twice and one
    with a property (an earlier version's load_id): the next load creates only what is missing (from
    the relationships it read first), removes the copy, replaces the one with a property, and leaves
    exactly one node per IRI and the graph of a clean load."""
    before = dump(settings)
    caps = read(settings, "MATCH (n:Cap) RETURN count(n)")[0][0]
    assert caps > 0
    with pg_neo4j.connect(settings) as driver:
        db = settings["database"]
        driver.execute_query("MATCH (n:Cap) DETACH DELETE n", database_=db)  # never written
        driver.execute_query("MATCH (a:Clause {identifier: 'wenzhou-2022-60/1.2/c1'})-[:IS_PART_OF]->(b) "
                             "CREATE (a)-[:IS_PART_OF]->(b)", database_=db)  # there twice
        driver.execute_query("MATCH (:Document {identifier: 'wenzhou-2022-60'})-[r:CITY]->() SET r.load_id = 'old'",
                             database_=db)
        driver.execute_query(f"MATCH (m:{pg_neo4j.LOAD_LABEL}) SET m.state = 'loading'", database_=db)
    report = pg_neo4j.load(built_store, settings)
    assert report.repaired.startswith("a load was cut short")
    assert (report.stale_nodes, report.stale_relationships) == (0, 2)
    assert read(settings, f"MATCH (n:{RESOURCE_LABEL}) WITH n.iri AS iri, count(*) AS copies WHERE copies > 1 "
                          "RETURN count(iri)") == [(0,)]
    assert read(settings, "MATCH (n:Cap) RETURN count(n)") == [(caps,)]
    assert read(settings, "MATCH (:Clause {identifier: 'wenzhou-2022-60/1.2/c1'})-[r:IS_PART_OF]->() "
                          "RETURN count(r)") == [(1,)]
    assert read(settings, "MATCH (:Document {identifier: 'wenzhou-2022-60'})-[r:CITY]->() RETURN properties(r)") == [({},)]
    assert dump(settings) == before


def test_a_graph_on_a_sparql_endpoint_loads_like_the_store_folder(settings, built_store, loaded):
    """`policykg neo4j load --store URL`: the same graph pushed to Fuseki gives the same Neo4j graph."""
    from graph.remote import push
    from graph.store import load_graph
    from tests.test_remote_store import fuseki_url

    url = fuseki_url()
    push(load_graph(built_store), url)
    before = dump(settings)
    out = cli("neo4j", "load", "--store", url)
    assert out.returncode == 0, out.stderr
    assert "stale nodes removed: 0" in out.stdout and f"nodes: {len(loaded.nodes)}" in out.stdout
    assert dump(settings) == before


def test_reload_after_a_rebuild_leaves_no_stale_nodes(settings, built_store, mapped, tmp_path):
    from policykg.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS.glob("*.txt"):
        if path.name != "taizhou-2024-26.txt":
            shutil.copy(path, corpus / path.name)
    smaller = tmp_path / "store"
    build(corpus, smaller, ROOT)
    pg_neo4j.load(built_store, settings)
    report = pg_neo4j.load(smaller, settings)
    assert report.stale_nodes > 0
    assert read(settings, f"MATCH (n:{RESOURCE_LABEL}) WHERE n.iri CONTAINS 'taizhou' RETURN count(n)") == [(0,)]
    assert read(settings, "MATCH (c:City) RETURN count(c)") == [(4,)]
    assert read(settings, f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n)") == [(report.nodes,)]
    pg_neo4j.load(built_store, settings)
    assert read(settings, f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n)") == [(len(mapped.nodes),)]


class CuttingProxy:
    """A TCP relay to Neo4j's Bolt port that drops every connection (and stops listening) once the
    client has sent `limit` bytes: the server going away in the middle of a load."""

    def __init__(self, host: str, port: int, limit: int):
        self.target, self.limit, self.sent = (host, port), limit, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.cut = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.cut.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src, dst, counted):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
                if counted:
                    with self.lock:
                        self.sent += len(data)
                    if self.sent > self.limit:
                        self.close()
                        return
        except OSError:
            return

    def close(self):
        self.cut.set()
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()


def test_a_server_lost_in_the_middle_of_a_load_gives_one_line_and_the_next_load_repairs(settings, built_store, mapped):
    from urllib.parse import urlsplit

    address = urlsplit(settings["uri"])
    proxy = CuttingProxy(address.hostname, address.port or 7687, limit=300_000)
    try:
        started = time.monotonic()
        with pytest.raises(PolicyKGError) as err:
            pg_neo4j.load(built_store, {**settings, "uri": f"bolt://127.0.0.1:{proxy.port}"}, batch_size=50)
        assert time.monotonic() - started < 120
    finally:
        proxy.close()
    message = str(err.value)
    assert "lost the connection to Neo4j" in message and "run the load again" in message
    assert "\n" not in message
    pg_neo4j.load(built_store, settings)
    assert read(settings, f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n)") == [(len(mapped.nodes),)]


# --- reading ------------------------------------------------------------------------------------

def test_read_sessions_refuse_writes_and_cap_rows_and_time(settings, loaded):
    with pytest.raises(PolicyKGError, match="read"):
        pg_neo4j.run_read(settings, "CREATE (n:Resource {iri: 'urn:written'}) RETURN n")
    assert read(settings, "MATCH (n {iri: 'urn:written'}) RETURN count(n)") == [(0,)]
    columns, rows, truncated = pg_neo4j.run_read(settings, "MATCH (n:Concept) RETURN n.iri AS iri ORDER BY iri", limit=3)
    assert columns == ["iri"] and len(rows) == 3 and truncated
    with pytest.raises(PolicyKGError, match="timeout"):
        pg_neo4j.run_read(settings, "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 8 RETURN count(x)",
                          timeout_s=1)


# --- the command line ---------------------------------------------------------------------------

def one_line_error(out: subprocess.CompletedProcess) -> str:
    assert out.returncode != 0
    assert "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


def test_cli_load_then_query(settings, built_store, mapped):
    out = cli("neo4j", "load", "--store", str(built_store))
    assert out.returncode == 0, out.stderr
    assert f"nodes: {len(mapped.nodes)}" in out.stdout and "stale nodes removed: 0" in out.stdout
    out = subprocess.run([sys.executable, "-m", "policykg.cli", "neo4j", "cypher", "-", "--format", "csv"],
                         input="MATCH (c:City) RETURN c.label_zh AS city ORDER BY city", capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["city", "丽水", "台州", "杭州", "温州", "运城"]


def test_cli_refuses_write_cypher(settings):
    out = subprocess.run([sys.executable, "-m", "policykg.cli", "neo4j", "cypher", "-"], input="MATCH (n) DETACH DELETE n",
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "not allowed" in one_line_error(out)


def test_cli_wrong_password_is_one_clear_line(settings, built_store):
    line = one_line_error(cli("neo4j", "load", "--store", str(built_store), "--password", "wrong-password"))
    assert "refused the login" in line and "wrong user or password" in line
    deadline = time.monotonic() + 30  # Neo4j may lock the user for a few seconds after failed logins
    while time.monotonic() < deadline:
        try:
            with pg_neo4j.connect(settings):
                return
        except PolicyKGError:
            time.sleep(1)


@pytest.mark.parametrize("uri, expected", [
    ("bolt://127.0.0.1:7999", "cannot reach Neo4j at bolt://127.0.0.1:7999: is it running?"),
    ("neo4j://127.0.0.1:7999", "cannot reach Neo4j at neo4j://127.0.0.1:7999"),
    ("http://127.0.0.1:7474", "invalid Neo4j URI"),
])
def test_cli_stopped_or_wrong_server_is_one_clear_line(built_store, monkeypatch, uri, expected):
    monkeypatch.setenv("NEO4J_URI", uri)
    line = one_line_error(cli("neo4j", "load", "--store", str(built_store), timeout=120))
    assert expected in line
