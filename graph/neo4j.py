"""Load a built store's RDF graph into Neo4j 5 as a property graph, and run read-only Cypher on it.

`to_property_graph` maps RDF triples to nodes and relationships with the allow-lists of
graph.pg_model (derived from the ontology); `map_store` does the same for a built store, reading it
in parallel processes; `load` writes the result. Label and relationship-type names come only from
the ontology's allow-lists, never from the data; every value travels as a query parameter.

Writing: constraints and indexes first, before anything else is written, even into an empty
database; then the nodes the database already holds are read once
(iri, element id, labels). New nodes are CREATEd in batches (``UNWIND $rows ... CREATE``) and
existing ones found by element id get their properties replaced and their labels set; then the
relationships are made between element ids, CREATE when an end node is new, MERGE when both
existed. Batches run on two sessions at once. A first load into an empty database is thus all
CREATE, and a reload never makes a duplicate.

Loading is idempotent. Every node and relationship carries ``load_id``, a hash of the whole
mapped graph: loading the same store again writes identical values (nothing changes), and after
a rebuild the nodes and relationships whose ``load_id`` is not the new one are deleted, so no
stale node survives. A load that fails half way leaves a partial graph that the next load repairs.
One load at a time per database: two loads into the same database at once are not supported.

A load is complete or says it is not: its first write marks the one `PolicykgLoad` node as
"loading", its last write marks it "complete" with the load id and the number of nodes. Until then
`load_problem` names what is wrong, named queries on Neo4j refuse to answer from a partial graph
(`run_read(..., require_complete_load=True)`), and the next `policykg neo4j load` says what it found
and writes the whole graph again.

`run_read` runs a query in a READ session (``default_access_mode=READ_ACCESS``) with a server-side
timeout and a row cap. Every driver failure becomes one PolicyKGError line: wrong credentials,
a stopped or unreachable server, a missing database, a syntax error, a timeout.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.namespaces import RDF, XSD
from graph.pg_model import (
    CURRENCY_PROPERTY,
    MINOR_UNIT_SUFFIX,
    MINOR_UNITS_PER_UNIT,
    RESOURCE_LABEL,
    PGModel,
    Term,
    derive_model,
    property_key,
)
from graph.store import open_read_only
from policykg.errors import PolicyKGError

URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
BATCH_SIZE = 10000
DELETE_BATCH = 10000
WRITERS = 2  # write transactions at once: Neo4j runs each on one core
# One node, outside the policykg labels, records the state of the last load (see `load_problem`).
LOAD_LABEL = "PolicykgLoad"
MAX_READERS = 4  # processes that read the store at once (at most the number of CPUs)
_INT64 = 2 ** 63
# Properties the named queries look nodes up by (queries/*.cypher), indexed at load.
QUERY_INDEXES = (("Clause", "identifier"),)
_BNODE_PREFIX = "urn:policykg:bnode:"
_RESERVED = ("iri", "load_id")
_NO_CLASS = "subject has no ontology class (ontology declarations)"


# --- RDF -> property graph ------------------------------------------------------------------------
#
# Triples are mapped in a lean form: an IRI is a plain str, a blank node a Blank (a str subclass)
# and a literal a tuple (lexical form, datatype IRI or None, language tag or None). rdflib and
# pyoxigraph terms are turned into it by _lean.

class Blank(str):
    """A blank node's label in a lean triple."""

    __slots__ = ()


@dataclass
class PropertyGraph:
    """Nodes by IRI (labels, properties) and relationships (type, from IRI, to IRI)."""

    nodes: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = field(default_factory=dict)
    relationships: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> triples not mapped
    triples: int = 0

    def load_id(self) -> str:
        """A hash of the whole mapped graph: equal graphs give equal ids."""
        # The bytes of json.dumps([iri, labels, props], sort_keys=True, ensure_ascii=False) per node
        # and json.dumps(rel, ensure_ascii=False) per relationship, with one encoder for all.
        encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_json_default).encode
        quote = json.encoder.encode_basestring
        h = hashlib.sha256()
        parts: list[str] = []
        for iri in sorted(self.nodes):
            labels, props = self.nodes[iri]
            parts.append(encode([iri, labels, props]))
            if len(parts) >= 10000:
                h.update("".join(parts).encode())
                parts.clear()
        for rel in sorted(self.relationships):
            parts.append("[" + ", ".join(map(quote, rel)) + "]")
            if len(parts) >= 10000:
                h.update("".join(parts).encode())
                parts.clear()
        h.update("".join(parts).encode())
        return h.hexdigest()[:32]


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _lean(term):
    """An rdflib or pyoxigraph term (or an already lean one) in the lean form."""
    kind = type(term)
    if kind is str or kind is tuple or kind is Blank:
        return term
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, Literal):
        return (str(term), str(term.datatype) if term.datatype is not None else None, term.language or None)
    if isinstance(term, BNode):
        return Blank(term)
    if isinstance(term, URIRef):
        return str(term)
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return (term.value, None, term.language) if term.language else (term.value, term.datatype.value, None)
    if isinstance(term, ox.BlankNode):
        return Blank(term.value)
    raise TypeError(f"not an RDF term: {term!r}")


_STRING, _DECIMAL, _BOOLEAN = str(XSD.string), str(XSD.decimal), str(XSD.boolean)
_INTEGERS = frozenset(str(t) for t in (XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger))
_PYTHON_VALUES = frozenset(str(t) for t in (XSD.date, XSD.dateTime, XSD.double, XSD.float))


def _convert(text: str, datatype: str | None) -> tuple[Any, bool]:
    """(value for Neo4j, is an exact decimal) for a literal's lexical form and datatype."""
    if datatype is None or datatype == _STRING:
        return text, False
    if datatype == _DECIMAL:
        try:
            Decimal(text)
        except InvalidOperation as exc:
            raise PolicyKGError(f"not a decimal in the store: {text!r}: rebuild the store") from exc
        return text, True
    if datatype in _INTEGERS:
        value = int(text)
        return (value if -_INT64 <= value < _INT64 else text), False
    if datatype == _BOOLEAN:
        return text in ("true", "1"), False
    return _rdflib_value(text, datatype), False


@lru_cache(maxsize=65536)
def _rdflib_value(text: str, datatype: str):
    """Any other datatype as rdflib reads it: dates, date-times and floats as Python values when
    valid, else the (normalised) lexical form."""
    from rdflib import Literal, URIRef

    lit = Literal(text, datatype=URIRef(datatype))
    if datatype in _PYTHON_VALUES:
        value = lit.toPython()
        if isinstance(value, (date, datetime, float)):
            return value
    return str(lit)


def minor_units(decimal_text: str) -> int | None:
    """An exact decimal amount in 1/100 units (fen, cents), or None when it has finer digits.

    >>> minor_units("200000"), minor_units("0.03"), minor_units("0.005")
    (20000000, 3, None)
    """
    scaled = Decimal(decimal_text) * MINOR_UNITS_PER_UNIT
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _n3(term) -> str:
    if type(term) is tuple:
        from rdflib import Literal, URIRef

        text, datatype, lang = term
        return Literal(text, lang=lang, datatype=URIRef(datatype) if datatype else None).n3()
    return f"<{term}>"


def _skolem(term, triples_by_subject, seen=()) -> str:
    """A stable IRI for a blank node, from its own triples (recursively), never a random id."""
    parts = []
    for p, o in triples_by_subject.get(term, ()):
        if type(o) is Blank:
            o_key = "cycle" if o in seen else _skolem(o, triples_by_subject, seen + (term,))
        else:
            o_key = _n3(o)
        parts.append(f"<{p}> {o_key}")
    return _BNODE_PREFIX + hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:32]


def _sort_key(value):
    return (type(value).__name__, str(value))


def _labels_by_subject(subjects: list, names: list) -> tuple[list, list]:
    """(subjects once each, the sorted tuple of their label names) from (subject, label) pairs."""
    bits = {name: 1 << i for i, name in enumerate(sorted(set(names)))}
    masks: dict[str, int] = {}
    get = masks.get
    for s, name in zip(subjects, names):
        masks[s] = get(s, 0) | bits[name]
    shared: dict[int, tuple[str, ...]] = {}  # a few label sets, one tuple each
    ordered = sorted(bits, key=bits.__getitem__)
    for mask in set(masks.values()):
        shared[mask] = tuple(name for i, name in enumerate(ordered) if mask >> i & 1)
    return list(masks), [shared[m] for m in masks.values()]


def _split_rows(subjects: list, objects: list) -> tuple[list, list, dict]:
    """Lean (subject, object) rows as _map_part takes them: (subjects and objects of the IRI
    objects, {language tag or datatype: (subjects, lexical forms)} of the literals)."""
    iri_s, iri_o, literals = [], [], {}
    for s, o in zip(subjects, objects):
        if type(o) is tuple:
            text, datatype, lang = o
            group = literals.get(lang or datatype or _STRING)
            if group is None:
                group = literals[lang or datatype or _STRING] = ([], [])
            group[0].append(s)
            group[1].append(text)
        else:
            iri_s.append(s)
            iri_o.append(o)
    return iri_s, iri_o, literals


def _convert_all(texts: list, datatype: str | None) -> tuple[list, bool]:
    """_convert for many lexical forms of one datatype at once; raises like _convert."""
    if datatype is None or datatype == _STRING:
        return texts, False
    if datatype == _DECIMAL:
        for _ in map(Decimal, texts):  # raises InvalidOperation on the first bad one
            pass
        return texts, True
    if datatype in _INTEGERS:
        values = list(map(int, texts))
        if values and (max(values) >= _INT64 or min(values) < -_INT64):
            values = [v if -_INT64 <= v < _INT64 else t for v, t in zip(values, texts)]
        return values, False
    if datatype == _BOOLEAN:
        return [t in ("true", "1") for t in texts], False
    return [_rdflib_value(t, datatype) for t in texts], False


def _map_part(term: Term | None, predicate: str, iri_s: list, iri_o: list, literals: dict) -> dict:
    """The triples of one predicate (other than rdf:type), mapped as far as can be done without
    knowing which subjects are nodes: property columns, relationships, triples that map to nothing.
    The triples come as _split_rows gives them.

    Returns {"columns": [(key, is decimal, subjects, values)], "repeated": {key: subjects with more
    than one value}, "single": {key: single-valued property}, "relationships": (type, property,
    subjects, objects) sorted and without repeats, or None, "unmapped": [(reason if the subject is a
    node, subjects)], "failed": [(subject, exception)]}.
    """
    part: dict[str, Any] = {"columns": [], "repeated": {}, "single": {}, "relationships": None,
                            "unmapped": [], "failed": []}
    unmapped = part["unmapped"]
    if term is None:
        unmapped.append((f"predicate not in the ontology: {predicate}",
                         iri_s + [s for subs, _ in literals.values() for s in subs]))
        return part
    if term.kind == "object":
        if literals:
            unmapped.append((f"literal value of object property {term.iri}",
                             [s for subs, _ in literals.values() for s in subs]))
        pairs = sorted(set(zip(iri_s, iri_o)))
        part["relationships"] = (term.name, term.iri, [s for s, _ in pairs], [o for _, o in pairs])
        return part
    if iri_s:
        unmapped.append((f"IRI value of datatype property {term.iri}", iri_s))
    columns: dict[tuple[str, bool], tuple[list, list]] = {}
    for group, (subjects, texts) in literals.items():
        lang, datatype = (None, group) if ":" in group else (group, None)
        key = property_key(term.name, lang)
        if key in _RESERVED:
            error = PolicyKGError(f"ontology property {term.iri} maps to the reserved key {key!r}: rename it")
            part["failed"] += [(s, error) for s in subjects]
            continue
        if term.single:
            part["single"][key] = term.iri
        try:
            converted = [(subjects, *_convert_all(texts, datatype))]
        except (PolicyKGError, ValueError, ArithmeticError):  # one by one, to tell which subjects fail
            converted, ok = [], {}
            for s, text in zip(subjects, texts):
                try:
                    value, is_decimal = _convert(text, datatype)
                except (PolicyKGError, ValueError) as exc:
                    part["failed"].append((s, exc))
                    continue
                got = ok.setdefault(is_decimal, ([], []))
                got[0].append(s)
                got[1].append(value)
            converted = [(subs, values, is_decimal) for is_decimal, (subs, values) in ok.items()]
        for subs, values, is_decimal in converted:
            column = columns.get((key, is_decimal))
            if column is None:
                columns[(key, is_decimal)] = (subs, values)
            else:
                column[0].extend(subs)
                column[1].extend(values)
    by_key: dict[str, list] = defaultdict(list)
    for (key, is_decimal), (subs, values) in sorted(columns.items()):
        part["columns"].append((key, is_decimal, subs, values))
        by_key[key] += subs
    for key, subs in by_key.items():
        if len(set(subs)) != len(subs):
            seen: set[str] = set()
            part["repeated"][key] = {s for s in subs if s in seen or seen.add(s)}
    return part


class _Mapper:
    """Builds a PropertyGraph from the parts of a graph: all of rdf:type (`add_labels` or
    `add_types`) and one part per other predicate (`add` or `add_part`), in any order.

    Which subjects are nodes (have an ontology class) is known once rdf:type is in; parts that
    come before are kept until then, and each part after is written into the nodes at once.
    """

    def __init__(self, model: PGModel):
        self.model = model
        self.labels: dict[str, tuple[str, ...]] | None = None
        self.props: dict[str, dict[str, Any]] = {}
        self.waiting: list[dict] = []
        self.skipped: Counter = Counter()
        self.single_keys: dict[str, str] = {}
        self.multi: set[str] = set()
        self.decimal_columns: list[tuple[str, list]] = []  # (key, subjects) of exact decimals
        self.relationships: list[tuple[str, list]] = []  # (type, [(type, from, to)])
        self.triples = 0

    def add_labels(self, subjects: list[str], label_tuples: list[tuple[str, ...]]) -> None:
        """Every subject with an ontology class, once, with all its labels sorted (_labels_by_subject)."""
        self.labels = dict(zip(subjects, label_tuples))
        self.props = {s: {"iri": s} for s in self.labels}
        waiting, self.waiting = self.waiting, []
        for part in waiting:
            self.add_part(part)

    def add_types(self, subjects: list, classes: list) -> None:
        """All rdf:type triples: objects that are ontology classes give labels, others nothing."""
        names = {iri: term.name for iri, term in self.model.classes.items()}
        pairs = [(s, names[c]) for s, c in zip(subjects, classes) if type(c) is str and c in names]
        self.add_labels(*_labels_by_subject([s for s, _ in pairs], [n for _, n in pairs]))

    def add(self, predicate: str, subjects: list, objects: list) -> None:
        """The triples of one predicate other than rdf:type."""
        self.add_part(_map_part(self.model.properties.get(predicate), predicate, *_split_rows(subjects, objects)))

    def _count(self, reason: str, n: int) -> None:
        if n:
            self.skipped[reason] += n

    def add_part(self, part: dict) -> None:
        """A predicate's triples as _map_part gives them."""
        labels = self.labels
        if labels is None:
            self.waiting.append(part)
            return
        is_node = labels.__contains__
        for s, exc in part["failed"]:
            if s in labels:
                raise exc
        self._count(_NO_CLASS, len(part["failed"]))
        for reason, subjects in part["unmapped"]:
            nodes = sum(map(is_node, subjects))
            self._count(reason, nodes)
            self._count(_NO_CLASS, len(subjects) - nodes)

        self.single_keys.update(part["single"])
        for key, subjects in sorted(part["repeated"].items()):
            nodes = sorted(filter(is_node, subjects))
            if not nodes:
                continue
            if key in self.single_keys:
                n = sum(subs.count(nodes[0]) for k, _, subs, _ in part["columns"] if k == key)
                raise PolicyKGError(f"{nodes[0]} has {n} values of {key}, which the ontology declares "
                                    f"single-valued ({self.single_keys[key]}): rebuild the store")
            self.multi.add(key)

        get, missing = self.props.get, 0
        lists: dict[str, dict[str, list]] = {}
        for key, is_decimal, subjects, values in part["columns"]:
            if key in self.multi:
                of_key = lists.setdefault(key, defaultdict(list))
                for s, v in zip(subjects, values):
                    of_key[s].append(v)
                continue
            if is_decimal:
                self.decimal_columns.append((key, subjects))
            for s, v in zip(subjects, values):
                props = get(s)
                if props is None:
                    missing += 1
                else:
                    props[key] = v
        for key, of_key in lists.items():
            for s, vals in of_key.items():
                props = get(s)
                if props is None:
                    missing += len(vals)
                else:
                    props[key] = sorted(vals, key=_sort_key)
        self._count(_NO_CLASS, missing)

        if part["relationships"] is not None:
            rel_type, iri, subjects, objects = part["relationships"]
            kept = [(rel_type, s, o) for s, o in zip(subjects, objects) if s in labels and o in labels]
            if len(kept) != len(subjects):
                nodes = sum(map(is_node, subjects))
                self._count(_NO_CLASS, len(subjects) - nodes)
                self._count(f"object has no ontology class: {iri}", nodes - len(kept))
            self.relationships.append((rel_type, kept))

    def finish(self) -> PropertyGraph:
        if self.labels is None:
            self.add_labels([], [])
        labels, props_of = self.labels, self.props
        properties = self.model.properties
        currency_key = properties[CURRENCY_PROPERTY].name if CURRENCY_PROPERTY in properties else None
        if currency_key:
            for key, subjects in sorted(self.decimal_columns, key=lambda c: c[0]):
                if key in self.multi:
                    continue
                for s in subjects:
                    props = props_of.get(s)
                    if props is None:
                        continue
                    currency = props.get(currency_key)
                    if isinstance(currency, str):
                        minor = minor_units(props[key])
                        if minor is not None:
                            props[f"{key}_{MINOR_UNIT_SUFFIX.get(currency, 'minor')}"] = minor
        pg = PropertyGraph(triples=self.triples, skipped=self.skipped)
        pg.nodes = {s: (labels[s], props_of[s]) for s in sorted(labels)}
        for _, kept in sorted(self.relationships, key=lambda r: r[0]):
            pg.relationships += kept
        return pg


def to_property_graph(triples: Iterable, model: PGModel | None = None) -> PropertyGraph:
    """Map RDF triples (rdflib, pyoxigraph or lean terms) to a PropertyGraph with the ontology's
    allow-lists (see graph.pg_model)."""
    model = model or derive_model()
    triples = [(_lean(s), _lean(p), _lean(o)) for s, p, o in triples]

    if any(type(s) is Blank or type(o) is Blank for s, _, o in triples):
        by_subject: dict = defaultdict(list)
        for s, p, o in triples:
            by_subject[s].append((p, o))
        names = {b: _skolem(b, by_subject) for b in by_subject if type(b) is Blank}

        def ident(term):
            if type(term) is Blank:
                return names.get(term) or _skolem(term, by_subject)
            return term

        triples = [(ident(s), p, ident(o)) for s, p, o in triples]

    rdf_type = str(RDF.type)
    by_predicate: dict[str, tuple[list, list]] = {}
    for s, p, o in triples:
        got = by_predicate.get(p)
        if got is None:
            got = by_predicate[p] = ([], [])
        got[0].append(s)
        got[1].append(o)
    mapper = _Mapper(model)
    mapper.triples = len(triples)
    if rdf_type in by_predicate:
        mapper.add_types(*by_predicate.pop(rdf_type))
    for p, (subjects, objects) in by_predicate.items():
        mapper.add(p, subjects, objects)
    return mapper.finish()


# --- reading the store --------------------------------------------------------------------------------
#
# Oxigraph keeps every IRI and longer string as an id, and turning an id back into its string is
# one RocksDB lookup of several microseconds: a plain scan of a 5,000-document store (3.7 million
# triples) spends about 40 s on it. map_store therefore reads each predicate with a SPARQL query
# that does not return the predicate, and rdf:type grouped by subject with a VALUES table that gives
# each class's number instead of its IRI, in several processes at once, and maps each part as it
# arrives.

def store_triples(store: Path) -> Iterator[tuple]:
    """Every triple of a built store's default graph, in the lean form (see to_property_graph)."""
    import pyoxigraph as ox

    db = open_read_only(store)
    for quad in db.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield _lean(quad.subject), quad.predicate.value, _lean(quad.object)


_READERS: dict[str, Any] = {}  # per reading process: the store it has open


def _read_part(store: str, part: str, arg=None):
    """One part of the store, for map_store (run in a reading process).

    census: [(predicate, triples)]; types: (subjects, their sorted label tuples) for `arg` = (class
    IRIs, their labels); predicate: _map_part for `arg` = (predicate, its Term or None). None when a
    blank node shows up.
    """
    import pyoxigraph as ox

    db = _READERS.get(store)
    if db is None:
        db = _READERS[store] = open_read_only(store)
    if part == "census":
        return [(p.value, int(n.value)) for p, n in db.query(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")]
    named, literal = ox.NamedNode, ox.Literal
    subjects: list[str] = []
    if part == "types":  # grouped by subject, so that each subject's IRI is looked up once
        classes, names = arg
        table = " ".join(f'({ox.NamedNode(c)} "{i}")' for i, c in enumerate(classes))
        shared: dict[str, tuple[str, ...]] = {}
        label_tuples = []
        for s, numbers in db.query(f"SELECT ?s (GROUP_CONCAT(?i) AS ?t) WHERE {{ VALUES (?c ?i) {{ {table} }} "
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
    for s, o in db.query(f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}"):
        if type(s) is not named:
            return None
        kind = type(o)
        if kind is literal:
            group = literals.get(o.language or o.datatype.value)
            if group is None:
                group = literals[o.language or o.datatype.value] = ([], [])
            group[0].append(s.value)
            group[1].append(o.value)
        elif kind is named:
            iri_s.append(s.value)
            iri_o.append(o.value)
        else:
            return None
    return _map_part(term, predicate, iri_s, iri_o, literals)


def map_remote(url: str, model: PGModel | None = None, progress=None) -> PropertyGraph:
    """The default graph of a SPARQL 1.1 endpoint (graph.remote) as a PropertyGraph, read whole
    with the Graph Store Protocol; `progress(triples done, triples in all)` once it is mapped."""
    import pyoxigraph as ox

    from graph.remote import RemoteStore

    data = RemoteStore(url).get_graph()
    try:
        triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise PolicyKGError(f"SPARQL endpoint {url} sent a graph that is not N-Triples: {_one_line(exc)}") from None
    pg = to_property_graph(((t.subject, t.predicate, t.object) for t in triples), model)
    if progress:
        progress(len(triples), len(triples))
    return pg


def map_store(store: Path, model: PGModel | None = None, workers: int | None = None,
              progress=None) -> PropertyGraph:
    """The store's graph as a PropertyGraph: the same as to_property_graph(store_triples(store)), faster.

    The store is read in parts (the predicate census, rdf:type, each predicate, the largest first)
    by `workers` reading processes at once (default: the number of CPUs, at most MAX_READERS; 1
    reads in this process), and each part is mapped as it arrives; `progress(triples done, triples
    in all)` after each part. A store with blank nodes (a built store has none) is read by
    store_triples instead.
    """
    model = model or derive_model()
    store_dir = str(Path(store).resolve())
    open_read_only(store_dir)  # a missing or broken store fails here, with its own message
    workers = max(1, workers if workers is not None else min(MAX_READERS, os.cpu_count() or 1))
    classes = sorted(model.classes)
    rdf_type = str(RDF.type)
    mapper = _Mapper(model)
    parts: list[tuple[str, Any]] = [("census", None), ("types", (classes, [model.classes[c].name for c in classes]))]

    counts: dict[str, int] = {}  # triples per predicate, from the census
    read: set[str] = set()  # predicates mapped so far

    def apply(part: str, arg, result) -> bool:
        """Map one part; False for a blank node. After the census, the predicates are queued."""
        if result is None:
            return False
        if part == "census":
            counts.update(result)
            mapper.triples = sum(counts.values())
            parts.extend(("predicate", (p, model.properties.get(p)))
                         for n, p in sorted(((n, p) for p, n in result if p != rdf_type), reverse=True))
        elif part == "types":
            mapper.add_labels(*result)
            read.add(rdf_type)
        else:
            mapper.add_part(result)
            read.add(arg[0])
        if progress and counts:  # the parts may come before the census
            progress(sum(counts.get(p, 0) for p in read), mapper.triples)
        return True

    if workers == 1:
        complete = True
        while parts and complete:
            part, arg = parts.pop(0)
            complete = apply(part, arg, _read_part(store_dir, part, arg))
        _READERS.pop(store_dir, None)
    else:
        complete = _read_in_processes(store_dir, workers, parts, apply)
    if not complete:
        return to_property_graph(store_triples(store), model)
    return mapper.finish()


def _reader_main() -> None:
    """A reading process of map_store: the store's path, then (part, arg) requests, on stdin; each
    answer ("ok", result) or ("error", message) on stdout; all pickled. Ends at the end of stdin."""
    import pickle
    import sys

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    store = pickle.load(stdin)
    while True:
        try:
            part, arg = pickle.load(stdin)
        except EOFError:
            return
        try:
            answer = ("ok", _read_part(store, part, arg))
        except Exception as exc:  # noqa: BLE001 - reported by the parent as one line
            answer = ("error", str(exc) if isinstance(exc, PolicyKGError) else f"{type(exc).__name__}: {exc}")
        pickle.dump(answer, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()


def _read_in_processes(store_dir: str, workers: int, parts: list, apply) -> bool:
    """Run the parts on `workers` reading processes (python -c _reader_main, one feeding thread each),
    applying each answer in this thread as it comes; parts that `apply` queues are run too."""
    import pickle
    import queue
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    todo: queue.Queue = queue.Queue()
    answers: queue.Queue = queue.Queue()
    processes = []

    def feed(process) -> None:
        while (item := todo.get()) is not None:
            try:
                pickle.dump(item, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                process.stdin.flush()
                answers.put((item, *pickle.load(process.stdout)))
            except (OSError, EOFError, pickle.UnpicklingError) as exc:
                answers.put((item, "lost", str(exc)))
                return

    threads = []
    finished = False
    try:
        for _ in range(workers):
            process = subprocess.Popen([sys.executable, "-c", "from graph.neo4j import _reader_main; _reader_main()"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            processes.append(process)
            pickle.dump(store_dir, process.stdin)
            threads.append(threading.Thread(target=feed, args=(process,), daemon=True, name="policykg-store-reader"))
            threads[-1].start()
        waiting = 0
        while True:
            while parts:
                todo.put(parts.pop(0))
                waiting += 1
            if not waiting:
                finished = True
                return True
            (part, arg), status, result = answers.get()
            waiting -= 1
            if status != "ok":
                detail = result if status == "error" else _reader_failure(processes, result)
                raise PolicyKGError(f"reading the store {store_dir} failed: {detail}")
            if not apply(part, arg, result):
                return False
    finally:
        for _ in threads:
            todo.put(None)
        for process in processes:
            try:
                process.stdin.close()
            except OSError:
                pass
        for process in processes:
            if not finished:  # it may be in the middle of a part nobody will read: stop it
                process.kill()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()
            process.stderr.close()


def _reader_failure(processes, fallback: str) -> str:
    """The last line a dead reading process wrote to stderr (a traceback's last line), else `fallback`."""
    for process in processes:
        if process.poll() is not None:
            lines = process.stderr.read().decode(errors="replace").strip().splitlines()
            if lines:
                return f"a reading process ended: {lines[-1]}"
    return f"a reading process ended: {fallback}"


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
    repaired: str = ""  # what was wrong with the graph before this load (a load cut short, ...)

    def lines(self) -> list[str]:
        out = [f"repaired: {self.repaired}"] if self.repaired else []
        out += [f"triples read: {self.triples}", f"nodes: {self.nodes}", f"relationships: {self.relationships}",
               f"stale nodes removed: {self.stale_nodes}",
               f"stale relationships removed: {self.stale_relationships}", f"load id: {self.load_id}"]
        if self.skipped.get(_NO_CLASS):
            out.append(f"ontology declaration triples (not data): {self.skipped[_NO_CLASS]}")
        others = {k: v for k, v in self.skipped.items() if k != _NO_CLASS}
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


def load_problem(tx) -> str:
    """What is wrong with the graph in Neo4j, or "" when the last load finished (or nothing was ever
    loaded and the database holds no policykg node); `tx` is a transaction or session."""
    record = tx.run(f"OPTIONAL MATCH (m:{LOAD_LABEL} {{name: 'policykg'}}) RETURN m.state AS state, "
                    "m.load_id AS load_id, m.loading_id AS loading_id, m.nodes AS expected").single()
    # On its own, so that Neo4j answers from its count store instead of scanning the nodes.
    nodes = tx.run(f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n) AS n").single()["n"]
    state, expected = record["state"], record["expected"]
    if state is None:
        return f"{nodes} nodes with no record of a finished load" if nodes else ""
    if state != "complete":
        return f"a load was cut short ({nodes} nodes of load {record['loading_id']})"
    if nodes != expected:
        return f"the graph holds {nodes} nodes, the last load ({record['load_id']}) wrote {expected}"
    return ""


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

    from concurrent.futures import ThreadPoolExecutor

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
        with driver.session(database=_database(settings)) as session:
            report.repaired = session.execute_read(load_problem)
        report.stale_nodes, report.stale_relationships = write_property_graph(
            driver, _database(settings), pg, model, batch_size, progress, report.load_id)
    report.write_seconds = time.perf_counter() - t0
    return report


def load(store: Path | str, settings: dict, batch_size: int = BATCH_SIZE, progress=None,
         read_progress=None) -> LoadReport:
    """Load the graph of a store folder or of a SPARQL endpoint URL (map_remote) into Neo4j; see
    the module docstring. A store folder's property-graph rows, written by the build
    (graph.pg_rows), are read as they are; a store without them is mapped (map_store). The server
    is checked first, so a wrong login or a stopped server fails before the store is read.
    `read_progress(triples done, triples in all)` follows the reading, `progress(rows)` the writing."""
    from graph.pg_rows import read_rows
    from graph.remote import is_remote

    model = derive_model()
    with connect(settings):
        pass
    t0 = time.perf_counter()
    load_id = None
    if is_remote(store):
        pg = map_remote(str(store), model, read_progress)
    else:
        open_read_only(store)  # a missing or broken store fails here, with its own message
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


_DRIVERS: dict[tuple, Any] = {}
_DRIVERS_LOCK = threading.Lock()
_PLAIN_TYPES = (str, int, float, bool, type(None))


def shared_driver(settings: dict):
    """One verified driver per server and login for the whole process, reused by every query (a new
    driver costs a connection and a handshake: 20 ms instead of 5 for `RETURN 1`); closed at exit."""
    import atexit

    key = (settings.get("uri"), settings.get("user"), settings.get("password"))
    with _DRIVERS_LOCK:
        held = _DRIVERS.get(key)
        if held is None:
            manager = connect(settings)  # kept with the driver: its exit closes the driver
            held = _DRIVERS[key] = (manager, manager.__enter__())
            if len(_DRIVERS) == 1:
                atexit.register(close_drivers)
        return held[1]


def close_drivers() -> None:
    """Close every shared driver (at exit, or when a test restarts the server)."""
    with _DRIVERS_LOCK:
        held = list(_DRIVERS.values())
        _DRIVERS.clear()
    for manager, _ in held:
        manager.__exit__(None, None, None)


def run_read(settings: dict, cypher: str, params: dict | None = None, timeout_s: float | None = 30.0,
             limit: int | None = None, plan_check=None,
             require_complete_load: bool = False) -> tuple[list[str], list[tuple], bool]:
    """Run one query in a READ transaction on the shared driver, its records fetched in one piece
    (`limit` + 1 at most, to tell a truncated result); returns (columns, rows, truncated at `limit`).

    With `plan_check` (graph.guard.check_cypher_plan for a user's query), the server first plans the
    query (EXPLAIN, in the same transaction) and `plan_check(plan)` may refuse it before it runs.
    With `require_complete_load`, a graph whose last load did not finish (`load_problem`) is refused
    with one line rather than answered from."""
    import neo4j

    @neo4j.unit_of_work(timeout=timeout_s)
    def work(tx):
        problem = load_problem(tx) if require_complete_load else ""
        if problem:
            raise PolicyKGError(f"the graph in Neo4j is incomplete: {problem}; run `policykg neo4j load` "
                                "to repair it")
        if plan_check is not None:
            plan_check(tx.run("EXPLAIN " + cypher, params or {}).consume().plan)
        result = tx.run(cypher, params or {})
        columns = list(result.keys())
        values = [r.values() for r in result.fetch(limit + 1)] if limit is not None else result.values()
        result.consume()
        truncated = limit is not None and len(values) > limit
        rows = [tuple(v if type(v) in _PLAIN_TYPES else plain(v) for v in row) for row in values[:limit]]
        return columns, rows, truncated

    driver = shared_driver(settings)
    try:
        with driver.session(database=_database(settings), default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)
    except PolicyKGError:
        raise
    except Exception as exc:  # noqa: BLE001 - every driver failure becomes one line
        raise translate(exc, settings, "the query") from exc


def settings_from(uri=None, user=None, password=None, database=None) -> dict:
    """Command-line values over NEO4J_* variables over the local server's defaults."""
    from policykg.config import neo4j_settings

    s = neo4j_settings()
    for key, value in (("uri", uri), ("user", user), ("password", password), ("database", database)):
        if value:
            s[key] = value
    return s
