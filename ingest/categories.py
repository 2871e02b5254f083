"""Categorise a clause with the SKOS scheme in ontology/categories.ttl (its trigger terms).

A clause belongs to every concept one of whose trigger terms occurs in its text; the export
adds the broader concepts. The scheme is read once per process, with rdflib.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ingest.normalize import fold
from policykg.config import ontology_dir

PKG = "https://w3id.org/policykg/ontology#"
CAT = "https://w3id.org/policykg/category/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True)
class Concept:
    slug: str
    zh: str
    en: str
    broader: tuple[str, ...]
    triggers: tuple[str, ...]
    exclusions: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def scheme() -> dict[str, Concept]:
    import rdflib

    g = rdflib.Graph().parse(ontology_dir() / "categories.ttl", format="turtle")
    skos = rdflib.Namespace(SKOS)
    out = {}
    for c in g.subjects(rdflib.RDF.type, skos.Concept):
        slug = str(c)[len(CAT):]
        labels = {label.language: str(label) for label in g.objects(c, skos.prefLabel)
                  if isinstance(label, rdflib.Literal)}
        broader = tuple(sorted(str(b)[len(CAT):] for b in g.objects(c, skos.broader)))
        triggers = tuple(sorted({fold(str(t)) for t in g.objects(c, rdflib.URIRef(PKG + "triggerTerm"))},
                                key=lambda t: (-len(t), t)))
        exclusions = tuple(fold(str(t)) for t in g.objects(c, rdflib.URIRef(PKG + "exclusionTerm")))
        out[slug] = Concept(slug, labels.get("zh", slug), labels.get("en", slug), broader, triggers,
                            exclusions)
    return out


def with_broader(slugs: list[str]) -> list[str]:
    """The slugs and all their broader concepts, sorted."""
    s = scheme()
    seen, todo = set(), list(slugs)
    while todo:
        x = todo.pop()
        if x in seen or x not in s:
            continue
        seen.add(x)
        todo.extend(s[x].broader)
    return sorted(seen)


def categorise(text: str) -> list[str]:
    """Direct concepts whose trigger terms occur in `text` (normalised), sorted."""
    found = set()
    for c in scheme().values():
        own = text
        for x in c.exclusions:
            own = own.replace(x, "")
        if any(t in own for t in c.triggers):
            found.add(c.slug)
    # a narrower concept found makes its broader one implicit, not a separate direct match
    for slug in list(found):
        for b in scheme()[slug].broader:
            if b in found and not _own_trigger_outside(text, b, slug):
                found.discard(b)
    return sorted(found)


def _own_trigger_outside(text: str, broader: str, narrower: str) -> bool:
    s = scheme()
    stripped = text
    for t in s[narrower].triggers:
        stripped = stripped.replace(t, "")
    return any(t in stripped for t in s[broader].triggers)
