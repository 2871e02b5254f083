"""Clause models: the typed result of ingesting one policy document.

Everything downstream (the RDF graph, Neo4j, the app, estimates) is built from these
dataclasses, and `to_json`/`from_json` keep them as the store's clause-model file.
Offsets (`Span`) always refer to the original file's characters (or, for PDF, DOCX and
HTML, to the extracted text saved beside the store).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass
class Span:
    """Characters start..end of the source; `gaps` are noise inside it (page numbers)."""

    start: int
    end: int
    gaps: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Amount:
    """A sum of money granted, capped or added by a clause, in yuan (exact)."""

    value: Decimal
    role: str  # award | cap | per-unit | bonus | tier
    per: str | None = None  # enterprise | site | booth | event | person | ... (see ontology)
    per_year: bool = False  # the cap or award renews every year
    unit: str | None = None  # for per-unit amounts: what one unit is (USD imported, trainee, m2-month)
    qualifier: str | None = None  # e.g. 境外 / 境内 when one clause has several caps
    span: Span | None = None
    text: str = ""
    basis: str | None = None  # what the sum is per, always set by ingest.payout (per: vocabulary, m2, usd …)
    period: str | None = None  # one-time | yearly | term (the text names none: it bounds the whole term)


@dataclass
class Rate:
    """A percentage of a cost base (50 means 50%)."""

    percent: Decimal
    base: str | None = None  # the cost the percentage applies to, as written
    qualifier: str | None = None
    span: Span | None = None
    text: str = ""
    maximum: bool = False  # stated as a ceiling (不超过60%, 最高按70%): rate x base is the most it pays


@dataclass
class Threshold:
    """A minimum (or maximum) a beneficiary must reach: 200万美元以上 is op '>=' 2000000 USD."""

    metric: str  # exports | imports | turnover | area | enterprises | trainees | ... (see ontology)
    op: str  # '>=' | '>' | '<=' | '<'
    value: Decimal
    unit: str  # USD | CNY | m2 | enterprise | person | day | year | month | ...
    span: Span | None = None
    text: str = ""
    scope: str | None = None  # whose figure: enterprise | site | warehouse | … (set by ingest.payout)


@dataclass
class Tier:
    """One step of a tiered award: reach `threshold`, get `amount`."""

    threshold: Threshold | None
    amount: Amount
    label: str | None = None


@dataclass
class Bonus:
    """An extra on top of the base award (再增加10万元, 上浮10%)."""

    condition: str
    amount: Decimal | None = None  # yuan
    percent: Decimal | None = None
    span: Span | None = None
    text: str = ""


@dataclass
class StackingRule:
    """A rule about combining awards: 就高不叠加, 不重复享受, or an explicit permission."""

    kind: str  # highest-only | no-duplicate | allowed | once-only
    text: str
    span: Span | None = None
    excludes_articles: list[str] = field(default_factory=list)


@dataclass
class FundingRule:
    """Who pays: city and district shares, or the local government, for some articles."""

    id: str
    kind: str  # shared | local | city | fiscal-system
    text: str
    city_share: Decimal | None = None  # percent
    local_share: Decimal | None = None  # percent
    districts: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)  # article labels it applies to ([] = all)
    except_articles: list[str] = field(default_factory=list)
    span: Span | None = None


@dataclass
class CountLimit:
    """每家企业最多2个独立站: at most `count` units (`unit`) count for one `per`."""

    count: int
    unit: str  # site | store | booth | warehouse | event | ...
    per: str = "enterprise"
    span: Span | None = None
    text: str = ""


@dataclass
class Requirement:
    """A condition as a structured field: 新建, 直接持有域名, the site's own turnover, 运营一年以上,
    市级公共海外仓 (a public overseas warehouse recognised at a level), 新认定 (recognised this year),
    首次开展跨境电商 (the enterprise's first year), 在…直报系统填报 (reporting)."""

    kind: str  # new-build | domain-ownership | own-turnover | operating-time | public-warehouse | new-recognition
    #            | first-year | reporting
    op: str | None = None  # '>=' | '>' for a measured requirement
    value: Decimal | None = None
    unit: str | None = None  # percent | CNY | USD | year | ...
    scope: str | None = None  # whose figure: site | warehouse | enterprise
    direct: bool | None = None  # domain-ownership: held directly (True) or directly or indirectly (False)
    span: Span | None = None
    text: str = ""
    level: str | None = None  # public-warehouse: the level that recognises it (city | province)


@dataclass
class Validity:
    issued: date | None = None
    printed: date | None = None
    effective: date | None = None
    expiry: date | None = None
    expiry_computed: bool = False
    duration: str | None = None  # the duration as written, e.g. 有效期五年
    awards_from: date | None = None
    awards_to: date | None = None
    span: Span | None = None


@dataclass
class Reference:
    """A citation of another document: its number and, where given, its title."""

    number: str
    title: str | None = None
    span: Span | None = None


@dataclass
class Article:
    """A unit of the document's structure: section (一、), item (（一）, 1.), 第X条, annex."""

    key: str  # stable path key, e.g. "1.2" or "annex.1.1"
    label: str  # the label path as printed, e.g. "一、2" or "第五条（三）"
    level: int
    title: str | None
    kind: str  # section | article | item | annex | closing
    parent: str | None
    span: Span | None = None


@dataclass(kw_only=True)
class ClauseFields:
    """What a provision says: the fields ingest.fields extracts from its text."""

    instrument: str | None = None
    rates: list[Rate] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    tiers: list[Tier] = field(default_factory=list)
    bonuses: list[Bonus] = field(default_factory=list)
    one_time: bool | None = None
    beneficiary: str | None = None
    conditions: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    stacking: list[StackingRule] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # money/percent text not understood


@dataclass(kw_only=True)
class Clause(ClauseFields):
    """One provision: the unit every comparison, query and estimate works on."""

    id: str
    doc_id: str
    article: str  # label path
    article_key: str
    kind: str  # incentive | measure | target | general
    text: str
    span: Span
    categories: list[str] = field(default_factory=list)  # direct concept slugs
    funding: list[str] = field(default_factory=list)  # ids of FundingRules that apply
    # the payout model (ingest.payout, run after the fields): how the amount is set and bounded
    count_limits: list[CountLimit] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    max_per_enterprise_cny: Decimal | None = None  # the most one enterprise gets in a year; None: no bound
    max_basis: str | None = None  # how max_per_enterprise_cny was reached, in words (English)
    ceiling_only: bool = False  # the clause states only an upper bound, the amount decided case by case


@dataclass
class Evidence:
    """How a document fact was found: which rule read which text (or the sidecar / command line)."""

    field: str  # place | number | title | issuer | issued | valid_from | valid_to | status | source_url
    rule: str  # issuer-line | signature | title | number-prefix | bureau | body | sidecar | command-line | ...
    text: str  # the text the rule read (or the value given)
    result: str  # what it gave ("温州 (浙江省, city)"), or why it was rejected
    accepted: bool = True
    span: Span | None = None


STATUSES = ("draft", "in-force", "repealed", "unknown")  # the pkg:DocumentStatus individuals (tests/test_labels.py)
UNKNOWN_CITY = "未知"  # how an unknown city is shown: the zh label of pkg:unknownCity
LEVELS = ("province", "city", "district", "county")


@dataclass
class Document:
    id: str
    file: str  # path relative to the project root (or to the store for extracted text)
    sha256: str
    city: str | None  # short name (温州); the province (浙江省) for a provincial document; None: unknown
    number: str | None
    title: str | None
    issuer: str | None
    validity: Validity
    funding_rules: list[FundingRule] = field(default_factory=list)
    stacking: list[StackingRule] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    uncovered: list[dict] = field(default_factory=list)  # money/percent outside any clause
    synthetic: bool = False
    province: str | None = None  # 浙江省
    district: str | None = None  # the district or county that issued it (鹿城区, 同江市)
    level: str | None = None  # the issuer's level: one of LEVELS, None when the place is unknown
    status: str = "unknown"  # one of STATUSES; 征求意见稿 makes it a draft
    source_url: str | None = None
    unstructured: bool = False  # no numbering: paragraphs became the clauses
    origin: list[Evidence] = field(default_factory=list)  # how city, number, dates... were found
    warnings: list[str] = field(default_factory=list)  # what is missing or not understood

    def funding_of(self, clause: Clause) -> list[FundingRule]:
        """The funding rules a clause names (clause.funding), in its order; an id the document does
        not hold is left out."""
        rules = {r.id: r for r in self.funding_rules}
        return [rules[i] for i in clause.funding if i in rules]

    @property
    def city_shown(self) -> str:
        """The city, or 未知 when it is unknown (as the graph labels it)."""
        return self.city or UNKNOWN_CITY


# --- JSON (de)serialisation -------------------------------------------------------------

def _encode(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, date):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj):
        return {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_encode(x) for x in obj]
    return obj


def to_json(model: Document | Clause) -> dict:
    """A JSON-ready dict of a Document or one of its Clauses; decimals become strings so that 0.03
    stays 0.03."""
    return _encode(model)


_DECIMALS = {"value", "percent", "amount", "city_share", "local_share", "max_per_enterprise_cny"}
_DATES = {"issued", "printed", "effective", "expiry", "awards_from", "awards_to"}


def _decode(cls, data):
    if data is None:
        return None
    kwargs = {}
    hints = {f.name: f for f in dataclasses.fields(cls)}
    for name, value in data.items():
        if name not in hints:
            continue
        kwargs[name] = _decode_field(cls, name, value)
    return cls(**kwargs)


_NESTED = {
    (Document, "validity"): Validity, (Document, "funding_rules"): FundingRule,
    (Document, "stacking"): StackingRule, (Document, "references"): Reference,
    (Document, "articles"): Article, (Document, "clauses"): Clause, (Document, "origin"): Evidence,
    (Clause, "span"): Span, (Clause, "rates"): Rate, (Clause, "amounts"): Amount,
    (Clause, "thresholds"): Threshold, (Clause, "tiers"): Tier, (Clause, "bonuses"): Bonus,
    (Clause, "references"): Reference, (Clause, "stacking"): StackingRule,
    (Tier, "threshold"): Threshold, (Tier, "amount"): Amount,
    (Clause, "count_limits"): CountLimit, (Clause, "requirements"): Requirement,
}


def _decode_field(cls, name, value):
    if value is None:
        return None
    if name == "span":
        return Span(value["start"], value["end"], [tuple(g) for g in value.get("gaps", [])])
    if name == "gaps":
        return [tuple(g) for g in value]
    nested = _NESTED.get((cls, name))
    if nested is not None:
        if isinstance(value, list):
            return [_decode(nested, v) for v in value]
        return _decode(nested, value)
    if name in _DECIMALS and isinstance(value, str):
        return Decimal(value)
    if name in _DATES and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def from_json(data: dict) -> Document:
    return _decode(Document, data)
