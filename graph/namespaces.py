"""Every namespace IRI the graph uses, defined once; code imports them from here.

`PREFIXES` is the prefix table used for export, SPARQL defaults and readable messages.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS

BASE = "https://w3id.org/policykg/"

# ours
PKG = Namespace(BASE + "ontology#")  # classes and properties of ontology/policykg.ttl
ONTOLOGY = URIRef(BASE + "ontology")  # the owl:Ontology itself
CAT = Namespace(BASE + "category/")  # SKOS concepts of ontology/categories.ttl
CATEGORY_SCHEME = URIRef(BASE + "category")
INSTRUMENT = Namespace(BASE + "instrument/")  # pkg:Instrument individuals
PER = Namespace(BASE + "per/")  # pkg:PerBasis individuals: what a cap or award is per
PERIOD = Namespace(BASE + "period/")  # pkg:Period individuals: one-time, yearly, term
METRIC = Namespace(BASE + "metric/")  # pkg:Metric individuals: what a threshold measures
STATUS = Namespace(BASE + "status/")  # pkg:DocumentStatus individuals: draft, in-force, repealed, unknown
REQUIREMENT = Namespace(BASE + "requirement/")  # pkg:RequirementKind individuals: new-build, ...
ID = Namespace(BASE + "id/")  # minted instance IRIs (documents, clauses, amounts, ...)
SHAPES = Namespace(BASE + "shapes#")  # SHACL shapes of ontology/shapes.ttl

# reused standard vocabularies
ELI = Namespace("http://data.europa.eu/eli/ontology#")
CCCEV = Namespace("http://data.europa.eu/m8g/")  # CCCEV and the CPSV-AP/CPOV core terms
CPSV = Namespace("http://purl.org/vocab/cpsv#")
SCHEMA = Namespace("https://schema.org/")
# plain Namespaces (rdflib's closed TIME and XSD warn on every unknown attribute lookup, which
# pytest's doctest collector makes for every module that imports them)
TIME = Namespace("http://www.w3.org/2006/time#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

PREFIXES: dict[str, str] = {
    "pkg": str(PKG),
    "cat": str(CAT),
    "instrument": str(INSTRUMENT),
    "per": str(PER),
    "period": str(PERIOD),
    "metric": str(METRIC),
    "status": str(STATUS),
    "requirement": str(REQUIREMENT),
    "id": str(ID),
    "eli": str(ELI),
    "cccev": str(CCCEV),
    "cpsv": str(CPSV),
    "schema": str(SCHEMA),
    "time": str(TIME),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
}

__all__ = [
    "BASE", "PKG", "ONTOLOGY", "CAT", "CATEGORY_SCHEME", "INSTRUMENT", "PER", "PERIOD", "METRIC", "STATUS",
    "REQUIREMENT", "ID",
    "SHAPES", "ELI", "CCCEV", "CPSV", "SCHEMA", "TIME", "PROV", "DCTERMS", "SKOS", "OWL", "RDF",
    "RDFS", "XSD", "SH", "PREFIXES",
]


def bind_prefixes(graph) -> None:
    """Bind every prefix of `PREFIXES` on an rdflib graph (for Turtle and JSON-LD output)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)


def compact(iri: str) -> str:
    """`iri` shortened with the longest matching prefix, for messages and tables.

    >>> compact("https://w3id.org/policykg/id/clause/wenzhou-2022-60/1.2/c1")
    'id:clause/wenzhou-2022-60/1.2/c1'
    >>> compact("http://example.org/x")
    'http://example.org/x'
    """
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri
