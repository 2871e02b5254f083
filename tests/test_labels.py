"""Every term the extractor can emit and every label the app shows has a Chinese and an English label
(issue 16 item 1): the app's own labels (webapp.i18n.LABELS) in both languages with the same
placeholders, no English word in the Chinese ones but names of formats, products, files and
options; every value the clause models hold (per-what, period, unit, metric, scope, funding kind,
clause kind, requirement, counts limit) shown in words in zh and en; the document statuses and
requirement kinds are ontology individuals, labelled in both; every lexicon term and every
drafting text of the ontology labelled in both. tests/test_vocabulary.py checks the ontology's term
kinds and tests/test_lexicon.py the lexicon's emitted families against the ontology.
"""
from __future__ import annotations

import re
import string

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from analysis.draft import words
from graph import vocabulary
from graph.namespaces import BASE, PKG
from ingest import lexicon
from ingest.model import STATUSES
from webapp.i18n import LABELS, requirement_wording, vocab
from webapp.views.compare import limit_text, requirement_text
from webapp.views.payout_chart import requirement_words

HANZI = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# English words a Chinese label may hold, and why: names of formats and products, which have no
# Chinese name; files, folders, environment variables and options, which a user types as written
NAMES = {"JSON", "LD", "CSV", "Turtle", "YAML", "SPARQL", "Cypher", "Neo", "NEO", "URI",
         "txt", "md", "pdf", "docx", "html"}
TYPED = {"analysis", "draft", "estimate", "graph", "projection", "store", "py", "queries", "corpus",
         "sidecar", "city"}
# labels that quote the other language on purpose: the language switch names both languages;
# 文号 and 征求意见稿 are the documents' own words, kept beside their English
BILINGUAL = {"app.language", "upload.replaces_other", "upload.warn.draft"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_app_label_has_zh_and_en(key):
    zh, en = LABELS[key]
    assert zh.strip() and en.strip(), key
    assert _fields(zh) == _fields(en), f"{key}: placeholders differ between zh and en"
    plain_zh = re.sub(r"\{[^}]*\}", "", zh)
    if key != "app.language":
        assert set(LATIN_WORD.findall(plain_zh)) <= NAMES | TYPED, f"{key}: English words in the Chinese label {zh!r}"
    if key not in BILINGUAL:
        assert not HANZI.search(en), f"{key}: Chinese in the English label {en!r}"


def _values(docs) -> set[tuple[str, str]]:
    """(vocab prefix, slug) of every value the clause models hold that the app shows."""
    out: set[tuple[str, str | None]] = set()
    for d in docs:
        out |= {("funding", r.kind) for r in d.funding_rules}
        for c in d.clauses:
            out.add(("kind", c.kind))
            amounts = list(c.amounts) + [t.amount for t in c.tiers]
            out |= {("period", a.period) for a in amounts} | {("per", a.basis) for a in amounts}
            out |= {("unit", a.unit) for a in amounts}
            thresholds = list(c.thresholds) + [t.threshold for t in c.tiers if t.threshold is not None]
            out |= {("tunit", t.unit) for t in thresholds} | {("scope", t.scope) for t in thresholds}
            out |= {("per", x.unit) for x in c.count_limits} | {("per", x.per) for x in c.count_limits}
            out |= {("scope", r.scope) for r in c.requirements} | {("tunit", r.unit) for r in c.requirements}
    return {(k, v) for k, v in out if v is not None}


def test_every_value_of_the_corpus_is_shown_in_words_in_zh_and_en(corpus_docs):
    values = _values(corpus_docs.values())
    assert {k for k, _ in values} >= {"funding", "kind", "period", "per", "unit", "tunit", "scope"}
    raw = []
    for kind, slug in sorted(values):
        zh, en = vocab(kind, slug, "zh"), vocab(kind, slug, "en")
        if not (HANZI.search(zh) or zh in ("%",)) or HANZI.search(en) or zh == slug:
            raw.append(f"{kind}:{slug} -> {zh!r} / {en!r}")
    assert not raw, f"values shown without a Chinese and an English label: {raw}"


def test_every_requirement_and_counts_limit_is_shown_in_both_languages(corpus_docs):
    # the compare cards' conditions: 新建, 域名持有, the site's own turnover, 运营 N 年 (issue 13)
    reqs = [r for d in corpus_docs.values() for c in d.clauses for r in c.requirements]
    limits = [x for d in corpus_docs.values() for c in d.clauses for x in c.count_limits]
    assert {r.kind for r in reqs} >= {"new-build", "domain-ownership", "own-turnover", "operating-time"}
    assert len(limits) >= 5
    for r in reqs:
        row = {"kind": r.kind, "op": r.op, "value": r.value, "unit": r.unit, "scope": r.scope, "direct": r.direct,
               "text": r.text}
        zh, en = requirement_text(row, "zh"), requirement_text(row, "en")
        assert HANZI.search(zh) and not LATIN_WORD.search(zh), (r.kind, zh)
        assert not HANZI.search(en.replace(r.text, "")), (r.kind, en)
    for x in limits:
        row = {"count": x.count, "unit": x.unit, "per": x.per, "text": x.text}
        zh, en = limit_text(row, "zh"), limit_text(row, "en")
        assert HANZI.search(zh) and not LATIN_WORD.search(zh) and not HANZI.search(en), (zh, en)


@pytest.mark.parametrize("family", sorted(f for f in lexicon.default().families if lexicon.default().terms(f)))
def test_every_lexicon_term_has_zh_and_en(family):
    for term, entry in lexicon.default().terms(family).items():
        assert entry.zh and HANZI.search(entry.zh) or entry.zh == "%" or entry.zh == "百分比", (family, term)
        assert entry.en and not HANZI.search(entry.en), (family, term)


def test_cost_bases_are_ontology_individuals_with_the_lexicon_labels():
    g = vocabulary.ontology_graph()
    for term, entry in lexicon.default().terms("cost-base").items():
        iri = URIRef(BASE + "cost/" + term)
        assert (iri, RDF.type, PKG.CostBase) in g, term
        assert (vocabulary.label(iri, "zh"), vocabulary.label(iri, "en")) == (entry.zh, entry.en), term


def test_every_drafting_text_has_zh_and_en():
    g = vocabulary.ontology_graph()
    texts = sorted(str(s) for s in g.subjects(RDF.type, PKG.DraftText))
    assert len(texts) >= 30
    for iri in texts:
        zh, en = vocabulary.label(iri, "zh"), vocabulary.label(iri, "en")
        assert zh and en, iri
        assert _fields(zh) == _fields(en), iri
        assert not LATIN_WORD.search(re.sub(r"\{[^}]*\}", "", zh)), (iri, zh)
        assert not HANZI.search(en), (iri, en)
    for name in ("rate", "cap", "award", "per_unit", "threshold", "bonus", "one_time", "city_share"):
        assert HANZI.search(words.parameter(name, "zh")) and not HANZI.search(words.parameter(name, "en")), name


def test_every_document_status_is_an_ontology_individual_with_zh_and_en():
    # the statuses a document can have (ingest.model.STATUSES; 征求意见稿 makes a draft) are exactly the
    # pkg:DocumentStatus individuals, and the app shows each in words in both languages
    assert list(STATUSES) == vocabulary.terms("status")
    shown = {s: (vocab("status", s, "zh"), vocab("status", s, "en")) for s in STATUSES}
    assert shown["draft"] == ("征求意见稿", "draft for comment")
    for status, (zh, en) in shown.items():
        assert HANZI.search(zh) and en and not HANZI.search(en), (status, zh, en)


def test_every_requirement_kind_is_an_ontology_individual_with_labels_and_card_wordings(corpus_docs):
    # the kinds ingest.payout emits (issue 13: 新建, 域名持有, the site's own turnover, 运营 N 年) are the
    # pkg:RequirementKind individuals; each has a name and a card wording in zh and en
    emitted = {r.kind for d in corpus_docs.values() for c in d.clauses for r in c.requirements}
    kinds = set(vocabulary.terms("requirement"))
    assert emitted <= kinds and kinds == {"new-build", "domain-ownership", "own-turnover", "operating-time",
                                          "public-warehouse", "new-recognition", "first-year", "reporting"}
    for kind in kinds:
        zh, en = vocab("requirement", kind, "zh"), vocab("requirement", kind, "en")
        assert HANZI.search(zh) and en and not HANZI.search(en), (kind, zh, en)
        for direct in (False, True):
            wz, we = requirement_wording(kind, "zh", direct), requirement_wording(kind, "en", direct)
            assert wz and we and _fields(wz) == _fields(we) <= {"scope", "value", "level"}, (kind, wz, we)
            assert HANZI.search(wz) and not HANZI.search(we), (kind, wz, we)
    # the card of 温政办〔2022〕60号's independent sites reads 直接持有独立站域名 ≥ 100% when held directly
    row = {"kind": "domain-ownership", "op": ">=", "value": 100, "unit": "percent", "scope": "site", "direct": True,
           "text": "直接持有独立站域名"}
    assert requirement_text(row, "zh") == "直接持有独立站域名 ≥ 100%"
    assert not any(k.startswith("card.req.") and k != "card.req.other" or k.startswith("req.") and not k.startswith("req.level.") for k in LABELS)
    # the estimate's payout table words each corpus requirement with the same ontology wording
    for r in (r for d in corpus_docs.values() for c in d.clauses for r in c.requirements):
        zh, en = requirement_words(r, "zh"), requirement_words(r, "en")
        assert HANZI.search(zh) and not LATIN_WORD.search(zh) and "{" not in zh, (r.kind, zh)
        assert en and not HANZI.search(en.replace(r.text, "")) and "{" not in en, (r.kind, en)
