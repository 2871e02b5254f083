"""The ontology as the one vocabulary: its graph (ontology/policykg.ttl and categories.ttl, parsed
once per process) and every term's label in Chinese and English, for the graph writer, the list
renderings, the app and the CLI alike.

A term is named by its kind and its slug, the value the clause models hold: ("instrument",
"per-unit"), ("per", "site"), ("metric", "days"), ("role", "cap"), ("category", "independent-site"),
("kind", "incentive"), ("status", "draft"), ("requirement", "new-build"). Roles and clause kinds are ontology classes, named by the tables below.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from graph.iris import segment
from graph.namespaces import (
    CAT,
    INSTRUMENT,
    METRIC,
    OWL,
    PER,
    PKG,
    RDF,
    RDFS,
    REQUIREMENT,
    SKOS,
    STATUS,
    bind_prefixes,
)
from policykg.config import ontology_dir

ONTOLOGY_FILES = ("policykg.ttl", "categories.ttl")

COMPARISONS = {">=": PKG.atLeast, ">": PKG.moreThan, "<=": PKG.atMost, "<": PKG.lessThan}

# what a clause model's amount role is, as an ontology class
AMOUNT_CLASSES = {
    "award": PKG.Award, "cap": PKG.Cap, "per-unit": PKG.PerUnitAmount, "bonus": PKG.BonusAmount,
    "tier": PKG.TierAmount, "pool": PKG.Pool,
}

# what kind of clause a clause model is, as an ontology class (a subclass of pkg:Clause)
CLAUSE_CLASSES = {
    "incentive": PKG.Incentive, "measure": PKG.Measure, "target": PKG.Target,
    "general": PKG.GeneralProvision,
}

# the kinds of term a clause model holds, and the class (or scheme) whose members they are
KINDS = {"instrument": PKG.Instrument, "per": PKG.PerBasis, "metric": PKG.Metric, "category": SKOS.Concept,
         "status": PKG.DocumentStatus, "requirement": PKG.RequirementKind}
_NAMESPACES = {"instrument": INSTRUMENT, "per": PER, "metric": METRIC, "category": CAT, "status": STATUS,
               "requirement": REQUIREMENT}
_CLASS_TABLES = {"role": AMOUNT_CLASSES, "kind": CLAUSE_CLASSES}


@cache
def _ontology_triples(folder: str) -> tuple:
    g = Graph()
    for name in ONTOLOGY_FILES:
        g.parse(Path(folder) / name, format="turtle")
    return tuple(g)


def ontology_graph() -> Graph:
    """The ontology and the category scheme as one graph (parsed once per process)."""
    g = Graph()
    bind_prefixes(g)
    for triple in _ontology_triples(str(ontology_dir())):
        g.add(triple)
    return g


@cache
def _labels() -> dict[str, dict[str, str]]:
    """{IRI: {language: label}} of every labelled resource (skos:prefLabel before rdfs:label)."""
    g = ontology_graph()
    out: dict[str, dict[str, str]] = {}
    for prop in (RDFS.label, SKOS.prefLabel):
        for s, o in g.subject_objects(prop):
            if isinstance(o, Literal) and o.language:
                out.setdefault(str(s), {})[o.language] = str(o)
    return out


@cache
def symbols() -> dict[str, str]:
    """The comparison individuals' symbols (pkg:atLeast -> ">="), by IRI."""
    return {str(s): str(o) for s, o in ontology_graph().subject_objects(PKG.symbol)}


def term_iri(kind: str, slug: str) -> URIRef:
    """The IRI of the term `slug` of `kind`.

    >>> str(term_iri("per", "site")), str(term_iri("role", "per-unit"))
    ('https://w3id.org/policykg/per/site', 'https://w3id.org/policykg/ontology#PerUnitAmount')
    """
    if kind in _CLASS_TABLES:
        return _CLASS_TABLES[kind][slug]
    return _NAMESPACES[kind][segment(slug)]


def label(iri: URIRef | str, lang: str) -> str | None:
    """The label of `iri` in `lang` ("zh" or "en"), or None when the ontology gives none."""
    return _labels().get(str(iri), {}).get(lang)


def term_label(kind: str, slug: str, lang: str) -> str | None:
    """The label of a clause-model value in `lang`, or None for a slug the ontology does not declare.

    >>> term_label("metric", "days", "zh"), term_label("per", "activity", "en")
    ('天数', 'per activity')
    >>> term_label("per", "galaxy", "en") is None, term_label("colour", "red", "en") is None
    (True, True)
    >>> term_label("kind", "incentive", "zh")
    '激励措施'
    """
    if kind not in _NAMESPACES and kind not in _CLASS_TABLES:
        return None
    if kind in _CLASS_TABLES and slug not in _CLASS_TABLES[kind]:
        return None
    return label(term_iri(kind, slug), lang)


def terms(kind: str) -> list[str]:
    """Every slug of `kind` the ontology declares, sorted (roles and clause kinds: those of the
    tables above whose class the ontology declares).

    >>> terms("kind")
    ['general', 'incentive', 'measure', 'target']
    """
    if kind in _CLASS_TABLES:
        declared = set(ontology_graph().subjects(RDF.type, OWL.Class))
        return sorted(slug for slug, cls in _CLASS_TABLES[kind].items() if cls in declared)
    g = ontology_graph()
    base = str(_NAMESPACES[kind])
    return sorted(str(s)[len(base):] for s in g.subjects(RDF.type, KINDS[kind])
                  if str(s).startswith(base))


def card_wording(requirement: str, lang: str, direct: bool = False) -> str | None:
    """How a compare card states a requirement of kind `requirement` in `lang`, with {scope} and {value}
    to fill in (pkg:cardWording; pkg:directWording for a domain held directly); None for a kind the
    ontology does not declare.

    >>> card_wording("new-build", "zh"), card_wording("operating-time", "en")
    ('新建{scope}', 'in operation ≥ {value}')
    >>> card_wording("domain-ownership", "zh", direct=True), card_wording("galaxy", "en") is None
    ('直接持有{scope}域名 ≥ {value}', True)
    """
    iri = str(term_iri("requirement", requirement))
    props = (PKG.directWording, PKG.cardWording) if direct else (PKG.cardWording,)
    return next((text for prop in props if (text := _wordings().get((iri, str(prop), lang)))), None)


@cache
def _wordings() -> dict[tuple[str, str, str], str]:
    """{(IRI, wording property, language): text} of the requirement kinds' card wordings."""
    g = ontology_graph()
    return {(str(s), str(p), o.language): str(o) for p in (PKG.cardWording, PKG.directWording)
            for s, o in g.subject_objects(p) if isinstance(o, Literal) and o.language}
