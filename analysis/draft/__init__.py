"""Draft a clause by analogy with other cities' precedents, in three steps of one module each:
`ranges` (the precedents of a category and each parameter's values, grouped like for like, with
the range and median of every group), `compose` (the model precedent, its conditions kept, each
value chosen: typed by the user with its unit, read by `settings`, or its group's median) and
`render` (the Markdown export with footnotes and the JSON record, in Chinese or English). `words`
reads every phrase and label a draft uses from the ontology.
"""
from __future__ import annotations

from analysis.draft.compose import Draft, draft
from analysis.draft.ranges import parameter_ranges, precedents
from analysis.draft.render import markdown
from analysis.draft.render import record as draft_record
from analysis.draft.settings import PARAMETERS, parse_settings
from analysis.draft.words import zh_amount

__all__ = ["PARAMETERS", "Draft", "draft", "draft_record", "markdown", "parameter_ranges", "parse_settings",
           "precedents", "zh_amount"]
