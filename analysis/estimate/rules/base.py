"""The shape of an estimate rule: which clauses it applies to, which profile keys it reads, and
how it computes what a clause pays.

A rule is chosen from the clause's extracted fields (categories, instrument, rates and their
base, amounts and what they are per, per-unit units, tier metrics), never from the clause's
wording alone. The first rule of the registry (analysis.estimate.rules.RULES) whose `applies`
is true evaluates the clause.
"""
from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from analysis.estimate.working import Working, awards, has, per_unit
from ingest.model import Clause

FIELDS = ("rates", "awards", "per_unit", "tiers")


class Rule:
    """One kind of incentive. Subclasses declare:

    - `categories`: the clause must have one of them (or a narrower one);
    - `fields`: clause fields that must be present (rates, awards, per_unit, tiers);
    - `profile_keys`: the profile keys the rule reads (docs/estimate.md describes them);

    and implement `pay(w)`, returning the amount and the category it is paid under, or raising
    NotComputable / NotEligible with the reason. `matches(c)` may narrow the choice further on
    other extracted fields.
    """

    name: ClassVar[str] = ""
    categories: ClassVar[tuple[str, ...]] = ()
    fields: ClassVar[tuple[str, ...]] = ()
    profile_keys: ClassVar[tuple[str, ...]] = ()

    def applies(self, c: Clause) -> bool:
        if self.categories and not has(c, *self.categories):
            return False
        present = {"rates": bool(c.rates), "awards": bool(awards(c)), "per_unit": bool(per_unit(c)),
                   "tiers": bool(c.tiers)}
        return all(present[f] for f in self.fields) and self.matches(c)

    def matches(self, c: Clause) -> bool:
        return True

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        raise TypeError(f"{type(self).__name__} does not define pay()")
