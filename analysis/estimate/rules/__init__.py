"""The registry of estimate rules, in the order they are tried: the first whose `applies(clause)`
is true evaluates the clause (analysis.estimate.engine). To add a rule: a class in a module here
(see rules/base.py and CONTRIBUTING.md, "An estimate rule"), and an instance in RULES."""
from __future__ import annotations

from analysis.estimate.rules.awards import Outbound, Recognition, ServiceTrade
from analysis.estimate.rules.base import Rule
from analysis.estimate.rules.costs import Fees, Insurance, Promotion
from analysis.estimate.rules.counts import Parcels, Sessions, Trainees
from analysis.estimate.rules.fairs import Fair
from analysis.estimate.rules.imports import Imports
from analysis.estimate.rules.sites import IndependentSite
from analysis.estimate.rules.warehouses import WarehouseAward, WarehouseBuild, WarehouseStorage

RULES: list[Rule] = [Fair(), Imports(), IndependentSite(), Fees(), Insurance(), WarehouseStorage(),
                     WarehouseBuild(), WarehouseAward(), Parcels(), Trainees(), Sessions(), Recognition(),
                     Outbound(), ServiceTrade(), Promotion()]


def rule_for(clause) -> Rule | None:
    """The first rule of RULES that applies to the clause, or None."""
    return next((r for r in RULES if r.applies(clause)), None)
