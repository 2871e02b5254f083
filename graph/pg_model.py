"""The property-graph model (Neo4j labels, relationship types, property keys), derived from the ontology.

Nothing here is a second, hand-kept model: `derive_model()` reads ontology/*.ttl and turns it into
allow-lists and names by fixed rules, and graph.neo4j applies them to a built graph:

* every class declared in the ontology (``a owl:Class``) is a node label, named by its local
  name (``pkg:Incentive`` -> ``Incentive``, ``skos:Concept`` -> ``Concept``); every node also
  has the label ``Resource`` and its IRI in the property ``iri``;
* every object property is a relationship type, its local name in UPPER_SNAKE
  (``pkg:fundedBy`` -> ``FUNDED_BY``, ``eli:is_part_of`` -> ``IS_PART_OF``);
* every datatype or annotation property (and rdfs:label, rdfs:comment) is a node property named
  by its local name; a language-tagged value goes to ``<name>_<lang>`` (``label_zh``,
  ``label_en``) so that languages never overwrite each other;
* when two declared terms share a local name (``eli:title``, ``dcterms:title``), each of them
  is named ``<prefix>_<local>`` (``eli_title``), except that a pkg: term keeps the bare name.

Only names on these allow-lists ever reach Cypher text; values always travel as parameters.
docs/property-graph.md explains the value mapping (decimals, money, dates, lists); `markdown()`
renders the tables that document the model and a test keeps the document in step with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graph.namespaces import OWL, PREFIXES, RDF, RDFS, SCHEMA, SH, SKOS
from policykg.config import ontology_dir
from policykg.errors import PolicyKGError

RESOURCE_LABEL = "Resource"
# RDFS's own annotation properties are used on every node but declared by no ontology file.
BUILTIN_ANNOTATIONS = (str(RDFS.label), str(RDFS.comment))
# A node with this property holds money in that currency: its decimals also get minor units.
CURRENCY_PROPERTY = str(SCHEMA.currency)
MINOR_UNIT_SUFFIX = {"CNY": "fen", "USD": "cents"}
MINOR_UNITS_PER_UNIT = 100

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Term:
    """One ontology term and the name it gets in the property graph."""

    iri: str
    kind: str  # class | object | datatype | annotation
    name: str  # label, relationship type or property key
    label_en: str = ""
    single: bool = False  # declared single-valued (per language for language-tagged values)


@dataclass
class PGModel:
    """Allow-lists from the ontology: class IRI -> Term, property IRI -> Term."""

    classes: dict[str, Term] = field(default_factory=dict)
    properties: dict[str, Term] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return sorted(t.name for t in self.classes.values())

    @property
    def relationship_types(self) -> list[str]:
        return sorted(t.name for t in self.properties.values() if t.kind == "object")

    def label(self, class_iri: str) -> str | None:
        term = self.classes.get(class_iri)
        return term.name if term else None


def local_name(iri: str) -> str:
    """The part after the last '#' or '/'.

    >>> local_name("https://w3id.org/policykg/ontology#fundedBy"), local_name("http://purl.org/dc/terms/title")
    ('fundedBy', 'title')
    """
    return re.split(r"[#/]", iri.rstrip("#/"))[-1]


def prefix_of(iri: str) -> str:
    """The prefix (graph.namespaces.PREFIXES) whose namespace is the longest match, else 'ns'."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return best or "ns"


def upper_snake(name: str) -> str:
    """A relationship type from a property's local name.

    >>> upper_snake("fundedBy"), upper_snake("is_part_of"), upper_snake("inXSDDate"), upper_snake("id_local")
    ('FUNDED_BY', 'IS_PART_OF', 'IN_XSD_DATE', 'ID_LOCAL')
    """
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return re.sub(r"_+", "_", s.replace("-", "_")).upper()


def property_key(name: str, lang: str | None = None) -> str:
    """The node property key for a literal of a property named `name` (and its language tag).

    >>> property_key("label", "zh"), property_key("label", "zh-Hans"), property_key("text")
    ('label_zh', 'label_zh_hans', 'text')
    """
    if not lang:
        return name
    return f"{name}_{re.sub(r'[^a-z0-9]+', '_', lang.lower()).strip('_')}"


def _check_name(name: str, iri: str) -> str:
    if not _NAME.fullmatch(name):
        raise PolicyKGError(f"ontology term {iri} gives the property-graph name {name!r}, which is not "
                            "a plain identifier: rename the term in ontology/")
    return name


def _names(iris: list[str], transform) -> dict[str, str]:
    """Local names, made unique: clashing terms are prefixed, except a pkg: term."""
    by_local: dict[str, list[str]] = {}
    for iri in iris:
        by_local.setdefault(local_name(iri), []).append(iri)
    out = {}
    for local, group in by_local.items():
        for iri in group:
            prefix = prefix_of(iri)
            clash = len(group) > 1 and prefix != "pkg"
            out[iri] = _check_name(transform(f"{prefix}_{local}" if clash else local), iri)
    seen: dict[str, str] = {}
    for iri, name in out.items():
        if name in seen:
            raise PolicyKGError(f"ontology terms {seen[name]} and {iri} both map to {name!r} in the "
                                "property graph: rename one in ontology/")
        seen[name] = iri
    return out


def derive_model(folder: Path | None = None) -> PGModel:
    """The model for the ontology files of `folder` (default: the project's ontology/)."""
    return _derive(str(folder or ontology_dir()))


@lru_cache(maxsize=4)
def _derive(folder: str) -> PGModel:
    import rdflib

    g = rdflib.Graph()
    files = sorted(Path(folder).glob("*.ttl"))
    if not files:
        raise PolicyKGError(f"no ontology files (*.ttl) in {folder}")
    for path in files:
        try:
            g.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several parser exception types
            raise PolicyKGError(f"{path}: cannot parse the ontology ({exc})") from exc

    def en_label(iri) -> str:
        labels = {lit.language: str(lit) for lit in g.objects(iri, RDFS.label) if isinstance(lit, rdflib.Literal)}
        return labels.get("en") or labels.get(None) or ""

    classes = sorted(str(c) for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, rdflib.URIRef))
    kinds: dict[str, str] = {}
    for kind, cls in (("object", OWL.ObjectProperty), ("datatype", OWL.DatatypeProperty),
                      ("annotation", OWL.AnnotationProperty)):
        for p in g.subjects(RDF.type, cls):
            if isinstance(p, rdflib.URIRef):
                kinds.setdefault(str(p), kind)
    for iri in BUILTIN_ANNOTATIONS:
        kinds.setdefault(iri, "annotation")

    single = {str(p) for p in g.subjects(RDF.type, OWL.FunctionalProperty)}
    for shape_prop in g.subjects(SH.path, None):
        shape_path = g.value(shape_prop, SH.path)
        max_count = g.value(shape_prop, SH.maxCount)
        unique_lang = g.value(shape_prop, SH.uniqueLang)
        if (isinstance(max_count, rdflib.Literal) and int(max_count) <= 1) or \
                (isinstance(unique_lang, rdflib.Literal) and bool(unique_lang.toPython())):
            single.add(str(shape_path))
    # SKOS allows one preferred label per language; rdfs:label is used the same way here.
    single.update((str(SKOS.prefLabel), str(RDFS.label)))

    model = PGModel()
    class_names = _names(classes, lambda s: s)
    if RESOURCE_LABEL in class_names.values():
        raise PolicyKGError(f"an ontology class is named {RESOURCE_LABEL}, the label every node gets: rename it")
    for iri, name in class_names.items():
        model.classes[iri] = Term(iri, "class", name, en_label(rdflib.URIRef(iri)))
    objects = sorted(p for p, k in kinds.items() if k == "object")
    literals = sorted(p for p, k in kinds.items() if k != "object")
    for iri, name in _names(objects, upper_snake).items():
        model.properties[iri] = Term(iri, "object", name, en_label(rdflib.URIRef(iri)), iri in single)
    for iri, name in _names(literals, lambda s: s).items():
        model.properties[iri] = Term(iri, kinds[iri], name, en_label(rdflib.URIRef(iri)), iri in single)
    return model


def compact(iri: str) -> str:
    prefix = prefix_of(iri)
    return f"{prefix}:{iri[len(PREFIXES[prefix]):]}" if prefix in PREFIXES else iri


def markdown(model: PGModel | None = None) -> str:
    """The model as Markdown tables: labels, relationship types, property keys."""
    model = model or derive_model()
    lines = ["| node label | ontology class | meaning |", "| --- | --- | --- |",
             f"| `{RESOURCE_LABEL}` | (every node) | anything with an IRI; `iri` is unique |"]
    for t in sorted(model.classes.values(), key=lambda t: t.name):
        lines.append(f"| `{t.name}` | `{compact(t.iri)}` | {t.label_en} |")
    lines += ["", "| relationship type | ontology property | meaning |", "| --- | --- | --- |"]
    for t in sorted((t for t in model.properties.values() if t.kind == "object"), key=lambda t: t.name):
        lines.append(f"| `{t.name}` | `{compact(t.iri)}` | {t.label_en} |")
    lines += ["", "| property key | ontology property | kind | single-valued |", "| --- | --- | --- | --- |"]
    for t in sorted((t for t in model.properties.values() if t.kind != "object"), key=lambda t: t.name):
        lines.append(f"| `{t.name}` | `{compact(t.iri)}` | {t.kind} | {'yes' if t.single else 'no'} |")
    return "\n".join(lines) + "\n"
