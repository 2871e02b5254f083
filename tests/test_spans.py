"""Every number of every corpus file is inside a clause, and every clause's span is its text."""
from __future__ import annotations

import re

from tests.conftest import CORPUS

# money or a percentage in the raw file, tolerant of the line breaks and spaces inside it
RAW_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*[万亿]?\s*(?:美元|元)|\d+(?:\.\d+)?\s*[%％]")


def test_corpus_has_five_documents(corpus_docs):
    assert sorted(corpus_docs) == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert len(corpus_docs) == 5


def test_every_money_amount_and_percentage_is_inside_a_clause(corpus_docs):
    for name, doc in corpus_docs.items():
        raw = (CORPUS / name).read_text("utf-8")
        spans = [(c.span.start, c.span.end) for c in doc.clauses]
        missing = [m.group(0) for m in RAW_NUMBER.finditer(raw)
                   if not any(a <= m.start() < b for a, b in spans)]
        assert missing == [], f"{name}: outside every clause: {missing}"
        assert doc.uncovered == []


def test_every_clause_span_holds_exactly_its_text(corpus_docs):
    for name, doc in corpus_docs.items():
        raw = (CORPUS / name).read_text("utf-8")
        for c in doc.clauses:
            chars, pos = [], c.span.start
            for g0, g1 in c.span.gaps:
                chars.append(raw[pos:g0])
                pos = g1
            chars.append(raw[pos:c.span.end])
            in_file = re.sub(r"\s", "", "".join(chars))
            assert in_file == re.sub(r"\s", "", c.text), c.id
            for g0, g1 in c.span.gaps:  # gaps are page numbers and Markdown marks only
                assert re.fullmatch(r"[—–\-\d\s*#]+", raw[g0:g1]), (c.id, raw[g0:g1])


def test_clause_ids_are_unique_and_stable(corpus_docs):
    from ingest.pipeline import ingest_file

    ids = [c.id for d in corpus_docs.values() for c in d.clauses]
    assert len(ids) == len(set(ids))
    again = ingest_file(CORPUS / "wenzhou-2022-60.txt", CORPUS.parent)[0]
    assert [c.id for c in again.clauses] == [c.id for c in corpus_docs["wenzhou-2022-60.txt"].clauses]
