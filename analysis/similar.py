"""Similar clauses of other cities: character n-gram TF-IDF cosine, plus shared category and instrument.

Chinese has no spaces, so a clause is read as the character bigrams and trigrams of its
text (numbers folded to "0", punctuation splitting segments). The score is
  0.6 x text cosine + 0.25 x category overlap + 0.15 x same instrument,
where category overlap is shared categories / the smaller set (broader concepts included),
and every match says why: the longest phrases both texts share (rarest first), the
shared categories, the shared instrument. Only clauses of other cities are returned.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.categories import scheme, with_broader
from ingest.model import Clause, Document
from policykg.errors import PolicyKGError

W_TEXT, W_CATEGORY, W_INSTRUMENT = 0.6, 0.25, 0.15
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SEGMENT = re.compile(r"[0-9a-z\u3400-\u9fff]+")


def _segments(text: str) -> list[str]:
    return _SEGMENT.findall(_NUMBER.sub("0", text.lower()))


def ngrams(text: str, sizes: tuple[int, ...] = (2, 3)) -> Counter:
    """Character n-grams of each run of CJK/alphanumeric text, numbers folded to '0'.

    >>> sorted(ngrams("给予20万元补助", (2,)))
    ['0万', '万元', '予0', '元补', '给予', '补助']
    """
    out: Counter = Counter()
    for seg in _segments(text):
        for n in sizes:
            for i in range(len(seg) - n + 1):
                out[seg[i:i + n]] += 1
    return out


def shared_phrases(a: str, b: str, idf: dict[str, float], k: int = 6) -> list[str]:
    """The maximal runs of text both clauses contain, rarest and longest first (numbers left out).

    >>> shared_phrases("单个独立站补助最高不超过20万元", "给予单个独立站15万元奖励", {})
    ['单个独立站', '万元']
    """
    na, nb = "|".join(_segments(a)), "|".join(_segments(b))
    runs: set[str] = set()
    prev = [0] * (len(nb) + 1)
    for i in range(1, len(na) + 1):
        cur = [0] * (len(nb) + 1)
        for j in range(1, len(nb) + 1):
            if na[i - 1] == nb[j - 1] and na[i - 1] not in "|0":
                cur[j] = prev[j - 1] + 1
            n = cur[j]
            if n >= 2 and (i == len(na) or j == len(nb) or na[i] != nb[j] or na[i] in "|0"):
                runs.add(na[i - n:i])
        prev = cur
    maximal = [r for r in runs if not any(r != o and r in o for o in runs)]
    weight = {r: sum(idf.get(r[i:i + 2], 1.0) for i in range(len(r) - 1)) for r in maximal}
    return sorted(maximal, key=lambda r: (-weight[r], r))[:k]


@dataclass
class Match:
    clause_id: str
    city: str
    document: str | None
    article: str
    kind: str
    instrument: str | None
    categories: list[str]
    text: str
    score: float
    text_score: float
    category_score: float
    same_instrument: bool
    shared_categories: list[str] = field(default_factory=list)
    shared_terms: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


class SimilarityIndex:
    """TF-IDF vectors of every clause of `docs`, built once; `similar()` ranks the others."""

    def __init__(self, docs: list[Document]):
        self.docs = {d.id: d for d in docs}
        self.clauses: dict[str, Clause] = {c.id: c for d in docs for c in d.clauses}
        counts = {cid: ngrams(c.text) for cid, c in self.clauses.items()}
        df: Counter = Counter()
        for grams in counts.values():
            df.update(grams.keys())
        n = len(counts)
        self.idf = {g: math.log((1 + n) / (1 + k)) + 1 for g, k in df.items()}
        self.vectors: dict[str, dict[str, float]] = {}
        for cid, grams in counts.items():
            v = {g: (1 + math.log(k)) * self.idf[g] for g, k in grams.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            self.vectors[cid] = {g: x / norm for g, x in v.items()}
        self.cats = {cid: set(with_broader(c.categories)) for cid, c in self.clauses.items()}

    def clause(self, clause_id: str) -> Clause:
        c = self.clauses.get(clause_id)
        if c is None:
            raise PolicyKGError(f"no clause '{clause_id}' in the store: list the ids with `policykg clauses`")
        return c

    def similar(self, clause_id: str, top: int = 10, kind: str | None = None) -> list[Match]:
        """The `top` most similar clauses of other cities (optionally only of one kind), best first."""
        src = self.clause(clause_id)
        city = self.docs[src.doc_id].city
        va = self.vectors[clause_id]
        labels = scheme()
        out = []
        for cid, c in self.clauses.items():
            doc = self.docs[c.doc_id]
            if doc.city == city or (kind and c.kind != kind):
                continue
            vb = self.vectors[cid]
            small, big = (va, vb) if len(va) <= len(vb) else (vb, va)
            text = sum(x * big[g] for g, x in small.items() if g in big)
            ca, cb = self.cats[clause_id], self.cats[cid]
            shared = sorted(ca & cb)
            cat = len(shared) / min(len(ca), len(cb)) if ca and cb else 0.0
            same = src.instrument is not None and src.instrument == c.instrument
            score = W_TEXT * text + W_CATEGORY * cat + W_INSTRUMENT * same
            reasons = [f"text similarity {text:.2f}"]
            if shared:
                reasons.append("shared categories: " + ", ".join(
                    f"{labels[s].zh} ({s})" if s in labels else s for s in shared))
            if same:
                reasons.append(f"same instrument: {c.instrument}")
            out.append(Match(cid, doc.city_shown, doc.number, c.article, c.kind, c.instrument, c.categories, c.text,
                             round(score, 4), round(text, 4), round(cat, 4), same, shared, [], reasons))
        out.sort(key=lambda m: (-m.score, m.clause_id))
        out = out[:top]
        for m in out:
            m.shared_terms = shared_phrases(src.text, m.text, self.idf)
            if m.shared_terms:
                m.reasons[0] += f": shares {'、'.join(m.shared_terms)}"
        return out


def similar(docs: list[Document], clause_id: str, top: int = 10, kind: str | None = None) -> list[Match]:
    """The most similar clauses of other cities to `clause_id` (see SimilarityIndex)."""
    return SimilarityIndex(docs).similar(clause_id, top, kind)


def match_record(m: Match) -> dict:
    """One match as the JSON of `policykg similar --format json`."""
    return {"clause_id": m.clause_id, "city": m.city, "document": m.document, "article": m.article,
            "kind": m.kind, "instrument": m.instrument, "categories": m.categories, "score": m.score,
            "text_score": m.text_score, "category_score": m.category_score, "same_instrument": m.same_instrument,
            "shared_categories": m.shared_categories, "shared_terms": m.shared_terms, "reasons": m.reasons,
            "text": m.text}
