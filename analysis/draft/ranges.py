"""The precedents of a category and the range of each drafting parameter across them, like for like.

`parameter_ranges(docs, category)` collects, from every incentive clause of the category, the rate,
cap (and what it is per), award, per-unit amount, thresholds, bonus, one-time or yearly, and the
funding split. Values are grouped like for like: a rate by its cost base (50% of platform fees,
20% of investment and 60% of a premium are three groups; ontology/lexicon/cost-base.yaml names
them; 80% of booth fees for some countries and 70% for others are one group); an amount by its kind (a cap on a rate, a ceiling only, a
fixed sum), basis (per site, per enterprise …) and period (one-time, yearly, term); a threshold
by metric, unit and whose figure it is. A range or a median is only ever taken within one group;
the other groups are shown beside it.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from analysis.draft import words
from analysis.draft.settings import PARAMETERS
from ingest.categories import scheme, with_broader
from ingest.model import Amount, Clause, Document, FundingRule
from policykg.errors import PolicyKGError

Group = tuple[str | None, ...]
AMOUNT_PARAMETER = {"cap": "cap", "award": "award", "per-unit": "per_unit", "bonus": "bonus"}


@dataclass
class Source:
    """Where a value comes from: the clause, its city, document and article, and the sentence."""

    clause_id: str
    city: str
    document: str | None
    article: str
    sentence: str


@dataclass
class Observation:
    """One precedent's value of a parameter, with what makes it comparable to another."""

    value: Decimal | bool | None
    display: str
    source: Source
    per: str | None = None
    per_year: bool = False
    unit: str | None = None
    metric: str | None = None
    op: str | None = None
    qualifier: str | None = None
    kind: str | None = None  # cap | ceiling | award | per-unit | bonus (money parameters)
    basis: str | None = None
    period: str | None = None
    scope: str | None = None  # thresholds: whose figure
    cost_base: str | None = None  # rates: the cost-base term, else the base as written

    @property
    def group(self) -> Group:
        """What makes two values comparable: a rate's cost base; an amount's kind, basis and period;
        a threshold's metric, unit and scope."""
        if self.metric is not None:
            return (self.metric, self.unit, self.scope)
        if self.kind == "rate":  # a percentage has no basis or period of its own: its cost base decides
            return ("rate", self.cost_base)
        if self.kind is not None:
            return (self.kind, self.basis, self.period) + ((self.qualifier,) if self.qualifier else ())
        return ()


@dataclass
class Parameter:
    """A drafting parameter: every precedent's value, the group ranged in, and the value chosen."""

    name: str
    observations: list[Observation] = field(default_factory=list)
    value: Decimal | bool | None = None
    chosen_by: str = ""  # user | median | majority | model | none
    metric: str | None = None  # threshold: the metric and unit the draft uses
    unit: str | None = None
    op: str | None = None
    group: Group | None = None  # the group the range and median are taken in (Observation.group)

    def numbers(self) -> list[Decimal]:
        """The numeric values of the parameter's own group (all of them before a group is chosen)."""
        return [o.value for o in self.observations if isinstance(o.value, Decimal) and not isinstance(o.value, bool)
                and (self.group is None or o.group == self.group)]

    def groups(self) -> dict[Group, list[Observation]]:
        """The observations by group, the parameter's own group first."""
        out: dict[Group, list[Observation]] = {}
        if self.group is not None:
            out[self.group] = []
        for o in self.observations:
            out.setdefault(o.group, []).append(o)
        return {k: v for k, v in out.items() if v}

    def use_group_of(self, o: Observation | None) -> None:
        """Take ranges and the median in `o`'s group (else the commonest group)."""
        if o is not None:
            self.group = o.group
        elif self.observations:
            self.group = Counter(x.group for x in self.observations).most_common(1)[0][0]
        if self.name == "threshold" and self.group:
            self.metric, self.unit = self.group[0], self.group[1]

    @property
    def low(self) -> Decimal | None:
        xs = self.numbers()
        return min(xs) if xs else None

    @property
    def high(self) -> Decimal | None:
        xs = self.numbers()
        return max(xs) if xs else None

    @property
    def median(self) -> Decimal | None:
        xs = self.numbers()
        return Decimal(statistics.median(xs)) if xs else None


def sentence(text: str, needle: str | None) -> str:
    """The sentence of `text` (split at 。；) that contains `needle`.

    >>> sentence("对A给予补助。最高20万元；每年一次。", "20万")
    '最高20万元；'
    """
    parts = [p for p in re.split(r"(?<=[。；])", text) if p]
    if needle:
        for p in parts:
            if needle in p:
                return p
    return text


def precedents(docs: list[Document], category: str) -> list[tuple[Document, Clause]]:
    """The incentive clauses of `category` (or a narrower one), every city, in document order."""
    if category not in scheme():
        raise PolicyKGError(f"unknown category '{category}'; one of: {', '.join(sorted(scheme()))}")
    out = [(d, c) for d in sorted(docs, key=lambda d: d.id) for c in d.clauses
           if c.kind == "incentive" and category in with_broader(c.categories)]
    if not out:
        raise PolicyKGError(f"no incentive clause of category '{category}' in the store")
    return out


def kind_of(c: Clause, a: Amount) -> str:
    """An amount's kind: a cap of a clause that states only a ceiling is a ceiling."""
    if a.role == "cap" and c.ceiling_only:
        return "ceiling"
    return a.role


def _src(d: Document, c: Clause, needle: str | None) -> Source:
    return Source(c.id, d.city_shown, d.number, c.article, sentence(c.text, needle))


def _rates(d: Document, c: Clause) -> list[Observation]:
    out = []
    for r in c.rates:
        base = words.cost_base(r.base)
        shown = f"{words.fmt(r.percent)}%" + (f" × {r.base}" if r.base else "") + (f"（{r.qualifier}）" if r.qualifier else "")
        out.append(Observation(r.percent, shown, _src(d, c, r.text), unit="percent", qualifier=r.qualifier,
                               kind="rate", cost_base=base or r.base))
    return out


def _amounts(d: Document, c: Clause) -> list[tuple[str, Observation]]:
    out = []
    for a in c.amounts:
        name = AMOUNT_PARAMETER.get(a.role)
        if name is None:
            continue  # a pool for all beneficiaries is no one's amount
        shown = words.zh_amount(a.value)
        if name == "per_unit" and a.unit:
            shown += f" / {a.unit}"
        else:
            said = (a.qualifier, words.per(a.basis), words.period(a.period) if a.period else None)
            shown += f"（{' '.join(x for x in said if x)}）"
        out.append((name, Observation(a.value, shown, _src(d, c, a.text), per=a.per, per_year=a.per_year,
                                      unit=a.unit, qualifier=a.qualifier, kind=kind_of(c, a), basis=a.basis,
                                      period=a.period)))
    return out


def _thresholds(d: Document, c: Clause) -> list[Observation]:
    out = []
    for t in c.thresholds:
        op = words.text("op-more" if t.op == ">" else "op-at-least")
        shown = (f"{words.metric(t.metric, t.scope)} {op}{words.zh_amount(t.value, t.unit)}"
                 f"{'以上' if t.op == '>=' else ''}")
        out.append(Observation(t.value, shown, _src(d, c, t.text), unit=t.unit, metric=t.metric, op=t.op,
                               scope=t.scope))
    return out


def funding_shown(r: FundingRule, lang: str = "zh") -> str:
    """A funding rule in words: 市50% : 地方50%, 属地政府承担, 按现行财政体制分担."""
    if r.kind == "shared" and r.city_share is not None and r.local_share is not None:
        shown = words.text("city-share", lang, city=words.fmt(r.city_share), local=words.fmt(r.local_share))
    else:
        shown = words.text({"local": "local-pays", "city": "city-pays"}.get(r.kind, "fiscal"), lang)
    return shown + (f"（{'、'.join(r.districts)}）" if r.districts else "")


def _funding(d: Document, c: Clause) -> list[Observation]:
    out = []
    for r in d.funding_of(c):
        share = {"shared": r.city_share, "local": Decimal(0), "city": Decimal(100)}.get(r.kind)
        out.append(Observation(share, funding_shown(r), Source(c.id, d.city_shown, d.number, c.article, r.text)))
    return out


def parameter_ranges(docs: list[Document], category: str) -> dict[str, Parameter]:
    """Every parameter of the category's precedents, with its observations and range."""
    params = {name: Parameter(name) for name in PARAMETERS}
    for d, c in precedents(docs, category):
        params["rate"].observations += _rates(d, c)
        for name, o in _amounts(d, c):
            params[name].observations.append(o)
        for b in c.bonuses:
            if b.percent is not None:
                params["bonus"].observations.append(Observation(
                    None, words.text("bonus-rate", rate=f"{words.fmt(b.percent)}%"), _src(d, c, b.text),
                    qualifier=b.condition))
        params["threshold"].observations += _thresholds(d, c)
        if c.one_time is not None:
            said = words.period("one-time" if c.one_time else "yearly")
            params["one_time"].observations.append(Observation(c.one_time, said, _src(d, c, said)))
        params["city_share"].observations += _funding(d, c)
    for name in ("rate", "cap", "award", "per_unit", "bonus", "threshold"):
        params[name].use_group_of(None)
    return params


def group_label(name: str, key: Group | None, lang: str = "zh") -> str:
    """A group in words: 仅有上限·单家企业·一次性, 年度跨境电商出口额（美元）, 比例·展位费."""
    if not key:
        return ""
    if name == "threshold":
        metric, unit, scope = key[:3]
        said = [x for x in (words.unit(unit, lang), words.scope(scope, lang)) if x]
        opening, closing = ("（", "）") if lang == "zh" else (" (", ")")
        return f"{words.metric(metric or '', scope, lang)}{opening}{'·'.join(said)}{closing}"
    if key[0] == "rate":
        rate_words: list[str] = [words.parameter("rate", lang)]
        rate_words += [words.cost_label(key[1], lang)] if key[1] else []
        return "·".join(rate_words + [x for x in key[2:] if x])
    kind, basis, period = key[:3]
    parts = (words.kind(kind or "", lang), words.per(basis, lang), words.period(period, lang)) + tuple(key[3:])
    return "·".join(x for x in parts if x)
