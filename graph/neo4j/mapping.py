"""RDF triples to property-graph rows: nodes by IRI with labels and properties, relationships.

`to_property_graph` maps triples (rdflib, pyoxigraph or lean terms) with the allow-lists of
graph.pg_model, derived from the ontology: label and relationship-type names come only from them,
never from the data. A subject is a node when it has an ontology class; its datatype properties
become properties (exact decimals stay text, with an added amount in minor units when the node
says its currency), its object properties relationships. Blank nodes get a stable IRI from their
own triples. `Mapper` also takes a graph in parts (rdf:type, then one part per predicate), which
is how graph.neo4j.store_reader maps a built store without materialising its triples.

Triples are mapped in a lean form: an IRI is a plain str, a blank node a Blank (a str subclass)
and a literal a tuple (lexical form, datatype IRI or None, language tag or None). rdflib and
pyoxigraph terms are turned into it by `lean`.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from graph.namespaces import RDF, XSD
from graph.pg_model import (
    CURRENCY_PROPERTY,
    MINOR_UNIT_SUFFIX,
    MINOR_UNITS_PER_UNIT,
    PGModel,
    Term,
    derive_model,
    property_key,
)
from policykg.errors import PolicyKGError

_INT64 = 2 ** 63
_BNODE_PREFIX = "urn:policykg:bnode:"
_RESERVED = ("iri", "load_id")
# The reason counted for triples whose subject is not a node: the ontology's own declarations.
NO_CLASS = "subject has no ontology class (ontology declarations)"


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


def lean(term):
    """An rdflib or pyoxigraph term (or an already lean one) in the lean form."""
    kind = type(term)
    if kind is str or kind is tuple or kind is Blank:
        return term
    if isinstance(term, Literal):
        return (str(term), str(term.datatype) if term.datatype is not None else None, term.language or None)
    if isinstance(term, BNode):
        return Blank(term)
    if isinstance(term, URIRef):
        return str(term)
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
    """Lean (subject, object) rows as map_part takes them: (subjects and objects of the IRI
    objects, {language tag or datatype: (subjects, lexical forms)} of the literals)."""
    iri_s: list = []
    iri_o: list = []
    literals: dict[str, tuple[list, list]] = {}
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


def map_part(term: Term | None, predicate: str, iri_s: list, iri_o: list, literals: dict) -> dict:
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
            ok: dict[bool, tuple[list, list]] = {}
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
            counted = Counter(subs)
            part["repeated"][key] = {s for s, n in counted.items() if n > 1}
    return part


class Mapper:
    """Builds a PropertyGraph from the parts of a graph: all of rdf:type (`add_labels` or
    `add_types`) and one part per other predicate (`add` or `add_part`), in any order.

    Which subjects are nodes (have an ontology class) is known once rdf:type is in; parts that
    come before are kept until then, and each part after is written into the nodes at once.
    """

    def __init__(self, model: PGModel):
        self.model = model
        self.labels: dict[str, tuple[str, ...]] | None = None
        self.props: dict[str, dict[str, Any]] = {}
        self.iris: dict[str, str] = {}  # every node's IRI to itself: relationships share these strings
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
        self.iris = {s: s for s in self.labels}
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
        self.add_part(map_part(self.model.properties.get(predicate), predicate, *_split_rows(subjects, objects)))

    def _count(self, reason: str, n: int) -> None:
        if n:
            self.skipped[reason] += n

    def add_part(self, part: dict) -> None:
        """A predicate's triples as map_part gives them."""
        labels = self.labels
        if labels is None:
            self.waiting.append(part)
            return
        is_node = labels.__contains__
        for s, exc in part["failed"]:
            if s in labels:
                raise exc
        self._count(NO_CLASS, len(part["failed"]))
        for reason, subjects in part["unmapped"]:
            in_nodes = sum(map(is_node, subjects))
            self._count(reason, in_nodes)
            self._count(NO_CLASS, len(subjects) - in_nodes)

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
        self._count(NO_CLASS, missing)

        if part["relationships"] is not None:
            rel_type, iri, subjects, objects = part["relationships"]
            node = self.iris.get  # the node's own IRI string: a million relationships hold no copies
            kept = [(rel_type, s, o) for s, o in zip(map(node, subjects), map(node, objects))
                    if s is not None and o is not None]
            if len(kept) != len(subjects):
                from_nodes = sum(map(is_node, subjects))
                self._count(NO_CLASS, len(subjects) - from_nodes)
                self._count(f"object has no ontology class: {iri}", from_nodes - len(kept))
            self.relationships.append((rel_type, kept))

    def finish(self) -> PropertyGraph:
        if self.labels is None:
            self.add_labels([], [])
        labels: dict[str, tuple[str, ...]] = self.labels or {}
        props_of = self.props
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
    triples = [(lean(s), lean(p), lean(o)) for s, p, o in triples]

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
    mapper = Mapper(model)
    mapper.triples = len(triples)
    if rdf_type in by_predicate:
        mapper.add_types(*by_predicate.pop(rdf_type))
    for p, (subjects, objects) in by_predicate.items():
        mapper.add(p, subjects, objects)
    return mapper.finish()
