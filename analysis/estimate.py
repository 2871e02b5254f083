"""Estimate what each city's incentive clauses would pay one enterprise, from its profile.

`estimate(docs, profile)` holds on one date (`profile.as_of`, default today) and looks at every
incentive clause of every city. A clause whose policy is not in force on that date goes to
`not_in_force` with its validity and pays nothing. Every other one goes to exactly one of four
lists: `items` (an amount, computed from the profile and the clause's rate, cap, thresholds,
tiers, per-unit amounts and bonuses, with the arithmetic and the source text; or, for a clause
that states only a ceiling such as 给予不超过200万元, `amount_cny` None and `up_to_cny`),
`excluded` (computed, but dropped by a stacking rule such as 就高不叠加), `not_eligible` (the
profile states the facts and a threshold or condition is not met) and `not_computable`
(一事一议, an amount set by another document, or a fact the profile does not state). Each city
has `total_cny` (what is certain) and `up_to_cny` (certain plus ceilings). Nothing is guessed:
an absent profile key is "not stated", never zero; sound reasoning is done and stated
(跨境电商交易额 counts imports and exports, so turnover is at least the exports).

Thresholds: op '>=' (以上, 达, 不低于, （含）) includes the number, '>' (超过) excludes it.
Amounts are Decimal yuan, rounded to the fen at the end of each clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from analysis.in_force import in_force, validity_words
from analysis.profile import FAIR_KINDS, IMPORT_KINDS, RECOGNITIONS, Profile
from ingest.categories import with_broader
from ingest.model import Amount, Clause, Document, Rate, Threshold

FEN = Decimal("0.01")
HUNDRED = Decimal(100)


# --- results ------------------------------------------------------------------------------

@dataclass
class Item:
    """One incentive the enterprise qualifies for, with the amount and how it was computed."""

    clause_id: str
    city: str
    document: str | None
    article: str
    category: str | None
    amount_cny: Decimal | None  # None for a clause that states only a ceiling: see up_to_cny
    explanation: str
    conditions: list[str] = field(default_factory=list)  # assumed, not checked against the profile
    checks: list[str] = field(default_factory=list)  # thresholds checked against the profile
    notes: list[str] = field(default_factory=list)
    period: str = "unspecified"  # one-time | yearly | unspecified
    bound: str = "exact"  # exact | maximum (the clause's rate is itself a maximum: 不超过70%)
    basis: list[str] = field(default_factory=list)  # the profile data the amount is computed on
    source_text: str = ""
    funding: list[str] = field(default_factory=list)
    usd_converted: bool = False  # an exchange rate went into the amount or a threshold check
    up_to_cny: Decimal | None = None  # a ceiling clause: the most it pays this enterprise in a year

    @property
    def most(self) -> Decimal:
        """The amount, or for a ceiling the most it can be (what stacking rules compare)."""
        return self.amount_cny if self.amount_cny is not None else self.up_to_cny or Decimal(0)


@dataclass
class Skipped:
    """A clause that pays nothing in this estimate, and why."""

    clause_id: str
    category: str | None
    reason: str
    article: str = ""
    source_text: str = ""
    amount_cny: Decimal | None = None  # for excluded items: what it would have paid
    checks: list[str] = field(default_factory=list)  # for not eligible: the thresholds checked
    valid_from: date | None = None  # for not in force: the policy's validity
    valid_to: date | None = None


@dataclass
class CityEstimate:
    city: str
    documents: list[str]
    total_cny: Decimal
    total_is_maximum: bool
    items: list[Item]
    excluded: list[Skipped]
    not_eligible: list[Skipped]
    not_computable: list[Skipped]
    up_to_cny: Decimal = Decimal(0)  # total_cny plus the ceilings of ceiling-only clauses
    not_in_force: list[Skipped] = field(default_factory=list)


@dataclass
class Estimate:
    profile: str | None
    usd_cny_rate: Decimal
    usd_cny_rate_assumed: bool
    assumptions: list[str]
    cities: list[CityEstimate]
    as_of: date = field(default_factory=date.today)

    def city(self, name: str) -> CityEstimate:
        for c in self.cities:
            if c.city == name.removesuffix("市"):
                return c
        raise KeyError(name)


class _NotComputable(Exception):
    pass


class _NotEligible(Exception):
    pass


# --- formatting ---------------------------------------------------------------------------

def fmt(d: Decimal) -> str:
    """1234567.50 -> '1,234,567.5'; exact, no exponent."""
    d = d.normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return f"{d:,f}"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _pct(d: Decimal) -> str:
    return f"{fmt(d)}%"


_PUNCT = "，。；：、（）"


_THRESHOLD_WORDS = re.compile(r"以上|不少于|不低于|达|超|满|（含")


def _find(text: str, needle: str, threshold: bool = False) -> int:
    """Where `needle` occurs; for a threshold, the occurrence next to 以上/达/超过/不少于…"""
    hits = [m.start() for m in re.finditer(re.escape(needle), text)]
    if not hits:
        return -1
    if threshold:
        for i in hits:
            if _THRESHOLD_WORDS.search(text[max(0, i - 4):i + len(needle) + 3]):
                return i
    return hits[0]


def _quote(text: str, needle: str, before: int = 10, after: int = 6, threshold: bool = True) -> str:
    """The words around `needle` in `text`, cut at punctuation: 「出口额达200万美元以上」."""
    i = _find(text, needle, threshold)
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


def _segment(text: str, needle: str) -> str:
    """The clause segment (between ，；。) that contains `needle`."""
    i = text.find(needle)
    if i < 0:
        return needle
    s = max(text.rfind(p, 0, i) for p in "，。；") + 1
    ends = [j for j in (text.find(p, i + len(needle)) for p in "，。；") if j >= 0]
    return text[s:min(ends) if ends else len(text)]


# --- clause features ------------------------------------------------------------------------

def _cats(c: Clause) -> list[str]:
    return with_broader(c.categories)


def _has(c: Clause, *slugs: str) -> bool:
    cats = _cats(c)
    return any(s in cats for s in slugs)


def _caps(c: Clause) -> list[Amount]:
    return [a for a in c.amounts if a.role == "cap"]


def _awards(c: Clause) -> list[Amount]:
    return [a for a in c.amounts if a.role == "award"]


def _per_unit(c: Clause) -> list[Amount]:
    return [a for a in c.amounts if a.role == "per-unit"]


def _period(c: Clause) -> str:
    if c.one_time:
        return "one-time"
    if c.one_time is False or any(a.per_year for a in c.amounts):
        return "yearly"
    return "unspecified"


def _rate_is_maximum(c: Clause, r: Rate) -> bool:
    """不超过…70% / 最高按…70%: the rate is a ceiling, so rate x base is the most it pays."""
    text = c.text
    start = 0
    if r.base:
        j = text.find(r.base)
        start = j if j >= 0 else 0
    i = text.find(r.text, start)
    if i < 0:
        i = text.find(r.text)
    if i < 0:
        return False
    s = max(text.rfind(p, 0, i) for p in "，。；") + 1
    return bool(re.search(r"不超过|最高按|最多按", text[s:i]))


def _count_limit(c: Clause, pattern: str) -> tuple[int | None, str]:
    """A limit on how many sites/booths count, and the words that set it."""
    m = re.search(pattern, c.text)
    if not m:
        return None, ""
    return int(m.group(1)), _segment(c.text, m.group(0))


def _primary(c: Clause, *prefer: str) -> str | None:
    for p in prefer:
        if p in c.categories or p in _cats(c):
            return p
    return c.categories[0] if c.categories else None


# --- evaluation of one clause ---------------------------------------------------------------

_OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
_MEANING = {">=": "includes the number: 以上, 达, 不低于, 不少于, （含）", ">": "excludes the number: 超过",
            "<=": "includes the number: 不超过", "<": "excludes the number: 不满"}
_METRIC_KEYS = {
    "exports": "exports_usd or exports_cny", "turnover": "turnover_cny",
    "service-exports": "service_exports_usd", "ownership": "independent_sites[].domain_share_percent",
    "area": "overseas_warehouses[].area_m2", "operating-time": "overseas_warehouses[].months_in_use",
    "enrolment": "training.enrolment", "training-days": "training.days",
    "contract-years": "training.contract_years", "trainees": "training_sessions[].trainees",
    "imports": "imports[].usd", "investment": "outbound_investments[].usd",
}


@dataclass
class _Metric:
    value: Decimal
    unit: str
    where: str  # the profile key it comes from
    lower_bound: bool = False  # the figure is only known to be at least `value` (turnover from exports)


class _Eval:
    """The working state while one clause is evaluated against the profile."""

    def __init__(self, doc: Document, clause: Clause, profile: Profile):
        self.doc, self.c, self.p = doc, clause, profile
        self.lines: list[str] = []
        self.checks: list[str] = []
        self.conditions: list[str] = [x for x in clause.conditions
                                      if not any(r.text and r.text in x for r in clause.rates)]
        self.notes: list[str] = []
        self.basis: list[str] = []
        self.bound = "exact"
        self.rate_used = False

    # metrics the profile states about the whole enterprise
    def enterprise_metrics(self) -> dict[str, list[_Metric]]:
        p = self.p
        m: dict[str, list[_Metric]] = {}
        if p.exports_usd is not None:
            m["exports"] = [_Metric(p.exports_usd, "USD", "exports_usd")]
        if p.exports_cny is not None:
            m["exports"] = [_Metric(p.exports_cny, "CNY", "exports_cny")]
        if p.turnover_cny is not None:
            m["turnover"] = [_Metric(p.turnover_cny, "CNY", "turnover_cny")]
        elif "exports" in m:
            # 跨境电商交易额 counts imports and exports: it is at least the exports
            e = m["exports"][0]
            m["turnover"] = [_Metric(e.value, e.unit, f"turnover ≥ {e.where}", lower_bound=True)]
        if p.service_exports_usd is not None:
            m["service-exports"] = [_Metric(p.service_exports_usd, "USD", "service_exports_usd")]
        return m

    def convert(self, m: _Metric, unit: str) -> Decimal:
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
        raise _NotComputable(f"{m.where} is in {m.unit}, the threshold in {unit}: cannot compare")

    def threshold(self, t: Threshold, metrics: dict[str, _Metric]) -> bool:
        """Check one threshold; records the check (once); False when not met."""
        m = metrics.get(t.metric)
        quote = _quote(self.c.text, t.text)
        if m is None:
            key = _METRIC_KEYS.get(t.metric, t.metric)
            raise _NotComputable(f"profile does not state {t.metric} ({key}), needed for the threshold "
                                 f"「{quote}」")
        v = self.convert(m, t.unit)
        ok = {">=": v >= t.value, ">": v > t.value, "<=": v <= t.value, "<": v < t.value}[t.op]
        if m.lower_bound and (t.op in ("<=", "<") or not ok):
            raise _NotComputable(f"profile does not state {t.metric} ({_METRIC_KEYS.get(t.metric, t.metric)}); "
                                 f"{m.where.split('≥ ')[-1]} {fmt(m.value)} {m.unit} is only a lower bound of it and "
                                 f"does not settle 「{quote}」")
        shown = fmt(v.quantize(FEN, ROUND_HALF_UP)) if v != v.quantize(FEN) else fmt(v)
        if m.unit == t.unit:
            value = f"{m.where} {shown} {t.unit}"
        else:
            at = f" at {fmt(self.p.usd_cny_rate)} CNY/USD" if {m.unit, t.unit} == {"CNY", "USD"} else ""
            value = f"{m.where} {fmt(m.value)} {m.unit} = {shown} {t.unit}{at}"
        line = (f"{value} {_OPS[t.op]} {fmt(t.value)} {t.unit}: "
                f"{'met' if ok else 'not met'} (「{quote}」: {_MEANING[t.op]})")
        if m.lower_bound:
            line += ("; turnover_cny not stated, but 跨境电商交易额 counts imports and exports, so it is at "
                     "least the exports")
        if line not in self.checks:
            self.checks.append(line)
        return ok

    def thresholds(self, metrics: dict[str, _Metric], who: str = "") -> list[str]:
        """Check all the clause's thresholds; returns the failures (named after `who`)."""
        failed = []
        for t in self.c.thresholds:
            if not self.threshold(t, metrics):
                failed.append(f"{who}{t.metric} does not reach 「{_quote(self.c.text, t.text)}」")
        return failed

    def base_metrics(self) -> dict[str, _Metric]:
        return {k: v[0] for k, v in self.enterprise_metrics().items()}

    def rate(self, r: Rate) -> Decimal:
        if _rate_is_maximum(self.c, r):
            self.bound = "maximum"
            self.notes.append(f"the rate is a ceiling (「{_segment(self.c.text, r.text)}」): "
                              "the amount is the most the clause pays")
        return r.percent / HUNDRED

    def cap(self, amount: Decimal, cap: Amount, what: str) -> Decimal:
        quote = _segment(self.c.text, cap.text)
        if amount > cap.value:
            self.lines.append(f"{what} {fmt(amount)} is above the cap {fmt(cap.value)}: paid {fmt(cap.value)} "
                              f"(「{quote}」)")
            return cap.value
        self.lines.append(f"{what} {fmt(amount)} is within the cap {fmt(cap.value)} (「{quote}」, does not bind)")
        return amount


# --- the matchers: which profile data a clause pays on --------------------------------------

def _need(value, what: str):
    if value is None:
        raise _NotComputable(f"profile does not state {what}")
    return value


def _label(kind: str, i: int, name: str | None) -> str:
    return f"{kind}[{i}]" + (f" ({name})" if name else "")


def _site(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    sites = _need(p.independent_sites, "independent_sites")
    if not sites:
        raise _NotEligible("the profile lists no independent site")
    per_site = any(a.per == "site" for a in c.amounts)
    metrics = ev.base_metrics()
    limit, limit_words = _count_limit(c, r"独立站数量(?:不超过|最多)(\d+)个")
    new_needed = "新建" in c.text
    amounts: list[tuple[Decimal, int, str]] = []
    failures = []
    rate = c.rates[0] if c.rates else None
    awards = _awards(c)
    if rate is None and not awards:
        raise _NotComputable("the clause states neither a rate nor an award per site")
    r = ev.rate(rate) if rate else None
    for i, s in enumerate(sites):
        who = _label("independent_sites", i, s.name)
        m = dict(metrics)
        if s.domain_share_percent is not None:
            m["ownership"] = _Metric(s.domain_share_percent, "percent", f"{who}.domain_share_percent")
        if per_site:
            m.pop("turnover", None)
            if s.turnover_cny is not None:
                m["turnover"] = _Metric(s.turnover_cny, "CNY", f"{who}.turnover_cny")
        failed = ev.thresholds(m, who + ": ")
        if new_needed:
            if s.new is None:
                raise _NotComputable(f"{who} does not state whether the site is newly built (new), "
                                     f"needed by 「{_segment(c.text, '新建')}」")
            if not s.new:
                failed.append(f"{who} is not newly built (新建)")
        if failed:
            failures += failed
            continue
        if r is not None:
            raw = s.spend_cny * r
            ev.lines.append(f"{who}: {_pct(rate.percent)} × spend {fmt(s.spend_cny)} = {fmt(raw)}")
            for cap in _caps(c):
                if cap.per == "site":
                    raw = ev.cap(raw, cap, f"{who}")
        else:
            raw = awards[0].value
            ev.lines.append(f"{who}: award {fmt(raw)} per site (「{_segment(c.text, awards[0].text)}」)")
        ev.basis.append(f"independent_sites[{i}]")
        amounts.append((raw, i, who))
    if not amounts:
        raise _NotEligible("; ".join(failures))
    if failures:
        ev.notes += failures
    if limit is not None and len(amounts) > limit:
        amounts.sort(key=lambda x: (-x[0], x[1]))
        dropped = amounts[limit:]
        amounts = amounts[:limit]
        ev.notes.append(f"at most {limit} sites per enterprise (「{limit_words}」): "
                        f"counted the {limit} with the largest amounts, not " + ", ".join(d[2] for d in dropped))
        ev.basis = [f"independent_sites[{a[1]}]" for a in amounts]
    total = sum((a[0] for a in amounts), Decimal(0))
    for cap in _caps(c):
        if cap.per in (None, "enterprise"):
            total = ev.cap(total, cap, "total")
    return total, "independent-site"


def _fair_kind(c: Clause) -> str | None:
    for kind, pattern in (("service-trade", "服务贸易类展会"), ("import", "进口展会"),
                          ("cross-border-ecommerce", "跨境电商展会"), ("key-international", "重点国际性展会"),
                          ("general-international", "一般性国际性展会")):
        if pattern in c.text:
            return kind
    return None


def _fair(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    kind = _fair_kind(c)
    if kind is None:
        raise _NotComputable("cannot tell which kind of fair the clause pays for (see fair kinds in "
                             "docs/estimate.md)")
    fairs = _need(p.fairs, "fairs")
    mine = [(i, f) for i, f in enumerate(fairs) if f.kind == kind]
    if not mine:
        raise _NotEligible(f"the profile lists no fair of kind {kind} ({FAIR_KINDS[kind]})")
    limit, limit_words = _count_limit(c, r"(?:最多补助|限|不超过)(\d+)个标准展位")
    qualified_rates = [r for r in c.rates if r.qualifier]
    total = Decimal(0)
    for i, f in mine:
        who = _label("fairs", i, f.name)
        if qualified_rates:
            br = f.belt_and_road or f.rcep
            r = next((r for r in qualified_rates if ("一带一路" in r.qualifier or "RCEP" in r.qualifier) == br),
                     None)
            if r is None:
                raise _NotComputable(f"no rate of the clause fits {who}")
            ev.conditions.append(f"{who}: country {f.country or 'not named'}, "
                                 f"{'a' if br else 'not a'} Belt and Road / RCEP country (belt_and_road, rcep)")
        else:
            r = c.rates[0]
        rate = ev.rate(r)
        booths = f.booths
        if limit is not None and booths > limit:
            ev.lines.append(f"{who}: {booths} booths, at most {limit} count (「{limit_words}」)")
            booths = limit
        located = [a for a in _caps(c) if a.qualifier in ("境外", "境内")]
        location = f.location
        if located and location is None:
            raise _NotComputable(f"{who} does not state its location (overseas or domestic), "
                                 "which sets the cap")
        cap = next((a for a in located if a.qualifier == ("境外" if location == "overseas" else "境内")), None)
        if cap is None:
            cap = next((a for a in _caps(c) if a.per == "booth" and a.qualifier is None), None)
        per_booth_fee = f.fee_cny / f.booths
        if cap is not None and cap.per == "booth":
            one = per_booth_fee * rate
            ev.lines.append(f"{who}: booth fees {fmt(f.fee_cny)} / {_n(f.booths, 'booth')} = {fmt(per_booth_fee)} "
                            f"per booth; {_pct(r.percent)} = {fmt(one)} per booth")
            one = ev.cap(one, cap, f"{who}: per booth")
            amount = one * booths
            ev.lines.append(f"{who}: {fmt(one)} × {_n(booths, 'booth')} = {fmt(amount)}")
        else:
            base = f.fee_cny * booths / f.booths
            amount = base * rate
            shown = f"booth fees {fmt(base)}" + (f" (for {booths} of {f.booths} booths)" if booths != f.booths
                                                 else "")
            ev.lines.append(f"{who}: {_pct(r.percent)} × {shown} = {fmt(amount)}")
            if cap is not None:
                amount = ev.cap(amount, cap, f"{who}")
        total += amount
        ev.basis.append(f"fairs[{i}]")
    for a in _caps(c):
        if a.per == "all-enterprises":
            ev.notes.append(f"a cap on all enterprises together, not applied to one enterprise: "
                            f"「{_segment(c.text, a.text)}」")
        elif a.per == "enterprise" and a.qualifier is None:
            total = ev.cap(total, a, "total")
    return total, "exhibition"


_FEE_KEYS = (("商标", "trademark_fees_cny"), ("注册", "trademark_fees_cny"), ("专利", "patent_fees_cny"),
             ("认证", "certification_fees_cny"), ("检测", "testing_fees_cny"))


def _fees(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    r = c.rates[0]
    base_text = r.base or ""
    keys = []
    for word, key in _FEE_KEYS:
        if word in base_text and key not in keys:
            keys.append(key)
    stated = [k for k in keys if getattr(p, k) is not None]
    if not stated:
        raise _NotComputable(f"profile does not state {' or '.join(keys)} (「{r.base}」)")
    for k in keys:
        if k not in stated:
            ev.conditions.append(f"{k} not stated: counted as no such fees")
    base = sum((getattr(p, k) for k in stated), Decimal(0))
    if base == 0:
        raise _NotEligible(f"{' + '.join(stated)} is 0")
    failed = ev.thresholds(ev.base_metrics())
    if failed:
        raise _NotEligible("; ".join(failed))
    rate = ev.rate(r)
    amount = base * rate
    ev.lines.append(f"{_pct(r.percent)} × {' + '.join(f'{k} {fmt(getattr(p, k))}' for k in stated)} "
                    f"= {fmt(amount)} (「{_segment(c.text, r.text)}」)")
    for cap in _caps(c):
        amount = ev.cap(amount, cap, "amount")
    ev.basis += stated
    cat = "trademark" if keys[0] == "trademark_fees_cny" else "patent" if keys[0] == "patent_fees_cny" \
        else "certification"
    return amount, _primary(c, cat)


def _insurance(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    premium = _need(p.export_credit_insurance_premium_cny, "export_credit_insurance_premium_cny")
    if premium == 0:
        raise _NotEligible("export_credit_insurance_premium_cny is 0")
    r = c.rates[0]
    rate = ev.rate(r)
    amount = premium * rate
    ev.lines.append(f"{_pct(r.percent)} × premium {fmt(premium)} = {fmt(amount)} (「{_segment(c.text, r.text)}」)")
    for cap in _caps(c):
        amount = ev.cap(amount, cap, "amount")
    ev.basis.append("export_credit_insurance_premium_cny")
    return amount, "export-credit-insurance"


def _public_level(c: Clause) -> str | None:
    if "市级公共海外仓" in c.text or "市级跨境电商公共海外仓" in c.text:
        return "city"
    if "省级公共海外仓" in c.text:
        return "province"
    return None


def _warehouse_metrics(ev: _Eval, i: int, w) -> dict[str, _Metric]:
    who = f"overseas_warehouses[{i}]"
    m = ev.base_metrics()
    if w.area_m2 is not None:
        m["area"] = _Metric(w.area_m2, "m2", f"{who}.area_m2")
    if w.months_in_use is not None:
        m["operating-time"] = _Metric(w.months_in_use, "month", f"{who}.months_in_use")
    return m


def _warehouse_bonus(ev: _Eval, w, who: str) -> Decimal:
    extra = Decimal(0)
    for b in ev.c.bonuses:
        if b.amount is None:
            continue
        if re.search(r"一带一路|RCEP|丝路", b.condition or b.text):
            if w.belt_and_road:
                ev.lines.append(f"{who}: in a Belt and Road / RCEP / Silk Road country, + {fmt(b.amount)} "
                                f"(「{b.text}」)")
                if b.condition:
                    ev.conditions.append(b.condition)
                extra += b.amount
            else:
                ev.notes.append(f"{who}: not in a Belt and Road / RCEP / Silk Road country (belt_and_road), "
                                f"no extra 「{b.text}」")
    return extra


def _warehouses(ev: _Eval) -> list[tuple[int, object]]:
    whs = _need(ev.p.overseas_warehouses, "overseas_warehouses")
    if not whs:
        raise _NotEligible("the profile lists no overseas warehouse")
    return list(enumerate(whs))


def _warehouse_build(ev: _Eval) -> tuple[Decimal, str]:
    c = ev.c
    level = _public_level(c)
    r = c.rates[0]
    total, failures = Decimal(0), []
    for i, w in _warehouses(ev):
        who = _label("overseas_warehouses", i, w.name)
        if level and w.public != level:
            failures.append(f"{who} is not a recognised {level}-level public overseas warehouse (public)")
            continue
        cost = _need(w.build_cost_cny, f"{who}.build_cost_cny")
        failed = ev.thresholds(_warehouse_metrics(ev, i, w), who + ": ")
        if failed:
            failures += failed
            continue
        rate = ev.rate(r)
        amount = cost * rate
        ev.lines.append(f"{who}: {_pct(r.percent)} × build cost {fmt(cost)} = {fmt(amount)} "
                        f"(「{_segment(c.text, r.text)}」)")
        for cap in _caps(c):
            if cap.per in (None, "warehouse"):
                amount = ev.cap(amount, cap, who)
        amount += _warehouse_bonus(ev, w, who)
        total += amount
        ev.basis.append(f"overseas_warehouses[{i}]")
    if not ev.basis:
        raise _NotEligible("; ".join(failures))
    ev.notes += failures
    return total, _primary(c, "public-overseas-warehouse", "overseas-warehouse")


def _warehouse_storage(ev: _Eval) -> tuple[Decimal, str]:
    c = ev.c
    level = _public_level(c)
    r = c.rates[0]
    parts, failures = [], []
    for i, w in _warehouses(ev):
        who = _label("overseas_warehouses", i, w.name)
        if level and w.public != level:
            failures.append(f"{who} is not a recognised {level}-level public overseas warehouse (public)")
            continue
        if w.storage_cost_cny is None:
            continue
        parts.append((i, who, w.storage_cost_cny))
    if not parts:
        if failures:
            raise _NotEligible("; ".join(failures))
        raise _NotComputable("profile does not state storage_cost_cny for a public overseas warehouse")
    base = sum((x[2] for x in parts), Decimal(0))
    rate = ev.rate(r)
    amount = base * rate
    ev.lines.append(f"{_pct(r.percent)} × storage fees {' + '.join(f'{fmt(x[2])} ({x[1]})' for x in parts)} "
                    f"= {fmt(amount)} (「{_segment(c.text, r.text)}」)")
    for cap in _caps(c):
        amount = ev.cap(amount, cap, "amount")
    ev.basis += [f"overseas_warehouses[{x[0]}].storage_cost_cny" for x in parts]
    ev.notes += failures
    return amount, _primary(c, "public-overseas-warehouse", "overseas-warehouse")


def _warehouse_award(ev: _Eval) -> tuple[Decimal, str]:
    c = ev.c
    level = _public_level(c) or "city"
    award = _awards(c)[0]
    total, failures = Decimal(0), []
    for i, w in _warehouses(ev):
        who = _label("overseas_warehouses", i, w.name)
        if w.public != level:
            failures.append(f"{who} is not a recognised {level}-level public overseas warehouse (public)")
            continue
        if "新认定" in c.text:
            if w.newly_recognised is None:
                raise _NotComputable(f"{who} does not state whether it was newly recognised this year "
                                     "(newly_recognised)")
            if not w.newly_recognised:
                failures.append(f"{who} was not newly recognised (新认定) this year")
                continue
        ev.lines.append(f"{who}: award {fmt(award.value)} (「{_segment(c.text, award.text)}」)")
        total += award.value + _warehouse_bonus(ev, w, who)
        ev.basis.append(f"overseas_warehouses[{i}]")
    if not ev.basis:
        raise _NotEligible("; ".join(failures))
    ev.notes += failures
    return total, "public-overseas-warehouse"


def _imports(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    text = c.text
    lines = _need(p.imports, "imports")
    if "义新欧" in text:
        chosen = [(i, x) for i, x in enumerate(lines) if x.yixinou_rail]
        what = "imports by the 义新欧 train (yixinou_rail)"
    else:
        kind = next((k for k, pat in (("cbec-1210", "1210模式"), ("cbec-9610", "9610模式"),
                                       ("consumer-goods", "日用消费品"), ("raw-materials", "原材料"))
                     if pat in text), None)
        if kind is None:
            raise _NotComputable("cannot tell from the clause's own text which imports it pays for "
                                 "(it names no kind of import)")
        chosen = [(i, x) for i, x in enumerate(lines) if x.kind == kind]
        what = f"imports of kind {kind} ({IMPORT_KINDS[kind]})"
    if "未运输到" in text:
        port_needed = False
    elif re.search(r"口岸", text) or "运输到" in text:
        port_needed = True
    else:
        port_needed = None
    if port_needed is not None:
        for i, x in chosen:
            if x.local_port is None:
                raise _NotComputable(f"imports[{i}] does not state local_port, needed by "
                                     f"「{_segment(text, '口岸' if '口岸' in text else '运输到')}」")
        chosen = [(i, x) for i, x in chosen if x.local_port == port_needed]
        what += " cleared at the city's port" if port_needed else " not brought to the city"
    if not chosen:
        raise _NotEligible(f"the profile lists no {what}")
    usd = sum((x.usd for _, x in chosen), Decimal(0))
    m = ev.base_metrics()
    m["imports"] = _Metric(usd, "USD", " + ".join(f"imports[{i}].usd" for i, _ in chosen))
    failed = ev.thresholds(m)
    if failed:
        raise _NotEligible("; ".join(failed))
    units = _per_unit(c)
    if units:
        u = units[0]
        if "每新增" in text:
            for i, x in chosen:
                _need(x.increase_usd, f"imports[{i}].increase_usd (the clause pays on growth: 每新增进口)")
            base = sum((x.increase_usd for _, x in chosen), Decimal(0))
            base_what = "growth of imports"
        else:
            base = usd
            base_what = "imports"
        amount = u.value * base
        ev.lines.append(f"{fmt(u.value)} yuan per USD × {base_what} {fmt(base)} USD = {fmt(amount)} "
                        f"(「{_segment(text, u.text)}」)")
    elif c.rates:
        r = c.rates[0]
        rate = ev.rate(r)
        cny = usd * p.usd_cny_rate
        ev.rate_used = True
        amount = cny * rate
        ev.lines.append(f"{_pct(r.percent)} × imports {fmt(usd)} USD × {fmt(p.usd_cny_rate)} CNY/USD "
                        f"= {_pct(r.percent)} × {fmt(cny)} = {fmt(amount)} (「{_segment(text, r.text)}」)")
    else:
        raise _NotComputable("the clause states neither a rate nor an amount per USD")
    for cap in _caps(c):
        amount = ev.cap(amount, cap, "amount")
    ev.basis += [f"imports[{i}]" for i, _ in chosen]
    return amount, "import"


def _parcels(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    u = _per_unit(c)[0]
    block = Decimal(u.unit.split()[0])
    parcels = _need(p.parcels, "parcels")
    if "邮件" in c.text:
        key = "postal_increase"
    elif "快件" in c.text:
        key = "express"
    else:
        raise _NotComputable("cannot tell whether the clause counts postal or express parcels")
    n = _need(getattr(parcels, key), f"parcels.{key}")
    blocks = (Decimal(n) / block).to_integral_value(ROUND_DOWN)
    amount = blocks * u.value
    ev.lines.append(f"parcels.{key} {fmt(Decimal(n))} = {fmt(blocks)} whole blocks of {fmt(block)} "
                    f"× {fmt(u.value)} = {fmt(amount)} (「{_segment(c.text, u.text)}」)")
    if blocks == 0:
        raise _NotEligible(f"parcels.{key} {n} is less than one block of {fmt(block)}")
    for cap in _caps(c):
        amount = ev.cap(amount, cap, "amount")
    ev.basis.append(f"parcels.{key}")
    return amount, "logistics"


def _trainees(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    n = _need(p.trainees, "trainees")
    m = ev.base_metrics()
    t = p.training
    if t is not None:
        if t.enrolment is not None:
            m["enrolment"] = _Metric(Decimal(t.enrolment), "person", "training.enrolment")
        if t.days is not None:
            m["training-days"] = _Metric(Decimal(t.days), "day", "training.days")
        if t.contract_years is not None:
            m["contract-years"] = _Metric(t.contract_years, "year", "training.contract_years")
    failed = ev.thresholds(m)
    if failed:
        raise _NotEligible("; ".join(failed))
    if n == 0:
        raise _NotEligible("trainees is 0")
    u = _per_unit(c)[0]
    amount = u.value * n
    ev.lines.append(f"{fmt(u.value)} per person × {n} trainees = {fmt(amount)} (「{_segment(c.text, u.text)}」)")
    for cap in _caps(c):
        amount = ev.cap(amount, cap, "amount")
    ev.basis.append("trainees")
    return amount, "talent"


def _sessions(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    sessions = _need(p.training_sessions, "training_sessions")
    if not sessions:
        raise _NotEligible("the profile lists no training session")
    r = c.rates[0]
    total, failures = Decimal(0), []
    for i, s in enumerate(sessions):
        who = _label("training_sessions", i, s.name)
        m = ev.base_metrics()
        m["trainees"] = _Metric(Decimal(s.trainees), "person", f"{who}.trainees")
        failed = ev.thresholds(m, who + ": ")
        if failed:
            failures += failed
            continue
        rate = ev.rate(r)
        amount = s.cost_cny * rate
        ev.lines.append(f"{who}: {_pct(r.percent)} × cost {fmt(s.cost_cny)} = {fmt(amount)}")
        for cap in _caps(c):
            if cap.per == "session":
                amount = ev.cap(amount, cap, who)
        total += amount
        ev.basis.append(f"training_sessions[{i}]")
    if not ev.basis:
        raise _NotEligible("; ".join(failures))
    ev.notes += failures
    for cap in _caps(c):
        if cap.per != "session":
            total = ev.cap(total, cap, "total of the sessions")
    return total, "talent"


_RECOGNITION_PATTERNS = {
    "national-cbec-demo-enterprise": ("国家级跨境电商示范企业",),
    "provincial-cbec-demo-enterprise": ("省级跨境电商示范企业",),
    "city-cbec-demo-enterprise": ("市级跨境电商示范企业",),
    "provincial-export-brand": ("省级跨境电商出口知名品牌", "出口知名名牌"),
    "customs-advanced-certified": ("海关高级认证企业",),
    "high-tech-enterprise": ("高新技术企业",),
}


def _recognitions_in(c: Clause) -> list[str]:
    found = [k for k, pats in _RECOGNITION_PATTERNS.items() if any(x in c.text for x in pats)]
    for t in c.tiers:  # 国家、省级跨境电商示范企业，分别给予…: labels '国家' and '省级跨境电商示范企业'
        found += [k for k in RECOGNITIONS if t.label and _names(t.label, k) and k not in found]
    return found


def _names(label: str, key: str) -> bool:
    """A tier label names a recognition: '国家' names 国家级跨境电商示范企业 in a list of demo enterprises."""
    title = RECOGNITIONS[key]
    return label in title or (title.startswith(label.removesuffix("级") + "级") and "示范企业" in title
                               and len(label) <= 3)


def _recognition(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    if not _awards(c) and c.tiers and not any(t.label for t in c.tiers):
        raise _NotComputable("the clause pays different awards for different recognitions (分别给予"
                             f"{'、'.join(fmt(t.amount.value) for t in c.tiers)}) and its tiers carry no "
                             "labels saying which recognition gets which")
    found = _recognitions_in(c)
    have = _need(p.recognitions, "recognitions")
    mine = [k for k in found if k in have]
    if not mine:
        raise _NotEligible("the profile's recognitions include none of: "
                           + ", ".join(f"{k} ({RECOGNITIONS[k]})" for k in found))
    awards = _awards(c)
    if not awards:
        labelled = [t.amount for t in c.tiers for k in mine if t.label and _names(t.label, k)]
        if not labelled:
            raise _NotComputable("the clause pays different awards for different recognitions "
                                 "(分别给予) and none of its labels names the profile's")
        awards = sorted(labelled, key=lambda a: a.value, reverse=True)
    a = awards[0]
    ev.lines.append(f"recognition {', '.join(f'{k} ({RECOGNITIONS[k]})' for k in mine)}: award {fmt(a.value)} "
                    f"(「{_segment(c.text, a.text)}」)")
    if len(mine) > 1:
        ev.notes.append("the profile holds several of the recognitions this clause names; it pays one award")
    ev.basis += [f"recognitions:{k}" for k in mine]
    return a.value, "demonstration-award"


def _tier_pick(ev: _Eval, metrics: dict[str, _Metric]):
    tiers = sorted((t for t in ev.c.tiers if t.threshold), key=lambda t: t.threshold.value)
    best = None
    for t in tiers:
        if ev.threshold(t.threshold, metrics):
            best = t
    return best


def _outbound(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    projects = _need(p.outbound_investments, "outbound_investments")
    if not projects:
        raise _NotEligible("the profile lists no outbound investment")
    total, failures = Decimal(0), []
    for i, x in enumerate(projects):
        who = _label("outbound_investments", i, x.name)
        m = ev.base_metrics()
        m["investment"] = _Metric(x.usd, "USD", f"{who}.usd")
        best = _tier_pick(ev, m)
        if best is None:
            failures.append(f"{who}: {fmt(x.usd)} USD is below the lowest tier")
            continue
        amount = best.amount.value
        ev.lines.append(f"{who}: {fmt(x.usd)} USD reaches the tier of {fmt(best.threshold.value)} USD "
                        f"(「{_quote(c.text, best.threshold.text, 0, 8)}」): {fmt(amount)}")
        for b in c.bonuses:
            if re.search(r"一带一路", b.condition or b.text):
                if x.belt_and_road:
                    if b.percent is not None:
                        extra = amount * b.percent / HUNDRED
                        ev.lines.append(f"{who}: Belt and Road project, + {_pct(b.percent)} = {fmt(extra)} "
                                        f"(「{b.text}」)")
                        amount += extra
                    elif b.amount is not None:
                        ev.lines.append(f"{who}: Belt and Road project, + {fmt(b.amount)} (「{b.text}」)")
                        amount += b.amount
                else:
                    ev.notes.append(f"{who}: not a Belt and Road project (belt_and_road), no 「{b.text}」")
        total += amount
        ev.basis.append(f"outbound_investments[{i}]")
    if not ev.basis:
        raise _NotEligible("; ".join(failures))
    ev.notes += failures
    return total, "outbound-investment"


def _service_trade(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    _need(p.service_exports_usd, "service_exports_usd")
    if "直报系统" in c.text:
        reported = _need(p.service_trade_reported,
                         f"service_trade_reported (「{_segment(c.text, '直报系统')}」)")
        if not reported:
            raise _NotEligible(f"the enterprise does not report as required: 「{_segment(c.text, '直报系统')}」")
        ev.checks.append(f"service_trade_reported: yes (「{_segment(c.text, '直报系统')}」)")
    best = _tier_pick(ev, ev.base_metrics())
    if best is None:
        raise _NotEligible(f"service exports {fmt(p.service_exports_usd)} USD are below the lowest tier")
    ev.lines.append(f"service exports {fmt(p.service_exports_usd)} USD reach the tier of "
                    f"{fmt(best.threshold.value)} USD (「{_quote(c.text, best.threshold.text, 0, 4)}」): "
                    f"{fmt(best.amount.value)}")
    ev.basis.append("service_exports_usd")
    return best.amount.value, "service-trade"


def _promotion(ev: _Eval) -> tuple[Decimal, str]:
    c, p = ev.c, ev.p
    text = c.text
    if "第三方平台" in text:
        keys = ["platform_fees_cny", "platform_promotion_cny", "promotion_cny"]
    elif re.search(r"跨境电子商务平台|跨境电商平台", text):
        keys = ["platform_promotion_cny"]
    else:
        keys = ["promotion_cny"]
    stated = [k for k in keys if getattr(p, k) is not None]
    if not stated:
        raise _NotComputable(f"profile does not state {' or '.join(keys)}")
    for k in keys:
        if k not in stated:
            ev.conditions.append(f"{k} not stated: counted as no such spending")
    if "首次开展" in text:
        first = _need(p.new_to_cross_border, f"new_to_cross_border (「{_segment(text, '首次开展')}」)")
        if not first:
            raise _NotEligible(f"not the enterprise's first year of cross-border e-commerce "
                               f"(「{_segment(text, '首次开展')}」)")
        ev.checks.append(f"new_to_cross_border: yes (「{_segment(text, '首次开展')}」)")
    failed = ev.thresholds(ev.base_metrics())
    if failed:
        raise _NotEligible("; ".join(failed))
    base = sum((getattr(p, k) for k in stated), Decimal(0))
    if base == 0:
        raise _NotEligible(f"{' + '.join(stated)} is 0")
    r = c.rates[0]
    rate = ev.rate(r)
    amount = base * rate
    ev.lines.append(f"{_pct(r.percent)} × {' + '.join(f'{k} {fmt(getattr(p, k))}' for k in stated)} "
                    f"= {fmt(amount)} (「{_segment(text, r.text)}」)")
    for cap in _caps(c):
        amount = ev.cap(amount, cap, "amount")
    ev.basis += stated
    return amount, _primary(c, "brand-promotion", "platform")


# (name, does it claim the clause, handler); the first that claims a clause handles it
_MATCHERS = [
    ("fair", lambda c: _has(c, "exhibition") and bool(c.rates), _fair),
    ("import", lambda c: _has(c, "import") and (any(a.unit == "USD imported" for a in _per_unit(c))
                                                 or any("进口额" in (r.base or "") for r in c.rates)), _imports),
    ("independent-site", lambda c: _has(c, "independent-site"), _site),
    ("fees", lambda c: bool(c.rates) and bool(re.search(r"商标|专利|认证|检测", c.rates[0].base or "")), _fees),
    ("insurance", lambda c: _has(c, "export-credit-insurance") and bool(c.rates), _insurance),
    ("warehouse-storage", lambda c: _has(c, "overseas-warehouse") and bool(c.rates) and "仓储服务" in c.text,
     _warehouse_storage),
    ("warehouse-build", lambda c: _has(c, "overseas-warehouse") and bool(c.rates)
     and bool(re.search(r"建设(?:成本|费用)", c.text)), _warehouse_build),
    ("warehouse-award", lambda c: _has(c, "public-overseas-warehouse") and bool(_awards(c)) and "试点" in c.text,
     _warehouse_award),
    ("parcels", lambda c: any((a.unit or "").endswith("parcels") for a in _per_unit(c)), _parcels),
    ("trainees", lambda c: _has(c, "talent") and any(a.unit == "person" for a in _per_unit(c)), _trainees),
    ("sessions", lambda c: _has(c, "talent") and bool(c.rates) and "每场" in c.text, _sessions),
    ("recognition", lambda c: _has(c, "demonstration-award") and bool(_recognitions_in(c))
     and bool(_awards(c) or c.tiers), _recognition),
    ("outbound", lambda c: any(t.threshold and t.threshold.metric == "investment" for t in c.tiers), _outbound),
    ("service-trade", lambda c: any(t.threshold and t.threshold.metric == "service-exports" for t in c.tiers),
     _service_trade),
    ("promotion", lambda c: bool(c.rates) and _has(c, "brand-promotion", "platform")
     and "推广" in (c.rates[0].base or "") + c.text, _promotion),
]


def _what_it_pays_for(c: Clause) -> str:
    if c.conditions:
        what = c.conditions[0]
    elif c.rates and c.rates[0].base:
        what = c.rates[0].base
    else:
        what = c.text.split("给予")[0].removeprefix("对")[:80]
    return f"「{what}」" + (f" (beneficiary: {c.beneficiary})" if c.beneficiary and c.beneficiary not in what else "")


def _evaluate(doc: Document, c: Clause, profile: Profile) -> tuple[str, Item | Skipped]:
    """('item', Item) or ('not_eligible' | 'not_computable', Skipped)."""
    cat = _primary(c)

    def skip(why: str, status: str = "not_computable", checks: list[str] | None = None):
        return status, Skipped(c.id, cat, why, c.article, c.text, checks=checks or [])

    if c.instrument == "case-by-case":
        return skip("一事一议: decided case by case, no amount in the clause")
    if c.instrument == "reference":
        refs = "; ".join(f"{r.number} {('《' + r.title + '》') if r.title else ''}".strip() for r in c.references)
        return skip(f"amount set by another document: {refs or 'a distribution plan (按照因素法)'}")
    if not c.rates and not c.amounts and not c.tiers:
        return skip("no amount stated: the clause promises support without a sum or a rate")
    if c.ceiling_only:
        return _ceiling(doc, c, profile, skip)
    for _, claims, handler in _MATCHERS:
        if not claims(c):
            continue
        ev = _Eval(doc, c, profile)
        try:
            amount, category = handler(ev)
        except _NotComputable as exc:
            return skip(str(exc))
        except _NotEligible as exc:
            return skip(str(exc), "not_eligible", ev.checks)
        amount = amount.quantize(FEN, ROUND_HALF_UP)
        if ev.rate_used:
            how = "assumed default" if not profile.usd_cny_rate_given else "from the profile"
            ev.conditions.append(f"USD converted at {fmt(profile.usd_cny_rate)} CNY/USD ({how})")
        explanation = "; ".join(ev.lines) + f". Amount {fmt(amount)} CNY."
        return "item", Item(c.id, doc.city_shown, doc.number, c.article, category, amount, explanation, ev.conditions,
                            ev.checks, ev.notes, _period(c), ev.bound, ev.basis, c.text, _funding(doc, c),
                            ev.rate_used)
    return skip(f"profile does not state what this clause pays for: {_what_it_pays_for(c)}")


def _ceiling_basis(ev: _Eval) -> tuple[list[str], str]:
    """For a clause that states only a ceiling: the profile data showing the enterprise does what
    it pays for, and the category; raises when the profile does not say."""
    c, p = ev.c, ev.p
    if _has(c, "independent-site"):
        sites = _need(p.independent_sites, "independent_sites")
        if not sites:
            raise _NotEligible("the profile lists no independent site")
        return [f"independent_sites[{i}]" for i in range(len(sites))], "independent-site"
    if _has(c, "public-overseas-warehouse"):
        level = _public_level(c) or "city"
        mine = [i for i, w in _warehouses(ev) if w.public == level]
        if not mine:
            raise _NotEligible(f"the profile lists no recognised {level}-level public overseas warehouse (public)")
        return [f"overseas_warehouses[{i}]" for i in mine], "public-overseas-warehouse"
    if _has(c, "export-business") and "出口" in c.text:
        m = ev.base_metrics().get("exports")
        if m is None:
            raise _NotComputable("profile does not state exports (exports_usd or exports_cny)")
        if m.value == 0:
            raise _NotEligible(f"{m.where} is 0")
        return [m.where], "export-business"
    raise _NotComputable(f"profile does not state what this clause pays for: {_what_it_pays_for(c)}")


def _ceiling(doc: Document, c: Clause, profile: Profile, skip):
    """A clause that states only an upper bound: an item with amount None and up_to_cny."""
    caps = ", ".join(f"「{_segment(c.text, a.text)}」" for a in _caps(c)) or \
        ", ".join(f"不超过{fmt(t.amount.value)}" for t in c.tiers)
    if c.max_per_enterprise_cny is None:
        return skip(f"upper bound only: {caps}, with no bound per enterprise in the text")
    ev = _Eval(doc, c, profile)
    try:
        basis, category = _ceiling_basis(ev)
        failed = ev.thresholds(ev.base_metrics())
        if failed:
            raise _NotEligible("; ".join(failed))
    except _NotComputable as exc:
        return skip(f"{exc}; the clause would pay up to {fmt(c.max_per_enterprise_cny)} CNY ({caps})")
    except _NotEligible as exc:
        return skip(str(exc), "not_eligible", ev.checks)
    explanation = (f"up to {fmt(c.max_per_enterprise_cny)} CNY ({c.max_basis}): the clause states only a ceiling "
                   f"({caps}) and no rule for the amount, which is decided case by case")
    return "item", Item(c.id, doc.city, doc.number, c.article, category, None, explanation, ev.conditions,
                        ev.checks, ev.notes, _period(c), "ceiling", basis, c.text, _funding(doc, c),
                        ev.rate_used, c.max_per_enterprise_cny)


def _funding(doc: Document, c: Clause) -> list[str]:
    rules = {r.id: r for r in doc.funding_rules}
    out = []
    for rid in c.funding:
        r = rules.get(rid)
        if r is None:
            continue
        if r.kind == "shared" and r.city_share is not None:
            out.append(f"city {fmt(r.city_share)}% / local {fmt(r.local_share)}% in "
                       f"{'、'.join(r.districts) or 'all districts'}")
        else:
            out.append(r.text)
    return out


# --- stacking -------------------------------------------------------------------------------

def _article_number(c: Clause) -> str:
    return c.article_key.split(".")[-1]


def _stack(docs: list[Document], items: list[Item], clauses: dict[str, Clause]) -> tuple[list[Item], list[Skipped]]:
    kept = list(items)
    excluded: list[Skipped] = []

    def drop(it: Item, reason: str):
        if it in kept:
            kept.remove(it)
            excluded.append(Skipped(it.clause_id, it.category, reason, it.article, it.source_text, it.most))

    # clause rules naming the articles they do not combine with: 该条款与第11条、第12条不重复享受
    for it in list(kept):
        c = clauses[it.clause_id]
        for rule in c.stacking:
            if rule.kind not in ("no-duplicate", "highest-only") or not rule.excludes_articles or it not in kept:
                continue
            nums = {re.sub(r"\D", "", a) for a in rule.excludes_articles}
            others = [o for o in kept if o is not it and clauses[o.clause_id].doc_id == c.doc_id
                      and _article_number(clauses[o.clause_id]) in nums]
            if not others:
                continue
            other_total = sum((o.most for o in others), Decimal(0))
            names = ", ".join(o.clause_id for o in others)
            if it.most >= other_total:
                for o in others:
                    drop(o, f"「{rule.text}」 ({c.id}): kept the higher, {c.id} {fmt(it.most)} against "
                            f"{names} {fmt(other_total)}")
                it.notes.append(f"「{rule.text}」: kept, {fmt(it.most)} ≥ {names} {fmt(other_total)}")
            else:
                drop(it, f"「{rule.text}」: kept the higher, {names} {fmt(other_total)} against "
                         f"{fmt(it.most)}")
                for o in others:
                    o.notes.append(f"「{rule.text}」 ({c.id}): kept, {fmt(other_total)} > {fmt(it.most)}")

    # document rules: 同一事项涉及多项奖补的，按“就高”原则不重复享受 / 同一申报数据…不叠加
    for d in docs:
        rules = [s for s in d.stacking if s.kind in ("highest-only", "no-duplicate")
                 and ("同一" in s.text or "就高" in s.text)]
        if not rules:
            continue
        rule = sorted(rules, key=lambda s: "同一" not in s.text)[0]  # the one about the same matter or data
        in_doc = [it for it in kept if clauses[it.clause_id].doc_id == d.id]
        for it in sorted(in_doc, key=lambda x: -x.most):
            if it not in kept:
                continue
            for o in [o for o in in_doc if o is not it and o in kept and set(o.basis) & set(it.basis)]:
                shared = ", ".join(sorted(set(o.basis) & set(it.basis)))
                drop(o, f"「{rule.text}」 ({d.number}): same profile data ({shared}) as {it.clause_id}; "
                        f"kept the higher {fmt(it.most)} against {fmt(o.most)}")
                it.notes.append(f"「{rule.text}」: kept against {o.clause_id} ({fmt(o.most)}), same data")

    # no rule: say so when two items are computed on the same data
    for it in kept:
        for o in kept:
            if o is not it and set(o.basis) & set(it.basis):
                it.notes.append(f"computed on the same profile data as {o.clause_id} "
                                f"({', '.join(sorted(set(o.basis) & set(it.basis)))}); "
                                "the document states no rule against combining them")
    return kept, excluded


# --- the estimate ---------------------------------------------------------------------------

def estimate(docs: list[Document], profile: Profile, as_of: date | None = None) -> Estimate:
    """Per city, on `as_of` (else the profile's, else today): the incentives the profile qualifies
    for, the amounts, and everything else."""
    on = as_of or profile.as_of or date.today()
    by_city: dict[str, list[Document]] = {}
    for d in docs:
        by_city.setdefault(d.city_shown, []).append(d)
    cities = sorted(by_city)
    if profile.cities:
        cities = [c for c in profile.cities if c in by_city]
    out = []
    rate_used = False
    for city in cities:
        city_docs = by_city[city]
        items, not_eligible, not_computable, not_in_force = [], [], [], []
        clauses = {}
        for d in city_docs:
            force = in_force(d.validity, on)
            for c in d.clauses:
                if c.kind != "incentive":
                    continue
                if force is False:
                    not_in_force.append(Skipped(
                        c.id, _primary(c), f"{d.number or d.id} is not in force on {on.isoformat()}: "
                        f"{validity_words(d.validity)}", c.article, c.text,
                        valid_from=d.validity.effective or d.validity.issued, valid_to=d.validity.expiry))
                    continue
                clauses[c.id] = c
                status, r = _evaluate(d, c, profile)
                if status == "item":
                    items.append(r)
                    rate_used = rate_used or r.usd_converted
                elif status == "not_eligible":
                    not_eligible.append(r)
                else:
                    not_computable.append(r)
        kept, excluded = _stack(city_docs, items, clauses)
        total = sum((i.amount_cny for i in kept if i.amount_cny is not None), Decimal(0))
        up_to = total + sum((i.up_to_cny for i in kept if i.amount_cny is None and i.up_to_cny), Decimal(0))
        out.append(CityEstimate(city, [d.number or d.id for d in city_docs], total,
                                any(i.bound == "maximum" for i in kept), kept, excluded, not_eligible,
                                not_computable, up_to, not_in_force))
    assumptions = []
    if not profile.usd_cny_rate_given:
        assumptions.append(f"usd_cny_rate not given: {fmt(profile.usd_cny_rate)} CNY per USD assumed"
                           + (" (used)" if rate_used else " (not needed)"))
    assumptions.append(f"the estimate holds on {on.isoformat()}: a policy not in force on that date pays nothing "
                       "(listed under not in force)")
    undated = sorted({d.number or d.id for d in docs if in_force(d.validity, on) is None})
    if undated:
        assumptions.append(f"no validity dates stated in {', '.join(undated)}: taken as in force")
    assumptions.append("totals add one-time and yearly amounts granted for the profile's year")
    assumptions.append("total_cny is what is certain; up_to_cny adds the clauses that state only a ceiling "
                       "(给予不超过…), each at the most it pays one enterprise")
    assumptions.append("amounts marked 'maximum' come from a rate the clause states as a ceiling "
                       "(不超过70%): the clause pays at most that much")
    return Estimate(profile.name, profile.usd_cny_rate, not profile.usd_cny_rate_given, assumptions, out, on)


# --- output -----------------------------------------------------------------------------------

def estimate_record(est: Estimate) -> dict:
    """The JSON shape of `policykg estimate --format json` (numbers via policykg.records.num)."""
    from policykg.records import num

    def skipped(s: Skipped) -> dict:
        r = {"clause_id": s.clause_id, "category": s.category, "article": s.article, "reason": s.reason}
        if s.amount_cny is not None:
            r["amount_cny"] = num(s.amount_cny)
        if s.checks:
            r["checks"] = s.checks
        if s.valid_from or s.valid_to:
            r["valid_from"] = s.valid_from.isoformat() if s.valid_from else None
            r["valid_to"] = s.valid_to.isoformat() if s.valid_to else None
        r["source_text"] = s.source_text
        return r

    return {
        "profile": est.profile,
        "as_of": est.as_of.isoformat(),
        "usd_cny_rate": num(est.usd_cny_rate),
        "usd_cny_rate_assumed": est.usd_cny_rate_assumed,
        "assumptions": est.assumptions,
        "cities": [{
            "city": c.city, "documents": c.documents, "total_cny": num(c.total_cny),
            "up_to_cny": num(c.up_to_cny), "total_is_maximum": c.total_is_maximum,
            "items": [{
                "clause_id": i.clause_id, "category": i.category, "document": i.document, "article": i.article,
                "amount_cny": num(i.amount_cny), "up_to_cny": num(i.up_to_cny), "period": i.period,
                "bound": i.bound,
                "explanation": i.explanation, "conditions": i.conditions, "checks": i.checks, "notes": i.notes,
                "basis": i.basis, "funding": i.funding, "source_text": i.source_text,
            } for i in c.items],
            "excluded": [skipped(s) for s in c.excluded],
            "not_eligible": [skipped(s) for s in c.not_eligible],
            "not_computable": [skipped(s) for s in c.not_computable],
            "not_in_force": [skipped(s) for s in c.not_in_force],
        } for c in est.cities],
    }


def estimate_table(est: Estimate) -> str:
    """A plain-text report: per city the total, the items with their arithmetic, and the rest."""
    out = [f"profile: {est.profile or '(unnamed)'}", f"as of: {est.as_of.isoformat()}"]
    out += [f"assumption: {a}" for a in est.assumptions]
    for c in est.cities:
        out.append("")
        mark = " (at most)" if c.total_is_maximum else ""
        upto = f", up to {fmt(c.up_to_cny)} CNY with ceilings" if c.up_to_cny != c.total_cny else ""
        out.append(f"== {c.city} ({', '.join(c.documents)}): total {fmt(c.total_cny)} CNY{mark}{upto}")
        if c.items:
            w = max(len(i.clause_id) for i in c.items)
            for i in c.items:
                bound = " max" if i.bound == "maximum" else ""
                shown = fmt(i.amount_cny) if i.amount_cny is not None else f"up to {fmt(i.up_to_cny)}"
                out.append(f"  {i.clause_id:<{w}}  {shown:>12}{bound}  {i.period:<11} {i.category}")
                out.append(f"      {i.explanation}")
                for x in i.checks:
                    out.append(f"      check: {x}")
                for x in i.conditions:
                    out.append(f"      assumes: {x}")
                for x in i.notes:
                    out.append(f"      note: {x}")
                out.append(f"      source: {i.article} {i.source_text}")
        for title, rows in (("excluded by a stacking rule", c.excluded), ("not eligible", c.not_eligible),
                            ("not computable", c.not_computable), ("not in force", c.not_in_force)):
            if rows:
                out.append(f"  {title}: {len(rows)}")
                for s in rows:
                    amount = f" ({fmt(s.amount_cny)})" if s.amount_cny is not None else ""
                    out.append(f"    {s.clause_id}{amount}: {s.reason}")
    return "\n".join(out) + "\n"
