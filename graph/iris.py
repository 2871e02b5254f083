"""Minted IRIs and exact literals: how a document, clause, funding rule, division, city or category
is named in RDF, and how a number is written (see docs/ontology.md). Pure functions, no graph."""
from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

from rdflib import Literal, URIRef

from graph.namespaces import CAT, ID, XSD

_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "【": "〔", "]": "〕", "］": "〕", "】": "〕"})


def decimal_literal(value: Decimal | int | str) -> Literal:
    """An exact xsd:decimal in canonical form (never a float).

    >>> str(decimal_literal(Decimal("0.03"))), str(decimal_literal(Decimal("150000000.0")))
    ('0.03', '150000000')
    >>> decimal_literal(Decimal("2E+5")).datatype == XSD.decimal, str(decimal_literal("0.30"))
    (True, '0.3')
    """
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    text = format(number.normalize(), "f")
    if text in ("-0", "-0.0"):
        text = "0"
    return Literal(text, datatype=XSD.decimal)


def segment(text: str) -> str:
    """One IRI path segment: kept when it is plain ASCII, else percent-encoded (UTF-8).

    >>> segment("wenzhou-2022-60"), segment("1.2"), segment("温州"), segment("")
    ('wenzhou-2022-60', '1.2', '%E6%B8%A9%E5%B7%9E', '_')
    """
    if not text:
        return "_"
    return text if _SAFE_SEGMENT.fullmatch(text) else quote(text, safe="")


def label_lang(text: str) -> str:
    """The language tag a name is labelled with: zh when it has a Chinese character, else en.

    >>> label_lang("温州"), label_lang("Wenzhou")
    ('zh', 'en')
    """
    return "zh" if _CJK.search(text) else "en"


def normalize_number(number: str) -> str:
    """A document number without spaces and with 〔〕 brackets, for matching citations.

    >>> normalize_number("丽政办发 [2020] 1 号")
    '丽政办发〔2020〕1号'
    """
    return re.sub(r"\s+", "", number).translate(_BRACKETS)


def path(ident: str) -> str:
    """Segments of a slash-separated id, each one kept or percent-encoded.

    >>> path("funding/1"), path("温州/x")
    ('funding/1', '%E6%B8%A9%E5%B7%9E/x')
    """
    return "/".join(segment(part) for part in ident.split("/"))


def local_id(ident: str, *scopes: str) -> str:
    """`ident` without the first of `scopes` it starts with (ingest ids repeat their parents').

    >>> local_id("wenzhou-2022-60/1.2/c1", "wenzhou-2022-60/1.2", "wenzhou-2022-60"), local_id("c1", "x")
    ('c1', 'c1')
    """
    for scope in scopes:
        if ident.startswith(scope + "/") and len(ident) > len(scope) + 1:
            return ident[len(scope) + 1:]
    return ident


def doc_iri(doc_id: str) -> URIRef:
    return ID[f"doc/{segment(doc_id)}"]


def clause_iri(doc_id: str, article_key: str, clause_id: str) -> URIRef:
    """id/clause/DOC/KEY/CLAUSE, CLAUSE being the clause id without its doc/key prefix.

    >>> str(clause_iri("wenzhou-2022-60", "1.2", "wenzhou-2022-60/1.2/c1"))
    'https://w3id.org/policykg/id/clause/wenzhou-2022-60/1.2/c1'
    """
    local = local_id(clause_id, f"{doc_id}/{article_key}", doc_id)
    return ID[f"clause/{segment(doc_id)}/{segment(article_key)}/{path(local)}"]


def funding_iri(doc_id: str, rule_id: str) -> URIRef:
    """id/doc/DOC/funding/RULE, RULE being the rule id without its doc (and funding/) prefix.

    >>> str(funding_iri("hangzhou-2023-9", "hangzhou-2023-9/funding/1"))
    'https://w3id.org/policykg/id/doc/hangzhou-2023-9/funding/1'
    """
    local = local_id(local_id(rule_id, doc_id), "funding")
    return ID[f"doc/{segment(doc_id)}/funding/{path(local)}"]


def citations(docs) -> dict[str, URIRef]:
    """Document numbers (normalised) to IRIs of clause models (ingest.model.Document), so that a
    citation of a stored document links to it."""
    return {normalize_number(d.number): doc_iri(d.id) for d in docs if d.number}


def division_iri(doc_id: str, article_key: str) -> URIRef:
    return ID[f"division/{segment(doc_id)}/{segment(article_key)}"]


def city_iri(city: str) -> URIRef:
    return ID[f"city/{segment(city)}"]


def category_iri(slug: str) -> URIRef:
    return CAT[segment(slug)]
