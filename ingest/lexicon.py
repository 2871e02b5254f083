"""The extractor's lexicon: the words of ontology/lexicon/*.yaml, loaded and compiled for the rules.

One YAML file per rule family (grant, cap, threshold, metric, per, unit, period, stacking, bonus,
tier, instrument, rate, beneficiary, funding). An entry lists `phrases` and either a `meaning` (a
word that steers a rule) or a `term` with zh and en labels (a value the graph stores, an individual
of ontology/policykg.ttl). The rules in ingest/fields.py and ingest/funding.py ask the lexicon for
phrase sets and alternation patterns by family and meaning; no word is written in their code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from policykg.config import ontology_dir
from policykg.errors import PolicyKGError

LEXICON_DIR = ontology_dir() / "lexicon"
Meaning = str | tuple[str, ...] | None
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where built: 10x faster


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: its phrases and what they mean (a meaning, or a term with labels)."""

    family: str
    phrases: tuple[str, ...]
    meaning: str | None = None
    term: str | None = None
    zh: str | None = None
    en: str | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def _longest_first(phrases: list[str]) -> tuple[str, ...]:
    """Phrases without duplicates, longest first (so an alternation prefers 最高不超过 to 最高).

    >>> _longest_first(["最高", "最高不超过", "最高", "上限"])
    ('最高不超过', '最高', '上限')
    """
    seen = dict.fromkeys(phrases)
    return tuple(sorted(seen, key=len, reverse=True))


class Lexicon:
    """The families of one lexicon folder, with phrase sets and compiled patterns on demand."""

    def __init__(self, families: dict[str, dict[str, Any]]):
        self.families = families
        self.entries: dict[str, list[Entry]] = {}
        for name, spec in families.items():
            self.entries[name] = [self._entry(name, raw) for raw in spec.get("entries") or []]
        self._patterns: dict[tuple[str, Meaning, str], re.Pattern[str]] = {}

    @staticmethod
    def _entry(family: str, raw: dict[str, Any]) -> Entry:
        known = {"phrases", "meaning", "term", "zh", "en"}
        phrases = raw.get("phrases") or []
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise PolicyKGError(f"lexicon {family}: entry {raw!r}: phrases must be a list of words")
        if raw.get("term") and not (raw.get("zh") and raw.get("en")):
            raise PolicyKGError(f"lexicon {family}: term {raw['term']!r} needs zh and en labels")
        return Entry(family, _longest_first(phrases), raw.get("meaning"), raw.get("term"), raw.get("zh"),
                     raw.get("en"), {k: v for k, v in raw.items() if k not in known})

    def setting(self, family: str, key: str, default: Any = None) -> Any:
        """A family-level setting (e.g. unit.count_prefixes)."""
        return self.families.get(family, {}).get(key, default)

    def select(self, family: str, meaning: Meaning = None, **where: Any) -> list[Entry]:
        """The entries of a family, optionally with one meaning (or any of several) and given data."""
        if family not in self.entries:
            raise PolicyKGError(f"lexicon: no family {family!r} in {sorted(self.entries)}")
        meanings = (meaning,) if isinstance(meaning, str) else meaning
        return [e for e in self.entries[family] if (meanings is None or e.meaning in meanings)
                and all(e.get(k) == v for k, v in where.items())]

    def phrases(self, family: str, meaning: Meaning = None, **where: Any) -> tuple[str, ...]:
        """Every phrase of the selected entries, longest first."""
        return _longest_first([p for e in self.select(family, meaning, **where) for p in e.phrases])

    def pattern(self, family: str, meaning: Meaning = None, template: str = "(?:{})") -> re.Pattern[str]:
        """The phrases as one alternation, put into `template` (e.g. '(?:{})$' to match at the end)."""
        key = (family, meaning, template)
        if key not in self._patterns:
            alternation = "|".join(re.escape(p) for p in self.phrases(family, meaning))
            self._patterns[key] = re.compile(template.format(alternation or "(?!)"))
        return self._patterns[key]

    def terms(self, family: str) -> dict[str, Entry]:
        """The entries of a family that name a term, by term."""
        return {e.term: e for e in self.entries.get(family, []) if e.term}


def load(folder: Path = LEXICON_DIR) -> Lexicon:
    """Read every family file of a lexicon folder."""
    families: dict[str, dict[str, Any]] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise PolicyKGError(f"{folder}: no lexicon files (*.yaml)")
    for path in files:
        try:
            spec = yaml.load(path.read_text("utf-8"), Loader=SAFE_LOADER)
        except yaml.YAMLError as exc:
            raise PolicyKGError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
        if not isinstance(spec, dict) or "family" not in spec:
            raise PolicyKGError(f"{path}: expected a mapping with 'family' and 'entries'")
        families[spec["family"]] = spec
    return Lexicon(families)


@cache
def default() -> Lexicon:
    """The product's lexicon (ontology/lexicon), loaded on first use."""
    return load()
