"""Load a built store's RDF graph into Neo4j 5 as a property graph, and run read-only Cypher on it.

`to_property_graph` maps RDF triples to nodes and relationships with the allow-lists of
graph.pg_model (derived from the ontology); `load` writes them: constraints and indexes first,
then batched ``UNWIND $rows ... MERGE`` statements whose values are all query parameters. Label
and relationship-type names come only from the ontology's allow-lists, never from the data.

Loading is idempotent. Every node and relationship carries ``load_id``, a hash of the whole
mapped graph: loading the same store again writes identical values (nothing changes), and after
a rebuild the nodes and relationships whose ``load_id`` is not the new one are deleted, so no
stale node survives. A load that fails half way leaves a partial graph that the next load repairs.

`run_read` runs a query in a READ session (``default_access_mode=READ_ACCESS``) with a server-side
timeout and a row cap. Every driver failure becomes one PolicyKGError line: wrong credentials,
a stopped or unreachable server, a missing database, a syntax error, a timeout.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Iterator

from graph.namespaces import RDF, XSD
from graph.pg_model import (
    CURRENCY_PROPERTY, MINOR_UNIT_SUFFIX, MINOR_UNITS_PER_UNIT, RESOURCE_LABEL, PGModel, derive_model,
    property_key,
)
from policykg.errors import PolicyKGError

URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
BATCH_SIZE = 10000
DELETE_BATCH = 10000
_INT64 = 2 ** 63
_BNODE_PREFIX = "urn:policykg:bnode:"


# --- RDF -> property graph ------------------------------------------------------------------------

@dataclass
class PropertyGraph:
    """Nodes by IRI (labels, properties) and relationships (type, from IRI, to IRI)."""

    nodes: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = field(default_factory=dict)
    relationships: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> triples not mapped
    triples: int = 0

    def load_id(self) -> str:
        """A hash of the whole mapped graph: equal graphs give equal ids."""
        h = hashlib.sha256()
        for iri in sorted(self.nodes):
            labels, props = self.nodes[iri]
            h.update(json.dumps([iri, labels, props], sort_keys=True, ensure_ascii=False,
                                default=_json_default).encode())
        for rel in sorted(self.relationships):
            h.update(json.dumps(rel, ensure_ascii=False).encode())
        return h.hexdigest()[:32]


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _literal_value(lit) -> tuple[Any, bool]:
    """(value for Neo4j, is an exact decimal) for an rdflib Literal."""
    dt = str(lit.datatype) if lit.datatype else None
    text = str(lit)
    if dt == str(XSD.decimal):
        try:
            Decimal(text)
        except InvalidOperation as exc:
            raise PolicyKGError(f"not a decimal in the store: {text!r}: rebuild the store") from exc
        return text, True
    if dt in (str(XSD.integer), str(XSD.int), str(XSD.long), str(XSD.nonNegativeInteger)):
        value = int(text)
        return (value if -_INT64 <= value < _INT64 else text), False
    if dt == str(XSD.boolean):
        return text in ("true", "1"), False
    if dt in (str(XSD.date), str(XSD.dateTime), str(XSD.double), str(XSD.float)):
        value = lit.toPython()
        if isinstance(value, (date, datetime, float)):
            return value, False
    return text, False


def minor_units(decimal_text: str) -> int | None:
    """An exact decimal amount in 1/100 units (fen, cents), or None when it has finer digits.

    >>> minor_units("200000"), minor_units("0.03"), minor_units("0.005")
    (20000000, 3, None)
    """
    scaled = Decimal(decimal_text) * MINOR_UNITS_PER_UNIT
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _skolem(term, triples_by_subject, seen=()) -> str:
    """A stable IRI for a blank node, from its own triples (recursively), never a random id."""
    from rdflib import BNode

    parts = []
    for p, o in sorted(triples_by_subject.get(term, ()), key=lambda po: (str(po[0]), str(po[1]))):
        if isinstance(o, BNode):
            o_key = "cycle" if o in seen else _skolem(o, triples_by_subject, seen + (term,))
        else:
            o_key = o.n3()
        parts.append(f"{p.n3()} {o_key}")
    return _BNODE_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def to_property_graph(triples: Iterable, model: PGModel | None = None) -> PropertyGraph:
    """Map RDF triples to a PropertyGraph with the ontology's allow-lists (see graph.pg_model)."""
    from rdflib import BNode, Literal, URIRef

    model = model or derive_model()
    triples = list(triples)
    pg = PropertyGraph(triples=len(triples))

    if any(isinstance(t, BNode) for s, _, o in triples for t in (s, o)):
        by_subject: dict = defaultdict(list)
        for s, p, o in triples:
            by_subject[s].append((p, o))
        names = {b: _skolem(b, by_subject) for b in by_subject if isinstance(b, BNode)}

        def ident(term) -> str:
            return names.get(term) or _skolem(term, by_subject)
    else:
        def ident(term) -> str:
            return str(term)

    labels: dict[str, set[str]] = defaultdict(set)
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef):
            label = model.label(str(o))
            if label is not None:
                labels[ident(s)].add(label)

    values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    decimals: dict[str, set[str]] = defaultdict(set)
    single_keys: dict[str, str] = {}
    rels = set()
    for s, p, o in triples:
        if p == RDF.type:
            continue
        subject = ident(s)
        if subject not in labels:
            pg.skipped["subject has no ontology class (ontology declarations)"] += 1
            continue
        term = model.properties.get(str(p))
        if term is None:
            pg.skipped[f"predicate not in the ontology: {p}"] += 1
            continue
        if isinstance(o, Literal):
            if term.kind == "object":
                pg.skipped[f"literal value of object property {term.iri}"] += 1
                continue
            key = property_key(term.name, o.language)
            if key == "iri" or key == "load_id":
                raise PolicyKGError(f"ontology property {term.iri} maps to the reserved key {key!r}: rename it")
            value, is_decimal = _literal_value(o)
            values[subject][key].append(value)
            if is_decimal:
                decimals[subject].add(key)
            if term.single:
                single_keys[key] = term.iri
        else:
            target = ident(o)
            if term.kind != "object":
                pg.skipped[f"IRI value of datatype property {term.iri}"] += 1
            elif target not in labels:
                pg.skipped[f"object has no ontology class: {term.iri}"] += 1
            else:
                rels.add((term.name, subject, target))

    multi = set()
    for subject, props in values.items():
        for key, vals in props.items():
            if len(vals) > 1:
                if key in single_keys:
                    raise PolicyKGError(f"{subject} has {len(vals)} values of {key}, which the ontology "
                                        f"declares single-valued ({single_keys[key]}): rebuild the store")
                multi.add(key)

    currency_key = model.properties[CURRENCY_PROPERTY].name if CURRENCY_PROPERTY in model.properties else None
    for subject in sorted(labels):
        props: dict[str, Any] = {"iri": subject}
        for key, vals in sorted(values.get(subject, {}).items()):
            props[key] = sorted(vals, key=_sort_key) if key in multi else vals[0]
        currency = props.get(currency_key) if currency_key else None
        if isinstance(currency, str):
            suffix = MINOR_UNIT_SUFFIX.get(currency, "minor")
            for key in sorted(decimals.get(subject, ())):
                if key in multi:
                    continue
                minor = minor_units(props[key])
                if minor is not None:
                    props[f"{key}_{suffix}"] = minor
        pg.nodes[subject] = (tuple(sorted(labels[subject])), props)
    pg.relationships = sorted(rels)
    return pg


def _sort_key(value):
    return (type(value).__name__, str(value))


def store_triples(store: Path) -> Iterator:
    """Every triple of a built store (graph.store.open_store)."""
    from graph.store import open_store

    graph = open_store(store)
    try:
        yield from graph.triples((None, None, None))
    finally:
        graph.close()


# --- the driver and its errors -----------------------------------------------------------------------

def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit - 3] + "..."


def translate(exc: Exception, settings: dict, during: str = "") -> PolicyKGError:
    """One readable line for a Neo4j driver failure."""
    from neo4j import exceptions as e

    uri, user = settings.get("uri"), settings.get("user")
    where = f" during {during}" if during else ""
    if isinstance(exc, PolicyKGError):
        return exc
    if isinstance(exc, e.AuthError):
        return PolicyKGError(f"Neo4j at {uri} refused the login of user '{user}': wrong user or password; "
                             "pass --user/--password or set NEO4J_USER/NEO4J_PASSWORD")
    if isinstance(exc, (e.ServiceUnavailable, e.SessionExpired, e.IncompleteCommit, ConnectionError, OSError)):
        lost = "lost the connection to" if during else "cannot reach"
        return PolicyKGError(f"{lost} Neo4j at {uri}{where}: is it running? start it with "
                             "`make neo4j-start` or pass --uri/NEO4J_URI"
                             + ("; then run the load again (it repairs a partial load)" if during else ""))
    if isinstance(exc, (e.ConfigurationError, ValueError)) and not isinstance(exc, e.Neo4jError):
        return PolicyKGError(f"invalid Neo4j connection settings for {uri!r}: {_one_line(exc)}; "
                             "use a URI such as bolt://127.0.0.1:7687 or neo4j://host:7687")
    if isinstance(exc, e.Neo4jError):
        code = exc.code or ""
        message = _one_line(exc.message or str(exc))
        if code.endswith("DatabaseNotFound"):
            return PolicyKGError(f"Neo4j at {uri} has no database '{settings.get('database')}': "
                                 "pass --database or set NEO4J_DATABASE")
        if "TransactionTimedOut" in code or "Timeout" in code:
            return PolicyKGError(f"Neo4j query stopped by its timeout{where}: narrow the query or raise --timeout")
        if isinstance(exc, e.CypherSyntaxError):
            return PolicyKGError(f"Cypher syntax error: {message}")
        if code.endswith("AccessMode") or isinstance(exc, e.Forbidden):
            return PolicyKGError(f"Neo4j refused a write in a read-only session: {message}")
        return PolicyKGError(f"Neo4j failed{where} ({code or type(exc).__name__}): {message}")
    if isinstance(exc, e.DriverError):
        return PolicyKGError(f"Neo4j driver error{where} talking to {uri}: {_one_line(exc)}")
    return PolicyKGError(f"Neo4j failed{where}: {type(exc).__name__}: {_one_line(exc)}")


@contextmanager
def connect(settings: dict, during: str = "") -> Iterator:
    """A verified driver for settings {uri, user, password, database}; errors become PolicyKGError."""
    import logging

    import neo4j

    # The driver logs routing failures itself; without a handler Python would print them to stderr
    # next to our one-line error. Applications that configure logging still receive them.
    driver_log = logging.getLogger("neo4j")
    if not driver_log.handlers:
        driver_log.addHandler(logging.NullHandler())
    scheme = str(settings.get("uri") or "").partition("://")[0]
    if scheme not in URI_SCHEMES:
        raise PolicyKGError(f"invalid Neo4j URI {settings.get('uri')!r}: use bolt://host:port, or neo4j://host:port "
                            "for a cluster (+s or +ssc for TLS)")
    try:
        driver = neo4j.GraphDatabase.driver(
            settings["uri"], auth=(settings["user"], settings["password"]),
            connection_timeout=10.0, max_transaction_retry_time=10.0,
            connection_acquisition_timeout=30.0)
    except Exception as exc:  # noqa: BLE001 - every driver failure becomes one line
        raise translate(exc, settings) from exc
    try:
        try:
            driver.verify_connectivity()
        except Exception as exc:  # noqa: BLE001
            raise translate(exc, settings) from exc
        try:
            yield driver
        except PolicyKGError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise translate(exc, settings, during) from exc
    finally:
        driver.close()


def _database(settings: dict) -> str | None:
    return settings.get("database") or None


# --- writing ------------------------------------------------------------------------------------------

@dataclass
class LoadReport:
    load_id: str = ""
    triples: int = 0
    nodes: int = 0
    relationships: int = 0
    stale_nodes: int = 0
    stale_relationships: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    map_seconds: float = 0.0
    write_seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"triples read: {self.triples}", f"nodes: {self.nodes}", f"relationships: {self.relationships}",
               f"stale nodes removed: {self.stale_nodes}",
               f"stale relationships removed: {self.stale_relationships}", f"load id: {self.load_id}"]
        ontology = "subject has no ontology class (ontology declarations)"
        if self.skipped.get(ontology):
            out.append(f"ontology declaration triples (not data): {self.skipped[ontology]}")
        others = {k: v for k, v in self.skipped.items() if k != ontology}
        if others:
            out.append(f"triples not mapped: {sum(others.values())}")
            out += [f"  {v} {k}" for k, v in sorted(others.items())]
        out.append(f"mapped in {self.map_seconds:.2f} s, written in {self.write_seconds:.2f} s")
        return out


def schema_statements(model: PGModel) -> dict[str, str]:
    """Constraints and indexes by name: a unique `iri` on Resource and on every label; load_id indexed."""
    out = {f"policykg_{RESOURCE_LABEL}_iri": f"CREATE CONSTRAINT policykg_{RESOURCE_LABEL}_iri IF NOT EXISTS "
                                            f"FOR (n:{RESOURCE_LABEL}) REQUIRE n.iri IS UNIQUE",
           f"policykg_{RESOURCE_LABEL}_load_id": f"CREATE INDEX policykg_{RESOURCE_LABEL}_load_id IF NOT EXISTS "
                                                f"FOR (n:{RESOURCE_LABEL}) ON (n.load_id)"}
    for label in model.labels:
        out[f"policykg_{label}_iri"] = (f"CREATE CONSTRAINT policykg_{label}_iri IF NOT EXISTS "
                                        f"FOR (n:{label}) REQUIRE n.iri IS UNIQUE")
    return out


def node_statement(labels: tuple[str, ...]) -> str:
    """MERGE the rows' nodes on iri, replace their properties, set their labels (one label set)."""
    return (f"UNWIND $rows AS row MERGE (n:{RESOURCE_LABEL} {{iri: row.iri}}) "
            f"SET n = row.props SET n{''.join(':' + label for label in labels)}")


def relationship_statement(rel_type: str) -> str:
    """MERGE relationships of one type between nodes found by iri."""
    return (f"UNWIND $rows AS row MATCH (a:{RESOURCE_LABEL} {{iri: row.s}}) "
            f"MATCH (b:{RESOURCE_LABEL} {{iri: row.o}}) MERGE (a)-[r:{rel_type}]->(b) SET r.load_id = $load_id")


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def write_property_graph(driver, database: str | None, pg: PropertyGraph, model: PGModel,
                         batch_size: int = BATCH_SIZE, progress=None, load_id: str | None = None) -> tuple[int, int]:
    """Schema, nodes, relationships, then stale removal; returns (stale nodes, stale relationships)."""
    load_id = load_id or pg.load_id()
    with driver.session(database=database) as session:
        existing = {r["name"] for r in session.run("SHOW INDEXES YIELD name RETURN name")}
        for name, statement in schema_statements(model).items():
            if name not in existing:  # constraints own an index of the same name
                session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()

        labels, types = set(model.labels), set(model.relationship_types)
        groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
        for iri, (node_labels, props) in pg.nodes.items():
            unknown = set(node_labels) - labels
            if unknown:
                raise PolicyKGError(f"{iri}: labels {sorted(unknown)} are not ontology classes")
            groups[node_labels].append({"iri": iri, "props": {**props, "load_id": load_id}})
        _remove_stale_labels(session, pg, labels)
        for node_labels in sorted(groups):
            statement = node_statement(node_labels)
            for batch in _batches(groups[node_labels], batch_size):
                session.execute_write(_run, statement, {"rows": batch})
                if progress:
                    progress(len(batch))

        by_type: dict[str, list[dict]] = defaultdict(list)
        for rel_type, s, o in pg.relationships:
            if rel_type not in types:
                raise PolicyKGError(f"relationship type {rel_type!r} is not an ontology object property")
            by_type[rel_type].append({"s": s, "o": o})
        for rel_type in sorted(by_type):
            statement = relationship_statement(rel_type)
            for batch in _batches(by_type[rel_type], batch_size):
                session.execute_write(_run, statement, {"rows": batch, "load_id": load_id})
                if progress:
                    progress(len(batch))

        stale_rels = _delete_in_batches(
            session, f"MATCH (:{RESOURCE_LABEL})-[r]->(:{RESOURCE_LABEL}) WHERE r.load_id IS NULL "
                     "OR r.load_id <> $load_id WITH r LIMIT $limit DELETE r RETURN count(*) AS n", load_id)
        stale_nodes = _delete_in_batches(
            session, f"MATCH (n:{RESOURCE_LABEL}) WHERE n.load_id IS NULL OR n.load_id <> $load_id "
                     "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n", load_id)
    return stale_nodes, stale_rels


def _remove_stale_labels(session, pg: PropertyGraph, allowed: set[str]) -> None:
    """Remove, from nodes that stay, the model labels the new graph no longer gives them (a clause
    that became an incentive loses Measure). Reads the current labels once; usually removes nothing."""
    stale: dict[str, list[str]] = defaultdict(list)
    for record in session.run(f"MATCH (n:{RESOURCE_LABEL}) RETURN n.iri AS iri, labels(n) AS labels"):
        node = pg.nodes.get(record["iri"])
        if node is None:
            continue  # not in the new graph: deleted as stale after the load
        for label in (set(record["labels"]) & allowed) - set(node[0]):
            stale[label].append(record["iri"])
    for label in sorted(stale):
        for batch in _batches(stale[label], DELETE_BATCH):
            session.execute_write(_run, f"UNWIND $iris AS iri MATCH (n:{RESOURCE_LABEL} {{iri: iri}}) REMOVE n:{label}",
                                  {"iris": batch})


def _run(tx, statement: str, params: dict):
    return tx.run(statement, params).consume()


def _delete_in_batches(session, statement: str, load_id: str) -> int:
    total = 0
    while True:
        n = session.execute_write(
            lambda tx: tx.run(statement, load_id=load_id, limit=DELETE_BATCH).single()["n"])
        total += n
        if n < DELETE_BATCH:
            return total


def load_property_graph(pg: PropertyGraph, settings: dict, model: PGModel | None = None,
                        batch_size: int = BATCH_SIZE, progress=None) -> LoadReport:
    """Write an already mapped graph to the Neo4j of `settings`."""
    model = model or derive_model()
    report = LoadReport(load_id=pg.load_id(), triples=pg.triples, nodes=len(pg.nodes),
                        relationships=len(pg.relationships), skipped=dict(pg.skipped))
    t0 = time.perf_counter()
    with connect(settings, during="the load") as driver:
        report.stale_nodes, report.stale_relationships = write_property_graph(
            driver, _database(settings), pg, model, batch_size, progress, report.load_id)
    report.write_seconds = time.perf_counter() - t0
    return report


def load(store: Path, settings: dict, batch_size: int = BATCH_SIZE, progress=None) -> LoadReport:
    """Map the store's graph and load it into Neo4j; see the module docstring."""
    model = derive_model()
    t0 = time.perf_counter()
    pg = to_property_graph(store_triples(store), model)
    map_seconds = time.perf_counter() - t0
    report = load_property_graph(pg, settings, model, batch_size, progress)
    report.map_seconds = map_seconds
    return report


# --- reading ------------------------------------------------------------------------------------------

def plain(value):
    """A Neo4j result value as plain Python: dates, nodes, relationships and paths included."""
    import neo4j.graph
    import neo4j.time

    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime)):
        return value.to_native()
    if isinstance(value, (neo4j.time.Time, neo4j.time.Duration)):
        return str(value)
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def run_read(settings: dict, cypher: str, params: dict | None = None, timeout_s: float | None = 30.0,
             limit: int | None = None) -> tuple[list[str], list[tuple], bool]:
    """Run one query in a READ transaction; returns (columns, rows, truncated at `limit`)."""
    import neo4j

    @neo4j.unit_of_work(timeout=timeout_s)
    def work(tx):
        result = tx.run(cypher, params or {})
        columns = list(result.keys())
        rows, truncated = [], False
        for record in result:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(plain(v) for v in record.values()))
        result.consume()
        return columns, rows, truncated

    with connect(settings, during="the query") as driver:
        with driver.session(database=_database(settings), default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)


def settings_from(uri=None, user=None, password=None, database=None) -> dict:
    """Command-line values over NEO4J_* variables over the local server's defaults."""
    from policykg.config import neo4j_settings

    s = neo4j_settings()
    for key, value in (("uri", uri), ("user", user), ("password", password), ("database", database)):
        if value:
            s[key] = value
    return s
