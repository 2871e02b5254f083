"""Hand-read facts (tests/facts/*.yaml, tests/unseen/*.yaml) checked one by one against an ingested
document, so that a test can require all of them or a share of them, and a person can print the
figures: `python -m tests.factcheck tests/unseen/*.yaml` (one line per document: city, facts matched).

A spec names its `file`, the `document` fields it must have and its clause `facts`. A fact picks
its clauses by `article` label (when given) and by a piece of their text (`contains`), and lists
the fields one of those clauses must have; lists of dicts match when every expected dict matches
some actual entry on the keys it gives, numbers compare as exact decimals. Text is compared in one
normal form (NFKC, simplified characters, no white space) on both sides, so a traditional or
full-width copy is held to the same facts as the plain text; the city is compared exactly.
"""
from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

try:
    import opencc
except ImportError as exc:  # a missing dependency fails with what to install
    raise ImportError("the fact checks need OpenCC: `make dev` installs it (pip install opencc)") from exc

from ingest.pipeline import ingest_file
from policykg.errors import PolicyKGError
from policykg.records import clause_record, document_record

ROOT = Path(__file__).resolve().parent.parent
SELECTORS = ("about", "article", "contains")
PROVINCE_SUFFIXES = ("省", "市", "自治区")


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normal(text: str) -> str:
    """Text in the one form facts are compared in: NFKC, simplified characters, no white space.

    >>> normal("單個企業 最高２０萬元（含）")
    '单个企业最高20万元(含)'
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(_to_simplified().convert(folded).split())


def same(expected, actual) -> bool:
    """Does `actual` have what `expected` says? Dicts on the keys given, lists of dicts as subsets.

    >>> same({"value_cny": 200000, "role": "cap"}, {"value_cny": 200000.0, "role": "cap", "per": None})
    True
    >>> same([{"value_cny": 1}], [{"value_cny": 2}])
    False
    """
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(same(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, bool) or expected is None:
        return expected is actual or expected == actual
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float, Decimal)) and not isinstance(actual, bool) \
            and Decimal(str(expected)) == Decimal(str(actual))
    if isinstance(expected, str):
        return isinstance(actual, str) and normal(expected) == normal(actual)
    if isinstance(expected, list) and expected and isinstance(expected[0], dict):
        return all(any(same(e, a) for a in actual or []) for e in expected)
    return expected == actual


def field_matches(key: str, expected, actual) -> bool:
    """One field of a clause record: categories and agencies as subsets, rates as an exact list."""
    if key in ("categories", "agencies"):
        return isinstance(actual, list) and set(expected) <= set(actual)
    if key == "rates_percent":
        return isinstance(actual, list) and [Decimal(str(x)) for x in expected] == [Decimal(str(x)) for x in actual]
    return same(expected, actual)


def candidates(doc, fact: dict) -> list:
    """The clauses a fact is about: its article (if given) and text containing `contains`."""
    piece = normal(fact.get("contains", ""))
    article = normal(fact["article"]) if "article" in fact else None
    return [c for c in doc.clauses
            if (article is None or normal(c.article or "") == article) and piece in normal(c.text)]


def check_fact(doc, fact: dict) -> str | None:
    """None when some clause the fact is about has all its fields, else why not (the first such clause)."""
    found = candidates(doc, fact)
    if not found:
        return f"no clause{' in ' + fact['article'] if 'article' in fact else ''} containing {fact.get('contains', '')!r}"
    reasons = []
    for clause in found:
        rec = clause_record(doc, clause)
        wrong = [(k, v) for k, v in fact.items() if k not in SELECTORS and not field_matches(k, v, rec.get(k))]
        if not wrong:
            return None
        reasons.append("; ".join(f"{k} expected {v!r}, got {rec.get(k)!r}" for k, v in wrong))
    return reasons[0]


def right_place(rec: dict, expected: str) -> bool:
    """The document's city is `expected`; for a province, it may be given as `province` instead, with
    or without 省."""
    names = {rec.get("city"), rec.get("province")}
    return expected in names or any(expected + s in names for s in PROVINCE_SUFFIXES)


def check_document(doc, spec: dict) -> dict[str, str | None]:
    """Each `document` field of the spec but the city: None when right, else what came instead."""
    rec = document_record(doc)
    out = {}
    for key, expected in spec["document"].items():
        if key == "city":
            continue
        ok = key in rec and same(expected, rec[key])
        out[key] = None if ok else f"{key} expected {expected!r}, got {rec.get(key, '<no such field>')!r}"
    return out


@dataclass
class Score:
    """How one document fared: its place right or not, and its facts (document fields + clause facts)."""

    name: str
    city: str | None
    city_ok: bool
    matched: int
    total: int
    misses: list[str] = field(default_factory=list)
    refused: str | None = None

    @property
    def share(self) -> float:
        return self.matched / self.total if self.total else 0.0

    def line(self) -> str:
        head = f"{self.name:<40} {self.matched:>3}/{self.total:<3} {self.share:6.1%}"
        if self.refused:
            return f"{head}  refused: {self.refused[:150]}"
        return f"{head}  city {self.city!r} {'right' if self.city_ok else 'WRONG'}"


def load_spec(path: Path) -> dict:
    return yaml.safe_load(Path(path).read_text("utf-8"))


def count(spec: dict) -> int:
    """Facts in a spec: its document fields but the city, and its clause facts."""
    return sum(k != "city" for k in spec["document"]) + len(spec["facts"])


def score(doc, spec: dict, name: str) -> Score:
    """Every fact of `spec` checked against `doc` (None: the document was refused, see `refused`)."""
    misses = [m for m in check_document(doc, spec).values() if m]
    for fact in spec["facts"]:
        why = check_fact(doc, fact)
        if why:
            misses.append(f"{fact['about']}: {why}")
    rec = document_record(doc)
    return Score(name, rec.get("city"), right_place(rec, spec["document"]["city"]),
                 count(spec) - len(misses), count(spec), misses)


def score_file(path: Path, spec: dict, root: Path = ROOT, name: str | None = None) -> Score:
    """Ingest `path` (a refusal scores nothing and says why) and score it against `spec`."""
    name = name or Path(path).name
    try:
        doc = ingest_file(Path(path), root)[0]
    except PolicyKGError as exc:
        return Score(name, None, False, 0, count(spec), [f"refused: {exc}"], refused=str(exc))
    return score(doc, spec, name)


def main(argv: list[str]) -> int:
    """Print one line per spec file given: facts matched / total, share, city (-v: and each miss)."""
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    if not paths:
        print("usage: python -m tests.factcheck [-v] SPEC.yaml ...", file=sys.stderr)
        return 2
    for arg in paths:
        spec = load_spec(Path(arg))
        result = score_file(ROOT / spec["file"], spec)
        print(result.line())
        for miss in result.misses if verbose else []:
            print(f"    {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
