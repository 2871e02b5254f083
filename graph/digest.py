"""A clause's comparison lists as text: what the named queries show in their list columns.

For every incentive, graph/rdf.py writes one literal per list (pkg:rateList, pkg:capList,
pkg:awardList, pkg:tierList, pkg:thresholdList, pkg:bonusList, pkg:fundingList): the items
rendered in English, sorted, without duplicates and joined by "|" (graph.named_queries reads
that separator as a list). They are derived data: the structured nodes (pkg:amount, pkg:threshold,
...) stay the authority, and the Cypher queries still render the same text from the property
graph's structure, so the parity tests check one rendering against the other.

Why: a comparison query over 5,000 documents would otherwise aggregate every clause's caps,
awards, tiers, thresholds, bonuses and funding with OPTIONAL and GROUP_CONCAT, whose cross
product per clause made a query take seconds; one literal per list is one lookup per clause.

Each rendering is the one the .cypher files build (queries/compare-category.cypher):
``200000 CNY per website per year (qualifier)``, ``50000 CNY per 个``, ``300000 CNY if
exports >= 2000000 USD``, ``exports >= 2000000 USD``, ``+50000 CNY: condition``,
``+10%: condition``, ``split: city 50%, local 50%``. An item whose parts are missing (a threshold
metric without an English label) is left out, as the queries leave it out.
"""
from __future__ import annotations

from graph.iris import decimal_literal
from graph.vocabulary import COMPARISONS, symbols, term_label
from ingest.model import Amount, Bonus, Clause, FundingRule, Threshold, Tier

SEPARATOR = "|"


def _number(value) -> str:
    return str(decimal_literal(value))


def _per(amount: Amount) -> str | None:
    return term_label("per", amount.per, "en") if amount.per else None


def amount_text(amount: Amount, with_unit: bool) -> str:
    """``<value> CNY[ per <unit>][ <per label>][ per year][ (<qualifier>)]``; the unit only for awards."""
    text = f"{_number(amount.value)} CNY"
    if with_unit and amount.unit:
        text += f" per {amount.unit}"
    per = _per(amount)
    if per:
        text += f" {per}"
    if amount.per_year:
        text += " per year"
    if amount.qualifier:
        text += f" ({amount.qualifier})"
    return text


def threshold_text(threshold: Threshold) -> str | None:
    """``<metric label> <symbol> <value> <unit>``, or None when the metric has no English label."""
    metric = term_label("metric", threshold.metric, "en")
    comparison = COMPARISONS.get(threshold.op)
    symbol = symbols().get(str(comparison)) if comparison is not None else None
    if metric is None or symbol is None or not threshold.unit:
        return None
    return f"{metric} {symbol} {_number(threshold.value)} {threshold.unit}"


def tier_text(tier: Tier) -> str:
    text = f"{_number(tier.amount.value)} CNY"
    condition = threshold_text(tier.threshold) if tier.threshold is not None else None
    return f"{text} if {condition}" if condition else text


def bonus_text(bonus: Bonus) -> str | None:
    if bonus.amount is not None:
        what = f"{_number(bonus.amount)} CNY"
    elif bonus.percent is not None:
        what = f"{_number(bonus.percent)}%"
    else:
        return None
    return f"+{what}: {bonus.condition}"


def funding_text(rule: FundingRule) -> str:
    if rule.city_share is not None and rule.local_share is not None:
        return f"{rule.kind}: city {_number(rule.city_share)}%, local {_number(rule.local_share)}%"
    return rule.kind


def joined(items) -> str | None:
    """Sorted, unique, joined by SEPARATOR; None for no items (the literal is then left out)."""
    values = sorted({i for i in items if i})
    return SEPARATOR.join(values) if values else None


def clause_lists(clause: Clause, rules: dict[str, FundingRule]) -> dict[str, str | None]:
    """The clause's list texts by list name (rate, cap, award, tier, threshold, bonus, funding)."""
    return {
        "rate": joined(_number(r.percent) for r in clause.rates),
        "cap": joined(amount_text(a, with_unit=False) for a in clause.amounts if a.role == "cap"),
        "award": joined(amount_text(a, with_unit=True) for a in clause.amounts if a.role in ("award", "per-unit")),
        "tier": joined(tier_text(t) for t in clause.tiers),
        "threshold": joined(threshold_text(t) for t in clause.thresholds),
        "bonus": joined(bonus_text(b) for b in clause.bonuses),
        "funding": joined(funding_text(rules[r]) for r in clause.funding if r in rules),
    }
