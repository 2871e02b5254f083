"""Read a built store (or a SPARQL endpoint) into a PropertyGraph, for the Neo4j load and the rows.

Oxigraph keeps every IRI and longer string as an id, and turning an id back into its string is
one RocksDB lookup of several microseconds: a plain scan of a 5,000-document store (3.7 million
triples) spends about 40 s on it. `map_store` therefore reads each predicate with a SPARQL query
that does not return the predicate, and rdf:type grouped by subject with a VALUES table that gives
each class's number instead of its IRI, and maps each part (graph.neo4j.mapping) as it arrives.
It reads in this process: reading processes (a hand-made pool, then the standard library's) made
it slower on the 2-core machine the benchmark runs on (docs/property-graph.md, "Reading the store").
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.namespaces import RDF
from graph.neo4j.mapping import Mapper, PropertyGraph, lean, map_part, to_property_graph
from graph.pg_model import PGModel, derive_model
from graph.remote import RemoteStore
from graph.store import open_read_only
from policykg.errors import PolicyKGError

Progress = Callable[[int, int], None]
Part = tuple[str, Any]  # ("census", None), ("types", (class IRIs, names)), ("predicate", (IRI, Term))


def store_triples(store: Path | str) -> Iterator[tuple]:
    """Every triple of a built store's default graph, in the lean form (see to_property_graph)."""
    db = open_read_only(store)
    for quad in db.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield lean(quad.subject), quad.predicate.value, lean(quad.object)


def _select(db: ox.Store, query: str) -> ox.QuerySolutions:
    """The solutions of a SELECT query (never a boolean or a graph: the queries here are SELECTs)."""
    solutions = db.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _read_part(db: ox.Store, part: str, arg: Any = None) -> Any:
    """One part of the store `db`, for map_store.

    census: [(predicate, triples)]; types: (subjects, their sorted label tuples) for `arg` = (class
    IRIs, their labels); predicate: map_part for `arg` = (predicate, its Term or None). None when a
    blank node shows up.
    """
    if part == "census":
        census = _select(db, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
        return [(p.value, int(n.value)) for p, n in census]
    named, literal = ox.NamedNode, ox.Literal
    subjects: list[str] = []
    if part == "types":  # grouped by subject, so that each subject's IRI is looked up once
        classes, names = arg
        table = " ".join(f'({ox.NamedNode(c)} "{i}")' for i, c in enumerate(classes))
        shared: dict[str, tuple[str, ...]] = {}
        label_tuples = []
        for s, numbers in _select(db, f"SELECT ?s (GROUP_CONCAT(?i) AS ?t) WHERE {{ VALUES (?c ?i) {{ {table} }} "
                                   "?s a ?c } GROUP BY ?s"):
            if type(s) is not named:
                return None
            subjects.append(s.value)
            label_tuple = shared.get(numbers.value)
            if label_tuple is None:
                label_tuple = shared[numbers.value] = tuple(sorted({names[int(i)] for i in numbers.value.split()}))
            label_tuples.append(label_tuple)
        return subjects, label_tuples
    predicate, term = arg
    iri_s: list[str] = []
    iri_o: list[str] = []
    literals: dict[str, tuple[list, list]] = {}
    forms: dict[str, str] = {}
    one = forms.setdefault  # a lexical form that repeats (a currency, a city, an article label) is kept once
    for s, o in _select(db, f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}"):
        if type(s) is not named:
            return None
        kind = type(o)
        if kind is literal:
            group = literals.get(o.language or o.datatype.value)
            if group is None:
                group = literals[o.language or o.datatype.value] = ([], [])
            group[0].append(s.value)
            text = o.value
            group[1].append(one(text, text))
        elif kind is named:
            iri_s.append(s.value)
            iri_o.append(o.value)
        else:
            return None
    return map_part(term, predicate, iri_s, iri_o, literals)


def map_remote(url: str, model: PGModel | None = None, progress: Progress | None = None) -> PropertyGraph:
    """The default graph of a SPARQL 1.1 endpoint (graph.remote) as a PropertyGraph, read whole
    with the Graph Store Protocol; `progress(triples done, triples in all)` once it is mapped."""
    data = RemoteStore(url).get_graph()
    try:
        triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        detail = " ".join(str(exc).split())[:300]
        raise PolicyKGError(f"SPARQL endpoint {url} sent a graph that is not N-Triples: {detail}") from None
    pg = to_property_graph(((t.subject, t.predicate, t.object) for t in triples), model)
    if progress:
        progress(len(triples), len(triples))
    return pg


def map_store(store: Path | str, model: PGModel | None = None,
              progress: Progress | None = None) -> PropertyGraph:
    """The store's graph as a PropertyGraph: the same as to_property_graph(store_triples(store)), faster.

    The store is read in parts (the predicate census, rdf:type, each predicate, the largest first),
    and each part is mapped as it is read; `progress(triples done, triples in all)` after each
    part. A store with blank nodes (a built store has none) is read by store_triples instead.
    """
    model = model or derive_model()
    db = open_read_only(store)  # a missing or broken store fails here, with its own message
    classes = sorted(model.classes)
    rdf_type = str(RDF.type)
    mapper = Mapper(model)
    parts: list[Part] = [("census", None), ("types", (classes, [model.classes[c].name for c in classes]))]
    counts: dict[str, int] = {}  # triples per predicate, from the census
    done = 0
    while parts:
        part, arg = parts.pop(0)
        result = _read_part(db, part, arg)
        if result is None:  # a blank node
            return to_property_graph(store_triples(store), model)
        if part == "census":
            counts.update(result)
            mapper.triples = sum(counts.values())
            parts.extend(("predicate", (p, model.properties.get(p)))
                         for n, p in sorted(((n, p) for p, n in result if p != rdf_type), reverse=True))
            continue
        if part == "types":
            mapper.add_labels(*result)
            done += counts.get(rdf_type, 0)
        else:
            mapper.add_part(result)
            done += counts.get(arg[0], 0)
        if progress:
            progress(done, mapper.triples)
    return mapper.finish()
