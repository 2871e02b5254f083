"""The working state while one clause is evaluated against a profile, and what every rule shares:
the profile's figures as metrics, threshold checks, rates and caps, each step recorded as a message.

Thresholds: op '>=' (以上, 达, 不低于, （含）) includes the number, '>' (超过) excludes it.
Amounts are Decimal yuan, rounded to the fen at the end of each clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from analysis.estimate.messages import Key, Money, Msg, Qty, Term
from analysis.profile import Profile
from ingest.categories import with_broader
from ingest.model import Amount, Clause, Document, Rate, Threshold

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
T = TypeVar("T")


class NotComputable(Exception):
    """The profile does not state what the clause needs, or the clause cannot be read for it."""

    def __init__(self, msg: Msg):
        super().__init__(msg.key)
        self.msg = msg


class NotEligible(Exception):
    """The profile states the facts and a threshold or condition is not met."""

    def __init__(self, msgs: Msg | list[Msg]):
        self.msgs = msgs if isinstance(msgs, list) else [msgs]
        super().__init__(self.msgs[0].key)


# --- text helpers: where a figure stands in the clause, for quoting -----------------------------

_PUNCT = "，。；：、（）"
_THRESHOLD_WORDS = re.compile(r"以上|不少于|不低于|达|超|满|（含")


def _find(text: str, needle: str, threshold: bool = False) -> int:
    hits = [m.start() for m in re.finditer(re.escape(needle), text)]
    if not hits:
        return -1
    if threshold:
        for i in hits:
            if _THRESHOLD_WORDS.search(text[max(0, i - 4):i + len(needle) + 3]):
                return i
    return hits[0]


def quote(text: str, needle: str, before: int = 10, after: int = 6) -> str:
    """The words around a threshold's `needle` in `text`, cut at punctuation.

    >>> quote("对年出口额达200万美元以上的企业", "200万美元")
    '对年出口额达200万美元以上'
    """
    i = _find(text, needle, True)
    if i < 0:
        return needle
    s = i
    while s > 0 and i - s < before and text[s - 1] not in "，。；、且）":
        s -= 1
    e = i + len(needle)
    while e < len(text) and e - i - len(needle) < after and text[e] not in _PUNCT + "的且":
        e += 1
    for tail in ("（含以上）", "（含）"):
        if text.startswith(tail, e):
            e += len(tail)
            break
    return text[s:e]


def segment(text: str, needle: str) -> str:
    """The clause segment (between ，；。) that contains `needle`.

    >>> segment("给予50%补助，最高不超过10万元。", "10万元")
    '最高不超过10万元'
    """
    i = text.find(needle)
    if i < 0:
        return needle
    s = max(text.rfind(p, 0, i) for p in "，。；") + 1
    ends = [j for j in (text.find(p, i + len(needle)) for p in "，。；") if j >= 0]
    return text[s:min(ends) if ends else len(text)]


# --- clause features ---------------------------------------------------------------------------

def cats(c: Clause) -> list[str]:
    return with_broader(c.categories)


def has(c: Clause, *slugs: str) -> bool:
    found = cats(c)
    return any(s in found for s in slugs)


def caps(c: Clause) -> list[Amount]:
    return [a for a in c.amounts if a.role == "cap"]


def awards(c: Clause) -> list[Amount]:
    return [a for a in c.amounts if a.role == "award"]


def per_unit(c: Clause) -> list[Amount]:
    return [a for a in c.amounts if a.role == "per-unit"]


def period(c: Clause) -> str:
    if c.one_time:
        return "one-time"
    if c.one_time is False or any(a.per_year for a in c.amounts):
        return "yearly"
    return "unspecified"


def primary(c: Clause, *prefer: str) -> str | None:
    for p in prefer:
        if p in c.categories or p in cats(c):
            return p
    return c.categories[0] if c.categories else None


def amount_of(value: Decimal, unit: str) -> Money | Qty:
    """A threshold's figure as a parameter: money for CNY and USD, else a quantity."""
    return Money(value, unit) if unit in ("CNY", "USD") else Qty(value, unit)


def need(value: T | None, key: str) -> T:
    """The profile's value, or not computable: the profile does not state `key`."""
    if value is None:
        raise NotComputable(Msg("key.not_stated", key=Key(key)))
    return value


def who(kind: str, i: int) -> Key:
    return Key(f"{kind}[{i}]")


_OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
METRIC_KEYS = {
    "exports": "exports_usd", "turnover": "turnover_cny", "service-exports": "service_exports_usd",
    "ownership": "independent_sites[].domain_share_percent", "area": "overseas_warehouses[].area_m2",
    "operating-time": "overseas_warehouses[].months_in_use", "enrolment": "training.enrolment",
    "training-days": "training.days", "contract-years": "training.contract_years",
    "trainees": "training_sessions[].trainees", "imports": "imports[].usd", "investment": "outbound_investments[].usd",
}


@dataclass
class Metric:
    """A figure of the profile a threshold is checked against."""

    value: Decimal
    unit: str
    where: Key  # the profile key it comes from
    lower_bound: bool = False  # only known to be at least `value` (turnover from exports)


class Working:
    """The working state while one clause is evaluated against the profile."""

    def __init__(self, doc: Document, clause: Clause, profile: Profile):
        self.doc, self.c, self.p = doc, clause, profile
        self.lines: list[Msg] = []
        self.checks: list[Msg] = []
        self.conditions: list[Msg] = [Msg("condition.assumed", text=x) for x in clause.conditions
                                      if not any(r.text and r.text in x for r in clause.rates)]
        self.notes: list[Msg] = []
        self.basis: list[str] = []
        self.bound = "exact"
        self.rate_used = False

    def base_metrics(self) -> dict[str, Metric]:
        """The figures the profile states about the whole enterprise."""
        p = self.p
        m: dict[str, Metric] = {}
        if p.exports_usd is not None:
            m["exports"] = Metric(p.exports_usd, "USD", Key("exports_usd"))
        if p.exports_cny is not None:
            m["exports"] = Metric(p.exports_cny, "CNY", Key("exports_cny"))
        if p.turnover_cny is not None:
            m["turnover"] = Metric(p.turnover_cny, "CNY", Key("turnover_cny"))
        elif "exports" in m:
            # 跨境电商交易额 counts imports and exports: it is at least the exports
            e = m["exports"]
            m["turnover"] = Metric(e.value, e.unit, e.where, lower_bound=True)
        if p.service_exports_usd is not None:
            m["service-exports"] = Metric(p.service_exports_usd, "USD", Key("service_exports_usd"))
        return m

    def convert(self, m: Metric, unit: str) -> Decimal:
        if m.unit == unit:
            return m.value
        rate = self.p.usd_cny_rate
        if (m.unit, unit) in (("CNY", "USD"), ("USD", "CNY")):
            self.rate_used = True
            return m.value / rate if unit == "USD" else m.value * rate
        if (m.unit, unit) == ("month", "year"):
            return m.value / 12
        if (m.unit, unit) == ("year", "month"):
            return m.value * 12
        raise NotComputable(Msg("unit.incomparable", key=m.where, unit=Term("unit", m.unit),
                                other=Term("unit", unit)))

    def threshold(self, t: Threshold, metrics: dict[str, Metric]) -> bool:
        """Check one threshold; records the check (once); False when not met."""
        m = metrics.get(t.metric)
        words = quote(self.c.text, t.text)
        if m is None:
            raise NotComputable(Msg("threshold.not_stated", key=Key(METRIC_KEYS.get(t.metric, t.metric)),
                                    quote=words))
        v = self.convert(m, t.unit)
        ok = {">=": v >= t.value, ">": v > t.value, "<=": v <= t.value, "<": v < t.value}[t.op]
        if m.lower_bound and (t.op in ("<=", "<") or not ok):
            raise NotComputable(Msg("threshold.lower_bound_only", key=Key("turnover_cny"), source=m.where,
                                    value=amount_of(m.value, m.unit), quote=words))
        shown = v.quantize(FEN) if v != v.quantize(FEN) else v
        if m.unit == t.unit:
            value = Msg("check.value", key=m.where, value=amount_of(shown, t.unit))
        elif {m.unit, t.unit} == {"CNY", "USD"}:
            value = Msg("check.converted_rate", key=m.where, value=amount_of(m.value, m.unit),
                        converted=amount_of(shown, t.unit), rate=self.p.usd_cny_rate)
        else:
            value = Msg("check.converted", key=m.where, value=amount_of(m.value, m.unit),
                        converted=amount_of(shown, t.unit))
        line = Msg("check.threshold", value=value, op=_OPS[t.op], limit=amount_of(t.value, t.unit),
                   result=Msg("word.met" if ok else "word.not_met"), quote=words, meaning=Msg(f"op.{t.op}"))
        if m.lower_bound:
            line = Msg("check.from_exports", check=line, key=Key("turnover_cny"))
        if line not in self.checks:
            self.checks.append(line)
        return ok

    def thresholds(self, metrics: dict[str, Metric], whom: Key | None = None) -> list[Msg]:
        """Check all the clause's thresholds; returns the failures."""
        failed = []
        for t in self.c.thresholds:
            if not self.threshold(t, metrics):
                failed.append(Msg("threshold.failed", who=whom or Msg("word.enterprise"),
                                  metric=Term("metric", t.metric), quote=quote(self.c.text, t.text)))
        return failed

    def rate(self, r: Rate) -> Decimal:
        if r.maximum:  # 不超过…70% / 最高按…70% (ingest.fields): rate x base is the most it pays
            self.bound = "maximum"
            self.notes.append(Msg("rate.is_ceiling", quote=segment(self.c.text, r.text)))
        return r.percent / HUNDRED

    def times(self, r: Rate, base: Money, whom: Key | Msg | None = None, what: Msg | None = None) -> Decimal:
        """rate x base, recorded: 70% × 300,000 = 210,000."""
        rate = self.rate(r)
        total = base.value * rate
        self.lines.append(Msg("calc.rate", who=whom or "", pct=Qty(r.percent, "percent"),
                              what=what or Msg("word.base"), base=base, amount=Money(total),
                              quote=segment(self.c.text, r.text)))
        return total

    def cap(self, amount: Decimal, cap: Amount, whom: Key | Msg | None = None) -> Decimal:
        words = segment(self.c.text, cap.text)
        w = whom or Msg("word.amount")
        if amount > cap.value:
            self.lines.append(Msg("cap.binds", who=w, amount=Money(amount), cap=Money(cap.value), quote=words))
            return cap.value
        self.lines.append(Msg("cap.within", who=w, amount=Money(amount), cap=Money(cap.value), quote=words))
        return amount
