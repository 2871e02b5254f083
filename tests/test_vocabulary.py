"""The ontology is the one vocabulary: every term it declares for instruments, amount roles, what an
amount is per, threshold metrics and categories has a zh and an en label (graph/vocabulary.py), and
every such value the corpus's clause models hold is shown by the app in words, never as its slug
(webapp.i18n.vocab reads those labels). tests/test_lexicon.py checks the extractor's lexicon against
the same labels.
"""
from __future__ import annotations

import pytest

from graph import vocabulary
from webapp.i18n import TERM_KINDS, vocab

HANZI = ("\u4e00", "\u9fff")


def _has_hanzi(text: str) -> bool:
    return any(HANZI[0] <= ch <= HANZI[1] for ch in text)


@pytest.mark.parametrize("kind", TERM_KINDS)
def test_every_declared_term_has_zh_and_en_labels(kind):
    slugs = vocabulary.terms(kind)
    assert len(slugs) >= 4, f"the ontology declares only {slugs} for {kind}"
    missing = [slug for slug in slugs
               if not (vocabulary.term_label(kind, slug, "zh") and vocabulary.term_label(kind, slug, "en"))]
    assert not missing, f"{kind} terms of ontology/*.ttl without a zh and an en label: {missing}"
    not_chinese = [slug for slug in slugs if not _has_hanzi(vocabulary.term_label(kind, slug, "zh"))]
    assert not not_chinese, f"{kind} terms whose zh label has no Chinese: {not_chinese}"


def test_the_terms_the_issue_found_unlabelled_in_the_app():
    # issue 16: metric:days, metric:parcels, per:activity, per:project were shown as slugs
    assert (vocab("metric", "days", "zh"), vocab("metric", "days", "en")) == ("天数", "days")
    assert (vocab("metric", "parcels", "zh"), vocab("metric", "parcels", "en")) == ("件数", "parcels")
    assert (vocab("per", "activity", "zh"), vocab("per", "activity", "en")) == ("每项活动", "per activity")
    assert (vocab("per", "project", "zh"), vocab("per", "project", "en")) == ("每个项目", "per project")


def _values(docs) -> set[tuple[str, str]]:
    """(kind, slug) of every term value the clause models hold."""
    out: set[tuple[str, str]] = set()
    for doc in docs:
        out.add(("status", doc.status))
        for c in doc.clauses:
            out |= {("requirement", r.kind) for r in c.requirements}
            if c.instrument:
                out.add(("instrument", c.instrument))
            out |= {("category", slug) for slug in c.categories}
            amounts = list(c.amounts) + [t.amount for t in c.tiers]
            out |= {("role", a.role) for a in amounts}
            out |= {("per", a.per) for a in amounts if a.per}
            thresholds = list(c.thresholds) + [t.threshold for t in c.tiers if t.threshold is not None]
            out |= {("metric", t.metric) for t in thresholds}
    return out


def test_every_term_of_the_corpus_is_shown_in_words(corpus_docs):
    values = _values(corpus_docs.values())
    assert {kind for kind, _ in values} == set(TERM_KINDS)
    raw = sorted(f"{kind}:{slug} ({lang})" for kind, slug in values for lang in ("zh", "en")
                 if vocabulary.term_label(kind, slug, lang) is None or vocab(kind, slug, lang) == slug and lang == "zh")
    assert not raw, f"shown as slugs, without a label in ontology/*.ttl: {raw}"
