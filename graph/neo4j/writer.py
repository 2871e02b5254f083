"""Write a property graph into Neo4j 5: schema, batched Cypher, stale removal, the load record.

`load(store, settings)` loads a store folder (its property-graph rows, graph.neo4j.rows, or the
store mapped when it has none) or a SPARQL endpoint URL; `load_property_graph` writes an already
mapped graph. Label and relationship-type names come only from the ontology's allow-lists (checked
again here), never from the data; every value travels as a query parameter.

Writing: constraints first, before anything else is written, even into an empty database; then
what the database already holds is read once (`prepare`: every node's iri, internal id and labels,
every relationship's type, end nodes and id). `load` does this on a second thread while it reads
the rows, since both mostly wait. New nodes are CREATEd in batches (``UNWIND $rows ... CREATE``)
and existing ones, found by internal id, get their properties replaced and their labels set; then
the relationships the database lacks are CREATEd between internal ids. Batches run on two sessions
at once. A first load into an empty database is thus all CREATE, and a reload never makes a
duplicate (it creates only what is missing).

Loading is idempotent. Every node carries ``load_id``, a hash of the whole mapped graph: loading
the same store again writes identical values (nothing changes), and after a rebuild the nodes whose
``load_id`` is not the new one are deleted, and so are the relationships the new graph does not
have (read before the load, compared here), so no stale node or relationship survives. Internal
ids are only used within one load (Neo4j may reuse a deleted one later). A load that fails half way
leaves a partial graph that the next load repairs. One load at a time per database: two loads into
the same database at once are not supported.

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
    """Constraints and indexes by name: a unique `iri` on Resource and on every label, and the
    indexes the named queries look nodes up by."""
    out = {f"policykg_{RESOURCE_LABEL}_iri": f"CREATE CONSTRAINT policykg_{RESOURCE_LABEL}_iri IF NOT EXISTS "
                                            f"FOR (n:{RESOURCE_LABEL}) REQUIRE n.iri IS UNIQUE"}
    for label in model.labels:
        out[f"policykg_{label}_iri"] = (f"CREATE CONSTRAINT policykg_{label}_iri IF NOT EXISTS "
                                        f"FOR (n:{label}) REQUIRE n.iri IS UNIQUE")
    for label, key in QUERY_INDEXES:
        if label in model.labels:
            out[f"policykg_{label}_{key}"] = f"CREATE INDEX policykg_{label}_{key} IF NOT EXISTS FOR (n:{label}) ON (n.{key})"
    return out


def node_statement(labels: tuple[str, ...], create: bool = False) -> str:
    """Write nodes of one label set: CREATE new ones from their properties (returning their iris and
    internal ids), or, for rows [internal id, properties], replace the properties and set the labels
    of existing nodes. `$load_id` is added to the properties."""
    label_text = "".join(":" + label for label in labels)
    if create:  # += on a new node: nothing to remove first
        return (f"UNWIND $rows AS props CREATE (n:{RESOURCE_LABEL}{label_text}) SET n += props, n.load_id = $load_id "
                "RETURN collect(props.iri) AS iris, collect(id(n)) AS ids")
    return (f"UNWIND $rows AS row MATCH (n:{RESOURCE_LABEL}) WHERE id(n) = row[0] "
            f"SET n = row[1], n.load_id = $load_id SET n{label_text}")


def relationship_statement(rel_type: str) -> str:
    """CREATE relationships of one type between nodes given by internal ids (rows [from, to])."""
    return ("UNWIND $rows AS row MATCH (a) WHERE id(a) = row[0] MATCH (b) WHERE id(b) = row[1] "
            f"CREATE (a)-[:{rel_type}]->(b)")


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass
class _Job:
    statement: str
    params: dict
    rows: int
    returns_ids: bool = False


@dataclass
class Existing:
    """What the database held before a load: what it said was wrong (session.load_problem), the
    policykg nodes (iri -> internal id, labels) and relationships ((type, from id, to id) ->
    relationship ids) in it, and the ids of relationships with properties (replaced: stale)."""
    problem: str = ""
    had_nodes: bool = False
    nodes: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    relationships: dict[tuple[str, int, int], list[int]] = field(default_factory=dict)
    with_properties: list[int] = field(default_factory=list)


def prepare(driver, database: str | None, model: PGModel) -> Existing:
    """Before a load writes anything: say what is wrong with the graph, create the missing
    constraints and indexes (and wait for them), then read what the database holds, once."""
    with driver.session(database=database) as session:
        problem = session.execute_read(load_problem)
        # The unique constraints exist before the first node is written, so a load cut short and
        # the load that repairs it can never leave two nodes for one IRI.
        _write_schema(session, schema_statements(model))
        had_nodes = session.run(f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n) AS n").single()["n"] > 0
        if not had_nodes:
            return Existing(problem)
        return Existing(problem, True, _existing_nodes(session), *_existing_relationships(session))


def write_property_graph(driver, database: str | None, pg: PropertyGraph, model: PGModel,
                         batch_size: int = BATCH_SIZE, progress=None, load_id: str | None = None,
                         writers: int = WRITERS, existing: Existing | None = None) -> tuple[int, int]:
    """Schema, nodes, relationships, then stale removal; returns (stale nodes, stale relationships).
    See the module docstring; `existing`: what `prepare` read (it is called when None); `writers`
    batches run at once."""
    load_id = load_id or pg.load_id()
    labels, types = set(model.labels), set(model.relationship_types)
    for label_set in {node_labels for node_labels, _ in pg.nodes.values()}:
        unknown = set(label_set) - labels
        if unknown:
            iri = next(iri for iri, (node_labels, _) in pg.nodes.items() if node_labels == label_set)
            raise PolicyKGError(f"{iri}: labels {sorted(unknown)} are not ontology classes")
    for rel_type in sorted({t for t, _, _ in pg.relationships} - types):
        raise PolicyKGError(f"relationship type {rel_type!r} is not an ontology object property")

    if existing is None:
        existing = prepare(driver, database, model)
    with driver.session(database=database) as session:
        _mark_load(session, "loading", load_id)
        _remove_stale_labels(session, pg, labels, existing.nodes)

    ids = {iri: node_id for iri, (node_id, _) in existing.nodes.items()}
    new: dict[tuple[str, ...], list] = defaultdict(list)
    old: dict[tuple[str, ...], list] = defaultdict(list)
    for iri, (node_labels, props) in pg.nodes.items():
        node_id = ids.get(iri)
        if node_id is None:
            new[node_labels].append(props)
        else:
            old[node_labels].append([node_id, props])
    jobs = [_Job(node_statement(node_labels, create=True), {"rows": batch, "load_id": load_id}, len(batch),
                 returns_ids=True)
            for node_labels in sorted(new) for batch in _batches(new[node_labels], batch_size)]
    jobs += [_Job(node_statement(node_labels), {"rows": batch, "load_id": load_id}, len(batch))
             for node_labels in sorted(old) for batch in _batches(old[node_labels], batch_size)]
    for result in _run_jobs(driver, database, jobs, writers, progress):
        if result is not None:
            ids.update(zip(*result))

    stale_rels = dict(existing.relationships)
    to_create: dict[str, list] = defaultdict(list)
    for rel_type, s, o in pg.relationships:
        key = (rel_type, ids[s], ids[o])
        held = stale_rels.pop(key, None)
        if held is None:
            to_create[rel_type].append([key[1], key[2]])
        elif len(held) > 1:  # duplicates: one is kept, the others are stale
            stale_rels[key] = held[1:]
    jobs = [_Job(relationship_statement(rel_type), {"rows": batch}, len(batch))
            for rel_type in sorted(to_create) for batch in _batches(to_create[rel_type], batch_size)]
    _run_jobs(driver, database, jobs, writers, progress)

    stale_nodes = 0
    stale_ids = [rel_id for rel_ids in stale_rels.values() for rel_id in rel_ids] + existing.with_properties
    with driver.session(database=database) as session:
        for batch in _batches(stale_ids, DELETE_BATCH):
            session.execute_write(_run, "UNWIND $ids AS id MATCH ()-[r]->() WHERE id(r) = id DELETE r", {"ids": batch})
        if existing.had_nodes:  # nothing was there before this load: nothing can be stale
            stale_nodes = _delete_in_batches(
                session, f"MATCH (n:{RESOURCE_LABEL}) WHERE n.load_id IS NULL OR n.load_id <> $load_id "
                         "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n", load_id)
        _mark_load(session, "complete", load_id, len(pg.nodes))  # the load id is written last
    return stale_nodes, len(stale_ids)


def _mark_load(session, state: str, load_id: str, nodes: int | None = None) -> None:
    """Record the state of the load on the one PolicykgLoad node: "loading" (with the id being
    loaded) as the first write, "complete" (with the id and the number of nodes) as the last."""
    session.execute_write(_run, f"MERGE (m:{LOAD_LABEL} {{name: 'policykg'}}) SET m.state = $state, "
                                "m.loading_id = $load_id, m.load_id = CASE $state WHEN 'complete' THEN $load_id "
                                "END, m.nodes = $nodes", {"state": state, "load_id": load_id, "nodes": nodes})


def _write_schema(session, schema: dict[str, str]) -> None:
    """Create the constraints and indexes that are missing, and wait for them to be online."""
    present = {r["name"] for r in session.run("SHOW INDEXES YIELD name RETURN name")}
    for name in sorted(present - set(schema)):
        if name.startswith("policykg_"):  # an index of an earlier schema, e.g. the one on load_id
            session.run(f"DROP INDEX {name} IF EXISTS").consume()
    for name, statement in schema.items():
        if name not in present:  # constraints own an index of the same name
            session.run(statement).consume()
    session.run("CALL db.awaitIndexes(300)").consume()


def _existing_nodes(session) -> dict[str, tuple[int, list[str]]]:
    """iri -> (internal id, labels) of every Resource node, read in one go."""
    record = session.run(f"MATCH (n:{RESOURCE_LABEL}) WHERE n.iri IS NOT NULL "
                         "RETURN collect([n.iri, id(n), labels(n)]) AS nodes").single()
    return {iri: (node_id, labels) for iri, node_id, labels in record["nodes"]}


def _existing_relationships(session) -> tuple[dict[tuple[str, int, int], list[int]], list[int]]:
    """(type, from id, to id) -> ids of every relationship between two Resource nodes, and apart the
    ids of those with properties (the loader writes none: an earlier version's `load_id`, or a
    change by hand), read as one column per type (half the time of one row per relationship)."""
    out: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    with_properties: list[int] = []
    for record in session.run(f"MATCH (a:{RESOURCE_LABEL})-[r]->(b:{RESOURCE_LABEL}) "
                              "WITH type(r) AS type, id(a) AS a, id(b) AS b, id(r) AS r, size(keys(r)) > 0 AS p "
                              "RETURN type, collect(a) AS a, collect(b) AS b, collect(r) AS r, collect(p) AS p"):
        rel_type = record["type"]
        for a, b, rel_id, has_properties in zip(record["a"], record["b"], record["r"], record["p"]):
            if has_properties:
                with_properties.append(rel_id)
            else:
                out[(rel_type, a, b)].append(rel_id)
    return dict(out), with_properties


def _remove_stale_labels(session, pg: PropertyGraph, allowed: set[str], existing: dict) -> None:
    """Remove, from nodes that stay, the model labels the new graph no longer gives them (a clause
    that became an incentive loses Measure). Usually removes nothing."""
    stale: dict[str, list[str]] = defaultdict(list)
    for iri, (node_id, node_labels) in existing.items():
        node = pg.nodes.get(iri)
        if node is None:
            continue  # not in the new graph: deleted as stale after the load
        for label in (set(node_labels) & allowed) - set(node[0]):
            stale[label].append(node_id)
    for label in sorted(stale):
        for batch in _batches(stale[label], DELETE_BATCH):
            session.execute_write(_run, f"UNWIND $ids AS id MATCH (n:{RESOURCE_LABEL}) WHERE id(n) = id "
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
    with connect(settings, during="the load") as driver:
        t0 = time.perf_counter()
        existing = prepare(driver, database(settings), model)
        return _write_report(driver, settings, pg, model, existing, batch_size, progress, load_id, t0)


def _write_report(driver, settings: dict, pg: PropertyGraph, model: PGModel, existing: Existing, batch_size: int,
                  progress, load_id: str | None, started: float) -> LoadReport:
    report = LoadReport(load_id=load_id or pg.load_id(), triples=pg.triples, nodes=len(pg.nodes),
                        relationships=len(pg.relationships), skipped=dict(pg.skipped), repaired=existing.problem)
    report.stale_nodes, report.stale_relationships = write_property_graph(
        driver, database(settings), pg, model, batch_size, progress, report.load_id, existing=existing)
    report.write_seconds = time.perf_counter() - started
    return report


def load(store: Path | str, settings: dict, batch_size: int = BATCH_SIZE, progress=None,
         read_progress=None) -> LoadReport:
    """Load the graph of a store folder or of a SPARQL endpoint URL (map_remote) into Neo4j; see
    the module docstring. A store folder's property-graph rows, written by the build
    (graph.neo4j.rows), are read as they are; a store without them is mapped (map_store). The server
    is checked first, so a wrong login or a stopped server fails before the store is read; then the
    schema is made and the database read (`prepare`) on a second thread while the store is read.
    `read_progress(triples done, triples in all)` follows the reading, `progress(rows)` the writing."""
    model = derive_model()
    if not is_remote(store):
        require_current_format(store)  # a missing, broken or outdated store fails here, with its own message
    with connect(settings, during="the load") as driver:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(1, thread_name_prefix="policykg-neo4j-prepare") as pool:
            prepared = pool.submit(prepare, driver, database(settings), model)
            pg, load_id = _read_graph(store, model, read_progress)
            map_seconds = time.perf_counter() - t0
            existing = prepared.result()
        report = _write_report(driver, settings, pg, model, existing, batch_size, progress, load_id,
                               time.perf_counter())
    report.map_seconds = map_seconds
    return report


def _read_graph(store: Path | str, model: PGModel, read_progress) -> tuple[PropertyGraph, str | None]:
    """The mapped graph of a store folder (its rows when it has them) or endpoint, and its load id if known."""
    if is_remote(store):
        return map_remote(str(store), model, read_progress), None
    rows = read_rows(Path(store))
    if rows is None:
        return map_store(store, model, progress=read_progress), None
    if read_progress:
        read_progress(rows[0].triples, rows[0].triples)
    return rows
