"""Write a property graph into Neo4j 5: schema, batched Cypher, stale removal, the load record.

`load(store, settings)` loads a store folder (its property-graph rows, graph.neo4j.rows, or the
store mapped when it has none) or a SPARQL endpoint URL; `load_property_graph` writes an already
mapped graph. Label and relationship-type names come only from the ontology's allow-lists (checked
again here), never from the data; every value travels as a query parameter.

Writing: constraints and indexes first, before anything else is written, even into an empty
database; then the nodes the database already holds are read once (iri, element id, labels). New
nodes are CREATEd in batches (``UNWIND $rows ... CREATE``) and existing ones found by element id
get their properties replaced and their labels set; then the relationships are made between
element ids, CREATE when an end node is new, MERGE when both existed. Batches run on two sessions
at once. A first load into an empty database is thus all CREATE, and a reload never makes a
duplicate.

Loading is idempotent. Every node and relationship carries ``load_id``, a hash of the whole
mapped graph: loading the same store again writes identical values (nothing changes), and after
a rebuild the nodes and relationships whose ``load_id`` is not the new one are deleted, so no
stale node survives. A load that fails half way leaves a partial graph that the next load repairs.
One load at a time per database: two loads into the same database at once are not supported.

A load is complete or says it is not: its first write marks the one `PolicykgLoad` node as
"loading", its last write marks it "complete" with the load id and the number of nodes. Until then
graph.neo4j.session's `load_problem` names what is wrong, named queries on Neo4j refuse to answer
from a partial graph, and the next load says what it found and writes the whole graph again.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from graph.neo4j.mapping import NO_CLASS, PropertyGraph
from graph.neo4j.rows import read_rows
from graph.neo4j.session import LOAD_LABEL, connect, database, load_problem
from graph.neo4j.store_reader import map_remote, map_store
from graph.pg_model import RESOURCE_LABEL, PGModel, derive_model
from graph.remote import is_remote
from graph.store import require_current_format
from policykg.errors import PolicyKGError

BATCH_SIZE = 10000
DELETE_BATCH = 10000
WRITERS = 2  # write transactions at once: Neo4j runs each on one core
# Properties the named queries look nodes up by (queries/*.cypher), indexed at load.
QUERY_INDEXES = (("Clause", "identifier"), ("Incentive", "sortKey"),  # sortKey: index-ordered pages
                 ("ValiditySpan", "spanStart"),  # the span holding a date: an index-backed ORDER BY
                 ("RankRun", "cityName"))  # similar-incentives: a city's runs


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
    repaired: str = ""  # what was wrong with the graph before this load (a load cut short, ...)

    def lines(self) -> list[str]:
        out = [f"repaired: {self.repaired}"] if self.repaired else []
        out += [f"triples read: {self.triples}", f"nodes: {self.nodes}", f"relationships: {self.relationships}",
               f"stale nodes removed: {self.stale_nodes}",
               f"stale relationships removed: {self.stale_relationships}", f"load id: {self.load_id}"]
        if self.skipped.get(NO_CLASS):
            out.append(f"ontology declaration triples (not data): {self.skipped[NO_CLASS]}")
        others = {k: v for k, v in self.skipped.items() if k != NO_CLASS}
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
    for label, key in QUERY_INDEXES:
        if label in model.labels:
            out[f"policykg_{label}_{key}"] = f"CREATE INDEX policykg_{label}_{key} IF NOT EXISTS FOR (n:{label}) ON (n.{key})"
    return out


def node_statement(labels: tuple[str, ...], create: bool = False) -> str:
    """Write nodes of one label set: CREATE new ones from their properties (returning their iris and
    element ids), or, for rows [element id, properties], replace the properties and set the labels
    of existing nodes. `$load_id` is added to the properties."""
    label_text = "".join(":" + label for label in labels)
    if create:
        return (f"UNWIND $rows AS props CREATE (n:{RESOURCE_LABEL}{label_text}) SET n = props, n.load_id = $load_id "
                "RETURN collect(props.iri) AS iris, collect(elementId(n)) AS ids")
    return (f"UNWIND $rows AS row MATCH (n:{RESOURCE_LABEL}) WHERE elementId(n) = row[0] "
            f"SET n = row[1], n.load_id = $load_id SET n{label_text}")


def relationship_statement(rel_type: str, create: bool = False) -> str:
    """Relationships of one type between nodes given by element ids (rows [from, to]): CREATE, or
    MERGE when both nodes were already there (the relationship may exist); all get `$load_id`."""
    match = "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row[0] MATCH (b) WHERE elementId(b) = row[1] "
    if create:
        return match + f"CREATE (a)-[:{rel_type} {{load_id: $load_id}}]->(b)"
    return match + f"MERGE (a)-[r:{rel_type}]->(b) SET r.load_id = $load_id"


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass
class _Job:
    statement: str
    params: dict
    rows: int
    returns_ids: bool = False


def write_property_graph(driver, database: str | None, pg: PropertyGraph, model: PGModel,
                         batch_size: int = BATCH_SIZE, progress=None, load_id: str | None = None,
                         writers: int = WRITERS) -> tuple[int, int]:
    """Schema, nodes, relationships, then stale removal; returns (stale nodes, stale relationships).
    See the module docstring; `writers` batches run at once."""
    load_id = load_id or pg.load_id()
    labels, types = set(model.labels), set(model.relationship_types)
    for label_set in {node_labels for node_labels, _ in pg.nodes.values()}:
        unknown = set(label_set) - labels
        if unknown:
            iri = next(iri for iri, (node_labels, _) in pg.nodes.items() if node_labels == label_set)
            raise PolicyKGError(f"{iri}: labels {sorted(unknown)} are not ontology classes")
    for rel_type in sorted({t for t, _, _ in pg.relationships} - types):
        raise PolicyKGError(f"relationship type {rel_type!r} is not an ontology object property")

    schema = schema_statements(model)
    with driver.session(database=database) as session:
        # The unique constraints exist before the first node is written, so a load cut short and
        # the load that repairs it can never leave two nodes for one IRI.
        _write_schema(session, schema)
        _mark_load(session, "loading", load_id)
        had_nodes = session.run(f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n) AS n").single()["n"] > 0
        existing = _existing_nodes(session) if had_nodes else {}
        _remove_stale_labels(session, pg, labels, existing)

    ids = {iri: element_id for iri, (element_id, _) in existing.items()}
    new: dict[tuple[str, ...], list] = defaultdict(list)
    old: dict[tuple[str, ...], list] = defaultdict(list)
    for iri, (node_labels, props) in pg.nodes.items():
        element_id = ids.get(iri)
        if element_id is None:
            new[node_labels].append(props)
        else:
            old[node_labels].append([element_id, props])
    jobs = [_Job(node_statement(node_labels, create=True), {"rows": batch, "load_id": load_id}, len(batch),
                 returns_ids=True)
            for node_labels in sorted(new) for batch in _batches(new[node_labels], batch_size)]
    jobs += [_Job(node_statement(node_labels), {"rows": batch, "load_id": load_id}, len(batch))
             for node_labels in sorted(old) for batch in _batches(old[node_labels], batch_size)]
    for result in _run_jobs(driver, database, jobs, writers, progress):
        if result is not None:
            ids.update(zip(*result))

    to_create: dict[str, list] = defaultdict(list)
    to_merge: dict[str, list] = defaultdict(list)
    for rel_type, s, o in pg.relationships:
        if s in existing and o in existing:
            to_merge[rel_type].append([ids[s], ids[o]])
        else:
            to_create[rel_type].append([ids[s], ids[o]])
    jobs = [_Job(relationship_statement(rel_type, create=True), {"rows": batch, "load_id": load_id}, len(batch))
            for rel_type in sorted(to_create) for batch in _batches(to_create[rel_type], batch_size)]
    jobs += [_Job(relationship_statement(rel_type), {"rows": batch, "load_id": load_id}, len(batch))
             for rel_type in sorted(to_merge) for batch in _batches(to_merge[rel_type], batch_size)]
    _run_jobs(driver, database, jobs, writers, progress)

    stale_nodes = stale_rels = 0
    with driver.session(database=database) as session:
        if had_nodes:  # nothing was there before this load: nothing can be stale
            stale_rels = _delete_in_batches(
                session, f"MATCH (:{RESOURCE_LABEL})-[r]->(:{RESOURCE_LABEL}) WHERE r.load_id IS NULL "
                         "OR r.load_id <> $load_id WITH r LIMIT $limit DELETE r RETURN count(*) AS n", load_id)
            stale_nodes = _delete_in_batches(
                session, f"MATCH (n:{RESOURCE_LABEL}) WHERE n.load_id IS NULL OR n.load_id <> $load_id "
                         "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n", load_id)
        _mark_load(session, "complete", load_id, len(pg.nodes))  # the load id is written last
    return stale_nodes, stale_rels


def _mark_load(session, state: str, load_id: str, nodes: int | None = None) -> None:
    """Record the state of the load on the one PolicykgLoad node: "loading" (with the id being
    loaded) as the first write, "complete" (with the id and the number of nodes) as the last."""
    session.execute_write(_run, f"MERGE (m:{LOAD_LABEL} {{name: 'policykg'}}) SET m.state = $state, "
                                "m.loading_id = $load_id, m.load_id = CASE $state WHEN 'complete' THEN $load_id "
                                "END, m.nodes = $nodes", {"state": state, "load_id": load_id, "nodes": nodes})


def _write_schema(session, schema: dict[str, str]) -> None:
    """Create the constraints and indexes that are missing, and wait for them to be online."""
    present = {r["name"] for r in session.run("SHOW INDEXES YIELD name RETURN name")}
    for name, statement in schema.items():
        if name not in present:  # constraints own an index of the same name
            session.run(statement).consume()
    session.run("CALL db.awaitIndexes(300)").consume()


def _existing_nodes(session) -> dict[str, tuple[str, list[str]]]:
    """iri -> (element id, labels) of every Resource node, read in one go."""
    record = session.run(f"MATCH (n:{RESOURCE_LABEL}) WHERE n.iri IS NOT NULL "
                         "RETURN collect([n.iri, elementId(n), labels(n)]) AS nodes").single()
    return {iri: (element_id, labels) for iri, element_id, labels in record["nodes"]}


def _remove_stale_labels(session, pg: PropertyGraph, allowed: set[str], existing: dict) -> None:
    """Remove, from nodes that stay, the model labels the new graph no longer gives them (a clause
    that became an incentive loses Measure). Usually removes nothing."""
    stale: dict[str, list[str]] = defaultdict(list)
    for iri, (element_id, node_labels) in existing.items():
        node = pg.nodes.get(iri)
        if node is None:
            continue  # not in the new graph: deleted as stale after the load
        for label in (set(node_labels) & allowed) - set(node[0]):
            stale[label].append(element_id)
    for label in sorted(stale):
        for batch in _batches(stale[label], DELETE_BATCH):
            session.execute_write(_run, f"UNWIND $ids AS id MATCH (n:{RESOURCE_LABEL}) WHERE elementId(n) = id "
                                        f"REMOVE n:{label}", {"ids": batch})


def _run(tx, statement: str, params: dict):
    return tx.run(statement, params).consume()


def _write(tx, job: _Job):
    result = tx.run(job.statement, job.params)
    if job.returns_ids:
        record = result.single(strict=True)
        return record["iris"], record["ids"]
    result.consume()
    return None


def _run_jobs(driver, database: str | None, jobs: list[_Job], writers: int, progress=None) -> list:
    """Each job in its own write transaction, `writers` at once (each on its own session); their
    results in order. The first failure cancels the jobs not started and is raised."""
    if writers <= 1 or len(jobs) <= 1:
        results = []
        with driver.session(database=database) as session:
            for job in jobs:
                results.append(session.execute_write(_write, job))
                if progress:
                    progress(job.rows)
        return results

    local = threading.local()
    sessions = []
    lock = threading.Lock()

    def run(job: _Job):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = driver.session(database=database)
            with lock:
                sessions.append(session)
        return session.execute_write(_write, job)

    try:
        with ThreadPoolExecutor(writers, thread_name_prefix="policykg-neo4j") as pool:
            futures = [pool.submit(run, job) for job in jobs]
            try:
                results = []
                for job, future in zip(jobs, futures):
                    results.append(future.result())
                    if progress:
                        progress(job.rows)
                return results
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    finally:
        for session in sessions:
            session.close()


def _delete_in_batches(session, statement: str, load_id: str) -> int:
    total = 0
    while True:
        n = session.execute_write(
            lambda tx: tx.run(statement, load_id=load_id, limit=DELETE_BATCH).single()["n"])
        total += n
        if n < DELETE_BATCH:
            return total


def load_property_graph(pg: PropertyGraph, settings: dict, model: PGModel | None = None,
                        batch_size: int = BATCH_SIZE, progress=None, load_id: str | None = None) -> LoadReport:
    """Write an already mapped graph to the Neo4j of `settings` (`load_id`: its pg.load_id(), if known)."""
    model = model or derive_model()
    report = LoadReport(load_id=load_id or pg.load_id(), triples=pg.triples, nodes=len(pg.nodes),
                        relationships=len(pg.relationships), skipped=dict(pg.skipped))
    t0 = time.perf_counter()
    with connect(settings, during="the load") as driver:
        with driver.session(database=database(settings)) as session:
            report.repaired = session.execute_read(load_problem)
        report.stale_nodes, report.stale_relationships = write_property_graph(
            driver, database(settings), pg, model, batch_size, progress, report.load_id)
    report.write_seconds = time.perf_counter() - t0
    return report


def load(store: Path | str, settings: dict, batch_size: int = BATCH_SIZE, progress=None,
         read_progress=None) -> LoadReport:
    """Load the graph of a store folder or of a SPARQL endpoint URL (map_remote) into Neo4j; see
    the module docstring. A store folder's property-graph rows, written by the build
    (graph.neo4j.rows), are read as they are; a store without them is mapped (map_store). The server
    is checked first, so a wrong login or a stopped server fails before the store is read.
    `read_progress(triples done, triples in all)` follows the reading, `progress(rows)` the writing."""
    model = derive_model()
    with connect(settings):
        pass
    t0 = time.perf_counter()
    load_id = None
    if is_remote(store):
        pg = map_remote(str(store), model, read_progress)
    else:
        require_current_format(store)  # a missing, broken or outdated store fails here, with its own message
        rows = read_rows(Path(store))
        if rows is None:
            pg = map_store(store, model, progress=read_progress)
        else:
            pg, load_id = rows
            if read_progress:
                read_progress(pg.triples, pg.triples)
    map_seconds = time.perf_counter() - t0
    report = load_property_graph(pg, settings, model, batch_size, progress, load_id)
    report.map_seconds = map_seconds
    return report
