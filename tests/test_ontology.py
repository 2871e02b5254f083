"""The ontology (ontology/policykg.ttl), the category scheme it must cover, and the SHACL shapes
(ontology/shapes.ttl) on the pass and fail example graphs of tests/shapes/.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

import graph.namespaces as ns
from graph.rdf import ontology_graph
from graph.shacl import validate

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
EXAMPLES = Path(__file__).resolve().parent / "shapes"
CODE = sorted((ROOT / "graph").glob("*.py")) + sorted((ROOT / "policykg" / "commands").glob("*.py"))
# namespace objects of graph/namespaces.py whose terms must be declared in ontology/*.ttl
CHECKED = ("PKG", "ELI", "CCCEV", "CPSV", "SCHEMA", "TIME", "PROV", "DCTERMS", "SKOS")
TERM_KINDS = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
              RDF.Property}


def _parse(*names: str) -> Graph:
    g = Graph()
    for name in names:
        g.parse(ONTOLOGY / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def onto() -> Graph:
    return _parse("policykg.ttl", "categories.ttl")


def _declared(g: Graph) -> set[URIRef]:
    return {s for s, _, o in g.triples((None, RDF.type, None)) if o in TERM_KINDS}


def _typed(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}


def _used_in_code() -> set[tuple[str, str, Path]]:
    """(namespace, local name, file) for every NS.name and NS["name"] in graph/ and the commands."""
    pattern = re.compile(rf"\b({'|'.join(CHECKED)})(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\"([^\"]+)\"\])")
    used = set()
    for path in CODE:
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            used.add((m.group(1), m.group(2) or m.group(3), path))
    return used


def test_every_term_the_code_uses_exists_in_the_ontology(onto):
    declared = _declared(onto) | _typed(onto)
    used = _used_in_code()
    assert len(used) > 100
    wrong = []
    for space, name, path in sorted(used):
        try:
            term = getattr(getattr(ns, space), name)
        except AttributeError:
            term = None
        if not isinstance(term, URIRef):
            wrong.append(f"{path.name}: {space}.{name} is not a term (a str method?): write {space}[\"{name}\"]")
        elif term not in declared:
            wrong.append(f"{path.name}: {space}.{name} = {term} is not declared in ontology/*.ttl")
    assert not wrong, "\n".join(wrong)


def test_ontology_files_have_no_blank_nodes(onto):
    assert not [t for t in onto if any(isinstance(x, BNode) for x in t)]


def test_every_pkg_term_has_a_zh_and_an_en_label(onto):
    terms = {t for t in _declared(onto) | _typed(onto) if str(t).startswith(str(ns.BASE))}
    missing = sorted(str(t) for t in terms
                     if {label.language for label in onto.objects(t, RDFS.label) if isinstance(label, Literal)} < {"zh", "en"}
                     and (t, RDF.type, ns.SKOS.Concept) not in onto and t != ns.CATEGORY_SCHEME)
    assert not missing, f"without both a zh and an en rdfs:label: {missing}"


def test_pkg_classes_and_properties_are_typed(onto):
    for s in set(onto.subjects()):
        if str(s).startswith(str(ns.PKG)):
            assert (s, RDF.type, None) in onto, f"{s} has no rdf:type"


def test_instruments_and_per_bases_named_in_the_issue(onto):
    instruments = {str(s).removeprefix(str(ns.INSTRUMENT)) for s in onto.subjects(RDF.type, ns.PKG.Instrument)}
    assert {"proportional", "fixed", "per-unit", "tiered", "case-by-case", "reference"} <= instruments
    per = {str(s).removeprefix(str(ns.PER)) for s in onto.subjects(RDF.type, ns.PKG.PerBasis)}
    assert {"enterprise", "site", "booth", "year", "event", "person", "operator", "all-enterprises",
            "institution", "store", "platform", "warehouse", "project", "flight", "session", "center",
            "brand", "activity"} <= per


def test_category_scheme_is_complete_skos(onto):
    concepts = set(onto.subjects(RDF.type, ns.SKOS.Concept))
    assert len(concepts) > 20
    for concept in concepts:
        assert (concept, ns.SKOS.inScheme, ns.CATEGORY_SCHEME) in onto
        assert {label.language for label in onto.objects(concept, ns.SKOS.prefLabel)} == {"zh", "en"}
        for broader in onto.objects(concept, ns.SKOS.broader):
            assert broader in concepts


def test_reused_vocabularies_are_the_standard_iris():
    assert str(ns.ELI) == "http://data.europa.eu/eli/ontology#"
    assert str(ns.CCCEV.Criterion) == "http://data.europa.eu/m8g/Criterion"
    assert str(ns.CPSV.PublicService) == "http://purl.org/vocab/cpsv#PublicService"
    assert str(ns.SCHEMA.MonetaryAmount) == "https://schema.org/MonetaryAmount"
    assert str(ns.TIME.Interval) == "http://www.w3.org/2006/time#Interval"


def test_shapes_only_name_declared_terms(onto):
    shapes = _parse("shapes.ttl")
    declared = _declared(onto) | {RDFS.label}
    for prop in (SH.targetClass, SH["class"], SH.path, SH.lessThanOrEquals):
        for term in shapes.objects(None, prop):
            if isinstance(term, URIRef):
                assert term in declared, f"shapes.ttl: {prop} {term} is not declared in the ontology"
    for term in shapes.objects(None, SH.targetNode):
        assert term in declared


# --- SHACL on the example graphs ------------------------------------------------------------------

def _example(path: Path) -> Graph:
    """The example on top of the ontology, as the build does (instrument, per... individuals)."""
    g = ontology_graph()
    g.parse(path, format="turtle")
    return g


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("pass-*.ttl")), ids=lambda p: p.stem)
def test_pass_examples_conform(path):
    conforms, messages = validate(_example(path))
    assert conforms, "\n".join(messages)


def test_pass_example_offsets_are_the_corpus_text():
    g = Graph().parse(EXAMPLES / "pass-wenzhou-item-2.ttl", format="turtle")
    clause = URIRef("https://w3id.org/policykg/id/clause/wenzhou-2022-60/1.2/c1")
    text = (ROOT / "corpus" / "wenzhou-2022-60.txt").read_text(encoding="utf-8")
    start, end = (g.value(clause, p).toPython() for p in (ns.PKG.sourceStart, ns.PKG.sourceEnd))
    assert text[start:end].replace("\n", "") == str(g.value(clause, ns.PKG.text))


FAIL_EXAMPLES = sorted(EXAMPLES.glob("fail-*.ttl"))


@pytest.mark.parametrize("path", FAIL_EXAMPLES, ids=lambda p: p.stem)
def test_fail_examples_are_reported(path):
    expected = [line.split("expect:", 1)[1].strip()
                for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# expect:")]
    assert expected, f"{path.name} has no '# expect:' line"
    conforms, messages = validate(_example(path))
    assert not conforms
    for text in expected:
        assert any(text in m for m in messages), f"{text!r} not in:\n" + "\n".join(messages)
    assert all(m.startswith(("Violation: ", "Warning: ", "Info: ")) for m in messages)


def test_there_are_enough_fail_examples():
    assert len(FAIL_EXAMPLES) >= 15
