"""What an estimate returns: per city the items it pays, the clauses it skips and why, the totals.

Every explanation, check, note and reason is a list of messages (analysis.estimate.messages), so
the CLI and the app show them in Chinese or English.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from analysis.estimate.messages import Msg


@dataclass
class Item:
    """One incentive the enterprise qualifies for, with the amount and how it was computed.

    `bound` says what kind of amount it is: `exact` (the clause fixes it: `amount_cny`), `maximum`
    (the clause's rate is itself a ceiling, 不超过70%: `amount_cny` None, `up_to_cny` the rate at
    its ceiling) or `ceiling` (the clause states only an upper bound: `amount_cny` None,
    `up_to_cny` the most it pays one enterprise in a year). Only `exact` amounts are certain.
    """

    clause_id: str
    city: str
    document: str | None
    article: str
    category: str | None
    amount_cny: Decimal | None
    explanation: list[Msg]
    conditions: list[Msg] = field(default_factory=list)  # assumed, not checked against the profile
    checks: list[Msg] = field(default_factory=list)  # thresholds checked against the profile
    notes: list[Msg] = field(default_factory=list)
    period: str = "unspecified"  # one-time | yearly | unspecified
    bound: str = "exact"  # exact | maximum | ceiling
    basis: list[str] = field(default_factory=list)  # the profile keys the amount is computed on
    source_text: str = ""
    funding: list[Msg] = field(default_factory=list)
    usd_converted: bool = False  # an exchange rate went into the amount or a threshold check
    up_to_cny: Decimal | None = None  # maximum and ceiling: the most it pays this enterprise

    @property
    def most(self) -> Decimal:
        """The amount, or the most it can be (what stacking rules compare)."""
        return self.amount_cny if self.amount_cny is not None else self.up_to_cny or Decimal(0)


@dataclass
class Skipped:
    """A clause that pays nothing in this estimate, and why."""

    clause_id: str
    category: str | None
    reason: Msg
    article: str = ""
    source_text: str = ""
    amount_cny: Decimal | None = None  # for excluded items: what it would have paid (at most)
    checks: list[Msg] = field(default_factory=list)  # for not eligible: the thresholds checked
    valid_from: date | None = None  # for not in force: the policy's validity
    valid_to: date | None = None


@dataclass
class CityEstimate:
    """One city: `total_cny` is what is certain, `up_to_cny` adds every item's most (ceilings and
    rates stated as ceilings)."""

    city: str
    documents: list[str]
    total_cny: Decimal
    items: list[Item]
    excluded: list[Skipped]
    not_eligible: list[Skipped]
    not_computable: list[Skipped]
    up_to_cny: Decimal = Decimal(0)
    not_in_force: list[Skipped] = field(default_factory=list)


@dataclass
class Estimate:
    """The estimate for one profile on one date."""

    profile: str | None
    usd_cny_rate: Decimal
    usd_cny_rate_assumed: bool
    assumptions: list[Msg]
    cities: list[CityEstimate]
    as_of: date = field(default_factory=date.today)

    def city(self, name: str) -> CityEstimate:
        for c in self.cities:
            if c.city == name.removesuffix("市"):
                return c
        raise KeyError(name)
