"""The words of a draft, read from the ontology (the one vocabulary): how a drafted clause names a
category's subject, a per-what, a period, a metric, a unit and a cost base (pkg:clauseWording, else
the term's label), the headings, columns and notes of a draft in zh or en (pkg:DraftText
individuals), and amounts written the way the documents write them (20万元, 1亿元, 200万美元).
"""
from __future__ import annotations

import string
from decimal import Decimal
from functools import cache

from rdflib import Literal, URIRef

from graph import vocabulary
from graph.namespaces import BASE, CAT, INSTRUMENT, METRIC, PER, PERIOD, PKG, SKOS
from ingest import lexicon
from policykg.errors import PolicyKGError

UNIT = BASE + "unit/"
COST = BASE + "cost/"
SCOPE_WORDS = {"site": PER.site, "store": PER.store, "warehouse": PER.warehouse, "enterprise": PER.enterprise}
KIND_WORDS = {"cap": "draft-kind-cap", "ceiling": "draft-kind-ceiling"}
ROLE_OF_KIND = {"award": "award", "per-unit": "per-unit", "bonus": "bonus"}
# the frames of a drafted clause: where the ontology keeps each one (pkg:clauseWording)
FRAMES = {"subject": PKG.Incentive, "threshold": PKG.Threshold, "proportional": INSTRUMENT.proportional,
          "per-unit": INSTRUMENT["per-unit"], "fixed": INSTRUMENT.fixed, "ceiling": INSTRUMENT.ceiling,
          "tiered": INSTRUMENT.tiered, "cap": PKG.Cap, "bonus": PKG.BonusAmount, "funding": PKG.FundingRule}
Fragment = tuple[str, str | None]  # a piece of a clause and the parameter it shows (None: words only)
NOUNS = ("资金扶持", "资金支持", "资金奖励", "补助", "奖励")  # grant nouns a drafted clause keeps


@cache
def _wordings() -> dict[str, dict[str, str]]:
    """{IRI: {language: wording}} of every term with a pkg:clauseWording."""
    out: dict[str, dict[str, str]] = {}
    for s, o in vocabulary.ontology_graph().subject_objects(PKG.clauseWording):
        if isinstance(o, Literal) and o.language:
            out.setdefault(str(s), {})[o.language] = str(o)
    return out


def _word(iri: URIRef | str, lang: str) -> str | None:
    """How a clause words the term `iri` in `lang` (its pkg:clauseWording in zh, else its label)."""
    return _wordings().get(str(iri), {}).get(lang) or vocabulary.label(iri, lang)


def frame(name: str, **values: str | Fragment | list[Fragment]) -> list[Fragment]:
    """The clause frame `name` of the ontology filled in: a word value is plain text, a (text,
    parameter) value is a footnoted fragment, a list of them is a frame within; empty values leave
    nothing.

    >>> frame("ceiling", yearly="", cap=("20万元", "cap"), once=("一次性", "one_time"), noun="补助")
    [('给予不超过', None), ('20万元', 'cap'), ('的', None), ('一次性', 'one_time'), ('补助', None)]
    """
    template = _wordings().get(str(FRAMES[name]), {}).get("zh")
    if template is None:
        raise PolicyKGError(f"ontology/policykg.ttl: no pkg:clauseWording (zh) for the {name} frame of a draft")
    out: list[Fragment] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        if literal:
            out.append((literal, None))
        if not field:
            continue
        if field not in values:
            raise PolicyKGError(f"ontology/policykg.ttl: the {name} frame of a draft names {{{field}}}, "
                                f"which a draft does not fill; one of: {', '.join(sorted(values))}")
        value = values[field]
        if isinstance(value, list):
            out += value
        elif isinstance(value, tuple):
            if value[0]:
                out.append(value)
        elif value:
            out.append((value, None))
    return out


def text(key: str, lang: str = "zh", **values: object) -> str:
    """A drafting text of the ontology (pkg:draft-KEY) in `lang`, placeholders filled in.

    >>> text("parameters", "zh"), text("parameters", "en"), text("count", "en", n=3)
    ('参数', 'Parameters', ' (n=3)')
    """
    label = vocabulary.label(PKG[f"draft-{key}"], lang)
    if label is None:
        raise KeyError(f"ontology/policykg.ttl declares no pkg:draft-{key} with a {lang} label")
    return label.format(**values) if values else label


def subject(category: str, lang: str = "zh") -> str:
    """Who does what in a category, as a clause says it: 自建跨境电商独立站."""
    own = _wordings().get(str(CAT[category]), {}).get(lang)
    return own or text("subject", lang, category=vocabulary.label(CAT[category], lang) or category)


def per(basis: str | None, lang: str = "zh") -> str:
    """What an amount is per, as a clause says it: 单个独立站, 单家企业 (none stated: per enterprise)."""
    return _word(PER[basis or "enterprise"], lang) or basis or ""


def period(period_slug: str | None, lang: str = "zh") -> str:
    """One-time, yearly or for the policy's term; none stated says so."""
    if period_slug is None:
        return text("period-none", lang)
    return _word(PERIOD[period_slug], lang) or period_slug


def metric(slug: str, scope: str | None = None, lang: str = "zh") -> str:
    """A threshold's metric as a clause says it; a site's own turnover is its back-office data."""
    if scope == "site" and slug == "turnover":
        return text("site-turnover", lang)
    return _word(METRIC[slug], lang) or slug


def scope(slug: str | None, lang: str = "zh") -> str:
    """Whose figure a threshold is: 每个独立站自身 (the enterprise's own: nothing said)."""
    if slug is None or slug not in SCOPE_WORDS or slug == "enterprise":
        return ""
    return text("whose", lang, figure=(vocabulary.label(SCOPE_WORDS[slug], lang) or slug).removeprefix("per "))


def unit(slug: str | None, lang: str = "zh") -> str:
    """A unit's word: 元, 美元, 平方米, 年, %."""
    if slug == "percent":
        return "%"
    if slug in (None, "CNY"):
        return "元" if lang == "zh" else "yuan"
    return vocabulary.label(URIRef(UNIT + slug), lang) or slug


def per_unit(notation: str, lang: str = "zh") -> str:
    """What one unit of a per-unit amount is, by the unit's notation: 每进口1美元, 每平方米每月, 每人.

    >>> per_unit("USD imported"), per_unit("m2-month"), per_unit("person"), per_unit("widget")
    ('每进口1美元', '每平方米每月', '每人', '每widget')
    """
    g = vocabulary.ontology_graph()
    said = [vocabulary.label(str(s), lang) or "" for s in g.subjects(SKOS.notation, Literal(notation))
            if str(s).startswith(UNIT)]
    each = "每" if lang == "zh" else "per "
    return next((x for x in sorted(said) if x.startswith(each)), f"{each}{said[0] if said else notation}")


def kind(slug: str, lang: str = "zh") -> str:
    """What kind of amount a group holds: a cap on a rate, a ceiling only, a fixed award …"""
    if slug in KIND_WORDS:
        return text(KIND_WORDS[slug].removeprefix("draft-"), lang)
    return vocabulary.term_label("role", ROLE_OF_KIND.get(slug, slug), lang) or slug


def cost_base(written: str | None) -> str | None:
    """The cost-base term of a rate's written base: the lexicon's phrase found first in it, else None.

    >>> cost_base("实际支付展位费用"), cost_base("技术服务费、推广费等支出费用"), cost_base("企业投资额")
    ('booth-fees', 'service-fees', 'investment')
    >>> cost_base("企业投保的出口信保保费"), cost_base("年度某某"), cost_base(None)
    ('premium', None, None)
    """
    if not written:
        return None
    found = [(written.find(p), term) for term, entry in lexicon.default().terms("cost-base").items()
             for p in entry.phrases if p in written]
    return min(found)[1] if found else None


def cost_label(term: str, lang: str = "zh") -> str:
    """A cost base's label: 展位费 / booth fees."""
    return vocabulary.label(URIRef(COST + term), lang) or term


def parameter(name: str, lang: str = "zh") -> str:
    """A draft parameter's label, the ontology's class or term label (rate: 比例 / Rate)."""
    iri = {"rate": PKG.Rate, "cap": PKG.Cap, "award": PKG.Award, "per_unit": PKG.PerUnitAmount,
           "bonus": PKG.BonusAmount, "threshold": PKG.Threshold, "one_time": PKG.Period,
           "city_share": PKG.FundingRule}[name]
    return vocabulary.label(iri, lang) or name


def fmt(d: Decimal) -> str:
    """A number with thousands separators and no trailing zeros: 1,234.5."""
    d = d.normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return f"{d:,f}"


def plain(d: Decimal) -> str:
    """A number without separators: 1234.5."""
    return fmt(d).replace(",", "")


def zh_amount(v: Decimal, unit_slug: str | None = "CNY") -> str:
    """Money and quantities the way the documents write them.

    >>> zh_amount(Decimal(200000)), zh_amount(Decimal(8000)), zh_amount(Decimal(2000000), "USD")
    ('20万元', '8000元', '200万美元')
    >>> zh_amount(Decimal(100000000)), zh_amount(Decimal(3000), "m2"), zh_amount(Decimal(50), "percent")
    ('1亿元', '3000平方米', '50%')
    """
    word = unit(unit_slug or "CNY", "zh")
    if unit_slug in ("CNY", "USD", None):
        if v >= 100000000 and v % 100000000 == 0:
            return f"{plain(v / 100000000)}亿{word}"
        if v >= 10000:
            return f"{plain(v / 10000)}万{word}"
    return f"{plain(v)}{word}"


def amount(v: Decimal, unit_slug: str | None = "CNY", lang: str = "zh") -> str:
    """An amount in `lang`: 20万元, or 'CNY 200,000 (20万元)'; a quantity with its unit (1 year).

    >>> amount(Decimal(200000), "CNY", "en"), amount(Decimal(1), "year", "en"), amount(Decimal(50), "percent", "en")
    ('CNY 200,000 (20万元)', '1 year', '50%')
    """
    if lang == "zh" or unit_slug == "percent":
        return zh_amount(v, unit_slug)
    if unit_slug in ("CNY", "USD", None):
        return f"{unit_slug or 'CNY'} {fmt(v)} ({zh_amount(v, unit_slug)})"
    return f"{fmt(v)} {unit(unit_slug, lang)}"
