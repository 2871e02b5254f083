"""Estimate what each city's incentive clauses would pay one enterprise, from its profile, on a date.

The package: `engine` (the estimate over every clause of every city), `rules/` (the registry of
rules, one small class per kind of incentive, chosen from the clause's extracted fields),
`working` (threshold checks, rates and caps shared by the rules), `stacking` (rules against
combining items), `results` (what is returned), `messages` (every word as a key and parameters,
rendered in zh or en from ontology/estimate.yaml) and `output` (JSON and a plain-text report).
"""
from __future__ import annotations

from analysis.estimate.engine import estimate, evaluate
from analysis.estimate.messages import Msg, plain, render
from analysis.estimate.output import estimate_record, estimate_table
from analysis.estimate.results import CityEstimate, Estimate, Item, Skipped

fmt = plain

__all__ = ["CityEstimate", "Estimate", "Item", "Msg", "Skipped", "estimate", "estimate_record", "estimate_table",
           "evaluate", "fmt", "plain", "render"]
