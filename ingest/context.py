"""What the field rules share while they read one provision: its text, the money found in it,
what is already placed, and the lexicon look-ups (per what, which metric, which operator).

Every look-up works on a bounded window or on positions found once (segment cuts, money starts),
so a rule costs time in proportion to the text, never to its square.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.figures import Money, cn_number, plain
from ingest.lexicon import Entry, Lexicon
from ingest.model import ClauseFields, Span, Threshold

OTHER = "other"  # the metric (or kind) of what the lexicon cannot classify
SEPARATORS = "，,；;。：:"  # full- and half-width: a scraper's ',' cuts a segment like '，'
NUMBER = r"\d+(?:\.\d+)?[万亿萬億]?|[一二两三四五六七八九十]{1,3}"


@dataclass(kw_only=True)
class Fields(ClauseFields):
    """The clause fields, and whether the text grants something at all (给予, 补助, 奖励 …)."""

    grants: bool = False


@dataclass
class Context:
    text: str
    at: Callable[[int, int], Span]
    lex: Lexicon
    doc_number: str | None
    f: Fields
    money: list[Money]
    used: set[int] = field(default_factory=set)  # starts of money/percent mentions already placed
    _cuts: dict[str, list[int]] = field(default_factory=dict)
    _money_starts: list[int] = field(default_factory=list)

    # --- positions ---------------------------------------------------------------------------

    def cuts(self, chars: str) -> list[int]:
        if chars not in self._cuts:
            self._cuts[chars] = [i for i, ch in enumerate(self.text) if ch in chars]
        return self._cuts[chars]

    def segment_start(self, pos: int, chars: str = SEPARATORS) -> int:
        """Start of the segment (between separators) that contains pos."""
        cuts = self.cuts(chars)
        i = bisect_left(cuts, pos)
        return cuts[i - 1] + 1 if i else 0

    def segment_end(self, pos: int, chars: str = SEPARATORS) -> int:
        """End of the segment that contains pos (the next separator, or the end of the text)."""
        cuts = self.cuts(chars)
        i = bisect_left(cuts, pos)
        return cuts[i] if i < len(cuts) else len(self.text)

    def money_starts_between(self, a: int, b: int) -> list[int]:
        if not self._money_starts and self.money:
            self._money_starts = [m.start for m in self.money]
        starts = self._money_starts
        return starts[bisect_left(starts, a):bisect_left(starts, b)]

    def money_cover(self) -> set[int]:
        return {i for m in self.money for i in range(m.start, m.end)}

    # --- lexicon look-ups --------------------------------------------------------------------

    def per(self, before: str) -> tuple[str | None, bool]:
        """What a sum is per (the nearest per-phrase; at the same place the longest) and whether
        it renews every year."""
        best, best_key = None, (-1, 0)
        for entry in self.lex.select("per"):
            for words in entry.phrases:
                i = before.rfind(words)
                if i >= 0 and (i, len(words)) > best_key:
                    best, best_key = entry.term, (i, len(words))
        return best, bool(self.lex.pattern("period", "per-year").search(before))

    def metric(self, before: str, money: bool = False) -> str:
        """The metric named nearest before a quantity; `other` when none is."""
        best, best_key = OTHER, (-1, 0)
        for entry in self.lex.select("metric"):
            if money and not entry.get("money"):
                continue
            for words in entry.phrases:
                i = before.rfind(words)
                key = (i + len(words), len(words))
                if i >= 0 and key > best_key:
                    best, best_key = entry.term or OTHER, key
        return best

    def threshold_op(self, start: int, end: int) -> str | None:
        """'>=' for 以上/达到/不低于, '>' for 超过/高于 (unless （含） follows), None otherwise."""
        text, lex = self.text, self.lex
        after = text[end:end + 6]
        before = text[max(0, start - 5):start]
        if lex.pattern("threshold", "not-at-least", "(?:{})$").search(text[max(0, start - 6):start]):
            return None
        if lex.pattern("threshold", "more-than-before", "(?:{})$").search(before) and \
                not lex.pattern("threshold", "not-more-than", "(?:{})$").search(before):
            return ">=" if after.startswith("（含") else ">"
        if lex.pattern("threshold", "at-least-after", "^(?:{})").match(after):
            return ">="
        if lex.pattern("threshold", "at-least-before", "(?:{})$").search(before):
            return ">="
        return None

    def threshold(self, metric: str, op: str, value: Decimal, unit: str, start: int, end: int,
                  seg0: int | None = None) -> Threshold:
        """A threshold; one whose metric is `other` is also reported with the words in front of it."""
        if metric == OTHER:
            a = seg0 if seg0 is not None else max(self.segment_start(start), start - 40)
            self.f.unparsed.append(self.text[a:end])
        return Threshold(metric, op, value, unit, self.at(start, end), self.text[start:end])

    def count_pattern(self) -> re.Pattern[str]:
        """A number followed by a count unit of the lexicon (30家, 3000平方米, 两年)."""
        units = "|".join(map(re.escape, self.lex.phrases("unit", kind="count")))
        return re.compile(f"(?P<num>{NUMBER})(?P<unit>{units})")

    def count_unit(self, word: str) -> Entry:
        return next(e for e in self.lex.select("unit", kind="count") if word in e.phrases)

    def unit_metric(self, entry: Entry, seg0: int, start: int, end: int) -> str | None:
        """The metric a unit implies (平方米: area; 年 near 合同: contract-years), or None."""
        for when in entry.get("metric_when") or []:
            where = when.get("where", "around")
            window = self.text[seg0:start] if where == "before" else \
                self.text[end:end + entry.get("after", 0)] if where == "after" else \
                self.text[seg0:end + entry.get("after", 0)]
            if when["phrase"] in window:
                return str(when["term"])
        return entry.get("metric")

    def per_unit_of(self, seg: str, after: str) -> tuple[str, int | None] | None:
        """What one unit of a per-unit sum is, from the segment before it and the text after it;
        with the position in `seg` of a counted unit (每进口1美元), whose figures are not sums."""
        prefixes = self.lex.setting("unit", "count_prefixes", [])
        pre = "|".join(map(re.escape, prefixes)) or "(?!)"
        for entry in self.lex.select("unit", kind="per-unit"):
            counted = entry.get("counted")
            if counted:
                words = "|".join(map(re.escape, counted))
                need = entry.get("require_prefix")
                lead = f"每{re.escape(need)}(?P<n>\\d*)" if need else f"每(?P<pre>(?:{pre})*)(?P<n>{NUMBER})?"
                mm = re.search(f"{lead}(?:{words})", seg)
                if mm and entry.get("with_prefix") and entry.get("with_prefix") not in (mm["pre"] or ""):
                    mm = None
                if mm:
                    n = mm["n"] or "1"
                    if need or (n == "1" and entry.get("notation")):
                        return entry.get("notation"), mm.start()
                    return entry.get("notation_counted").format(n=plain_number(n)), mm.start()
            if any(w in seg for w in entry.get("before") or []) or \
                    any(after.startswith(w) for w in entry.get("after") or []):
                return entry.get("notation"), None
        return None

    def cost_base(self, seg: str, after: str) -> str | None:
        """The cost a percentage is a share of: the noun phrase in front of it, else near the grant
        verb, else right after it (50%的保费)."""
        lex = self.lex
        trim_end = f"(?:{lex.pattern('rate', 'trim-end').pattern})+$"
        core = re.sub(r"（[^（）]*）$", "", re.sub(trim_end, "", seg))
        core = re.sub(trim_end, "", core)
        cost = lex.pattern("rate", "cost").pattern
        bm = re.search(f"([\u4e00-\u9fff、（）]{{0,40}}{cost})$", core)
        lead = lex.pattern("grant", "grant-lead")
        if not bm and lead.search(seg):
            bm = re.search(f"([\u4e00-\u9fff]{{0,8}}?{lex.pattern('rate', 'cost-near').pattern})",
                           lead.split(seg)[0])
        if not bm:
            bm = re.match(f"^的?([\u4e00-\u9fff]{{0,6}}?{lex.pattern('rate', 'cost-after').pattern})", after)
        if not bm:
            return None
        base = lex.pattern("rate", "base-lead").split(bm.group(1))[-1]
        if "）" in base and not base.endswith("）"):
            base = base.rsplit("）", 1)[1]  # a note in brackets before the cost is not the cost
        return re.sub(f"^(?:{lex.pattern('rate', 'trim-start').pattern})+", "", base) or None

    def rate_qualifier(self, seg: str) -> str | None:
        """其他国家和地区给予70%: the countries or regions a rate is for."""
        lead = self.lex.pattern("grant", "grant-lead")
        where = self.lex.pattern("rate", "qualifier")
        qm = re.search(f"{lead.pattern}([^，,]{{2,16}}?)$", seg)
        if qm and where.search(qm.group(1)):
            return qm.group(1)
        head = lead.split(seg)[0]
        if lead.search(seg) and where.search(head):
            return head
        return None

    def cap_qualifier(self, before: str) -> str | None:
        """境外 / 境内 at the start of a cap's segment."""
        for entry in self.lex.select("beneficiary", "cap-qualifier"):
            if any(before.startswith(p) or before.startswith("其中" + p) for p in entry.phrases):
                return str(entry.get("label"))
        return None


def plain_number(n: str) -> str:
    """A count as written (1万 -> 10000), without a meaningless exponent.

    >>> plain_number("100万"), plain_number("1")
    ('1000000', '1')
    """
    return str(plain(cn_number(n)))
