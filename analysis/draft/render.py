"""Render a draft: the Markdown export (the clause with footnotes [^n] citing clause id, city,
article and source sentence of every value, the parameters table and the precedents) and the JSON
record the app and `policykg draft --format json` show, in Chinese or English. Every heading,
column and note is a drafting text of the ontology (analysis.draft.words); the clause itself is
Chinese in both, as the documents it is drafted from.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from analysis.draft import words
from analysis.draft.compose import Draft, category_label
from analysis.draft.ranges import Group, Observation, Parameter, group_label
from graph import vocabulary
from policykg.records import num


def _unit_of(p: Parameter, key: Group | None) -> str:
    if p.name == "threshold" and key:
        return key[1] or "CNY"
    return "percent" if p.name == "rate" else "CNY"


def range_text(p: Parameter, lang: str = "zh") -> str:
    """The parameter's precedents in words: each group with its range and count, the own group first."""
    if p.name == "one_time":
        votes = Counter(words.period("one-time" if o.value else "yearly", lang) for o in p.observations)
        return "、".join(f"{k} ×{n}" for k, n in votes.most_common()) or "—"
    if p.name == "city_share":
        xs = [o.value for o in p.observations if isinstance(o.value, Decimal)]
        fiscal = sum(o.value is None for o in p.observations)
        parts = ([f"{words.plain(min(xs))}% – {words.plain(max(xs))}%" if min(xs) != max(xs)
                  else f"{words.plain(xs[0])}%"] if xs else [])
        parts += [f"{words.text('fiscal', lang)} ×{fiscal}"] if fiscal else []
        return "; ".join(parts) or "—"
    if p.low is None:
        return "、".join(sorted({o.display for o in p.observations})) or "—"
    parts = []
    for key, obs in p.groups().items():
        xs = [o.value for o in obs if isinstance(o.value, Decimal)]
        if not xs:
            continue
        unit = _unit_of(p, key)
        lo, hi = words.amount(min(xs), unit, lang), words.amount(max(xs), unit, lang)
        shown = lo if lo == hi else f"{lo} – {hi}"
        label = group_label(p.name, key, lang)
        parts.append(f"{label}: {shown}{words.text('count', lang, n=len(xs))}" if label else shown)
    return "; ".join(parts) or "—"


def value_text(p: Parameter, lang: str = "zh") -> str:
    """The value the draft uses, in its unit."""
    if p.value is None:
        return "—"
    if isinstance(p.value, bool):
        return words.period("one-time" if p.value else "yearly", lang)
    if p.name in ("rate", "city_share"):
        return f"{words.plain(p.value)}%"
    if p.name == "threshold":
        op = {">": words.text("op-more", lang), ">=": "≥"}.get(p.op or ">=", p.op or "")
        scope = p.group[2] if p.group and len(p.group) > 2 else None
        return f"{words.metric(p.metric or '', scope, lang)} {op} {words.amount(p.value, p.unit, lang)}"
    return words.amount(p.value, "CNY", lang)


def why_text(p: Parameter, lang: str = "zh") -> str:
    """How the value was chosen, with the precedents' range."""
    n = len(p.numbers()) or len(p.observations)
    own = words.text("why-group", lang, group=group_label(p.name, p.group, lang)) if p.group else ""
    if p.chosen_by == "median":
        return words.text("why-median", lang, n=n, group=own)
    if p.chosen_by in ("user", "majority", "model"):
        return words.text(f"why-{p.chosen_by}", lang, range=range_text(p, lang))
    return range_text(p, lang)


def _cite(o: Observation) -> str:
    return (f"{o.source.city} {o.source.document or ''} {o.source.article} (`{o.source.clause_id}`): "
            f"{o.display} — “{o.source.sentence}”")


def _body(d: Draft) -> tuple[str, dict[str, int]]:
    notes: dict[str, int] = {}
    body = []
    for text, name in d.fragments:
        body.append(text)
        if name:
            notes.setdefault(name, len(notes) + 1)
            if text:
                body.append(f"[^{notes[name]}]")
    return "".join(body), notes


def markdown(d: Draft, lang: str = "zh") -> str:
    """The whole export with footnotes, headings and notes in `lang` (the clause in Chinese)."""
    body, notes = _body(d)
    instrument = vocabulary.term_label("instrument", d.model.instrument, lang) if d.model.instrument else None
    lines = [f"# {words.text('title', lang, category=category_label(d.category, lang))}", ""]
    lines.append(words.text("model", lang, city=d.model.city, document=d.model.document or "",
                            article=d.model.article, clause=f"`{d.model.clause_id}`", instrument=instrument or "—")
                 + (words.text("like", lang, city=d.like) if d.like else ""))
    lines += ["", "> " + body, ""]
    cols = [words.text(f"col-{c}", lang) for c in ("parameter", "value", "how", "range", "count")]
    lines += [f"## {words.text('parameters', lang)}", "", "| " + " | ".join(cols) + " |", "| --- " * 5 + "|"]
    for name, p in d.parameters.items():
        if not p.observations and p.chosen_by != "user":
            continue
        chosen = value_text(p, lang) if name in d.used else words.text("not-used", lang)
        why = why_text(p, lang) if name in d.used else ""
        lines.append(f"| {words.parameter(name, lang)} | {chosen} | {why} | {range_text(p, lang)} | "
                     f"{len(p.observations)} |")
    cols = [words.text(f"col-{c}", lang) for c in ("city", "document", "article", "id", "instrument", "text")]
    lines += ["", f"## {words.text('precedents', lang)}", "", "| " + " | ".join(cols) + " |", "| --- " * 6 + "|"]
    for prec in d.precedents:
        shown = vocabulary.term_label("instrument", prec.instrument, lang) if prec.instrument else ""
        lines.append(f"| {prec.city} | {prec.document or ''} | {prec.article} | `{prec.clause_id}` | {shown or ''} | "
                     f"{prec.text.replace('|', '｜')} |")
    lines.append("")
    for name, n in notes.items():
        if name == "tiers":
            lines.append(f"[^{n}]: " + words.text("tiers", lang, clause=f"`{d.model.clause_id}`",
                                                   sentence=d.tiers_sentence))
            continue
        p = d.parameters[name]
        obs = p.observations
        if name == "threshold":
            obs = [o for o in obs if o.group == p.group] or obs
        lines.append(f"[^{n}]: **{words.parameter(name, lang)} = {value_text(p, lang)}** — {why_text(p, lang)}. "
                     f"{words.text('sources', lang)}")
        lines += [f"    - {_cite(o)}" for o in obs]
    return "\n".join(lines) + "\n"


def _val(v: object) -> Any:
    return num(v) if isinstance(v, Decimal) and not isinstance(v, bool) else v


def _group_record(name: str, key: Group, obs: list[Observation], lang: str) -> dict[str, Any]:
    xs = [o.value for o in obs if isinstance(o.value, Decimal) and not isinstance(o.value, bool)]
    return {"group": group_label(name, key, lang), "key": list(key), "n": len(obs),
            "min": _val(min(xs, default=None)), "max": _val(max(xs, default=None)),
            "median": _val(Parameter(name, obs).median),
            "unit": key[1] if name == "threshold" and key else "percent" if name == "rate" else None,
            "clause_ids": [o.source.clause_id for o in obs]}


def _observation_record(name: str, o: Observation, lang: str) -> dict[str, Any]:
    return {"value": _val(o.value), "display": o.display, "clause_id": o.source.clause_id,
            "city": o.source.city, "document": o.source.document, "article": o.source.article,
            "sentence": o.source.sentence, "per": o.per, "per_year": o.per_year, "unit": o.unit,
            "metric": o.metric, "op": o.op, "qualifier": o.qualifier, "kind": o.kind, "basis": o.basis,
            "period": o.period, "scope": o.scope, "cost_base": o.cost_base,
            "group": group_label(name, o.group, lang) if o.group else None}


def record(d: Draft, lang: str = "zh") -> dict[str, Any]:
    """The JSON form of a draft (for the app and `policykg draft --format json`), labels in `lang`."""
    return {
        "category": d.category, "category_label": category_label(d.category, lang), "like": d.like,
        "model": d.model.clause_id, "text": d.text, "markdown": markdown(d, lang), "used": d.used,
        "parameters": {name: {
            "label": words.parameter(name, lang), "value": _val(p.value), "chosen_by": p.chosen_by,
            "in_draft": name in d.used, "min": _val(p.low), "max": _val(p.high), "median": _val(p.median),
            "metric": p.metric, "unit": p.unit, "op": p.op,
            "group": group_label(name, p.group, lang) if p.group else None,
            "group_unit": (p.group[1] if name == "threshold" and p.group else
                           "percent" if name == "rate" else p.unit),
            "groups": [_group_record(name, key, obs, lang) for key, obs in p.groups().items()],
            "observations": [_observation_record(name, o, lang) for o in p.observations]}
            for name, p in d.parameters.items()},
        "precedents": [{"clause_id": p.clause_id, "city": p.city, "document": p.document, "article": p.article,
                        "instrument": p.instrument, "one_time": p.one_time, "text": p.text}
                       for p in d.precedents],
    }
