"""An estimate as JSON (`policykg estimate --format json`) and as a plain-text report, in Chinese or
English. In the JSON every text field is rendered in the chosen language, and its structured form
(message keys and parameters, analysis.estimate.messages) sits beside it under `<field>_msg`, so the
app renders a cached result in either language."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from analysis.estimate.messages import Msg, Term, money, render, render_all, to_json
from analysis.estimate.results import Estimate, Skipped


def num(v: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number that keeps its digits: int when whole, else float of its text."""
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(str(v))


def _texts(msgs: list[Msg], lang: str) -> list[str]:
    return [render(m, lang) for m in msgs]


def estimate_record(est: Estimate, lang: str = "en") -> dict[str, Any]:
    """The JSON shape of `policykg estimate --format json`, texts in `lang`."""

    def skipped(s: Skipped) -> dict[str, Any]:
        r: dict[str, Any] = {"clause_id": s.clause_id, "category": s.category, "article": s.article,
                             "reason": render(s.reason, lang), "reason_msg": to_json(s.reason)}
        if s.amount_cny is not None:
            r["amount_cny"] = num(s.amount_cny)
        if s.checks:
            r["checks"] = _texts(s.checks, lang)
            r["checks_msg"] = to_json(s.checks)
        if s.valid_from or s.valid_to:
            r["valid_from"] = s.valid_from.isoformat() if s.valid_from else None
            r["valid_to"] = s.valid_to.isoformat() if s.valid_to else None
        r["source_text"] = s.source_text
        return r

    return {
        "profile": est.profile,
        "as_of": est.as_of.isoformat(),
        "lang": lang,
        "usd_cny_rate": num(est.usd_cny_rate),
        "usd_cny_rate_assumed": est.usd_cny_rate_assumed,
        "assumptions": _texts(est.assumptions, lang),
        "assumptions_msg": to_json(est.assumptions),
        "cities": [{
            "city": c.city, "documents": c.documents, "total_cny": num(c.total_cny), "up_to_cny": num(c.up_to_cny),
            "items": [{
                "clause_id": i.clause_id, "category": i.category, "document": i.document, "article": i.article,
                "amount_cny": num(i.amount_cny), "up_to_cny": num(i.up_to_cny), "period": i.period,
                "bound": i.bound, "explanation": render_all(i.explanation, lang),
                "conditions": _texts(i.conditions, lang), "checks": _texts(i.checks, lang),
                "notes": _texts(i.notes, lang), "basis": i.basis, "funding": _texts(i.funding, lang),
                "explanation_msg": to_json(i.explanation), "conditions_msg": to_json(i.conditions),
                "checks_msg": to_json(i.checks), "notes_msg": to_json(i.notes),
                "funding_msg": to_json(i.funding), "source_text": i.source_text,
            } for i in c.items],
            "excluded": [skipped(s) for s in c.excluded],
            "not_eligible": [skipped(s) for s in c.not_eligible],
            "not_computable": [skipped(s) for s in c.not_computable],
            "not_in_force": [skipped(s) for s in c.not_in_force],
        } for c in est.cities],
    }


def estimate_table(est: Estimate, lang: str = "en") -> str:
    """A plain-text report: per city the totals, the items with their arithmetic, and the rest."""
    def r(key: str, **params: Any) -> str:
        return render(Msg(key, **params), lang)

    out = [r("table.profile", name=est.profile or r("word.unnamed")), r("table.as_of", day=est.as_of.isoformat())]
    out += [r("table.assumption", text=render(a, lang)) for a in est.assumptions]
    for c in est.cities:
        out.append("")
        head = r("table.city", city=c.city, docs=", ".join(c.documents), total=money(c.total_cny, lang))
        if c.up_to_cny != c.total_cny:
            head += r("table.up_to", amount=money(c.up_to_cny, lang))
        out.append(head)
        if c.items:
            w = max(len(i.clause_id) for i in c.items)
            for i in c.items:
                shown = money(i.amount_cny, lang) if i.amount_cny is not None else \
                    r("table.at_most", amount=money(i.up_to_cny or Decimal(0), lang))
                out.append(f"  {i.clause_id:<{w}}  {shown}  {r('period.' + i.period)}  "
                           f"{r('table.category', category=Term('category', i.category or ''))}")
                out.append(f"      {render_all(i.explanation, lang)}")
                out += [f"      {r('table.check', text=render(x, lang))}" for x in i.checks]
                out += [f"      {r('table.assumes', text=render(x, lang))}" for x in i.conditions]
                out += [f"      {r('table.note', text=render(x, lang))}" for x in i.notes]
                out.append(f"      {r('table.source', article=i.article, text=i.source_text)}")
        for title, rows in (("list.excluded", c.excluded), ("list.not_eligible", c.not_eligible),
                            ("list.not_computable", c.not_computable), ("list.not_in_force", c.not_in_force)):
            if rows:
                out.append(f"  {r(title)}: {len(rows)}")
                for s in rows:
                    amount = f" ({money(s.amount_cny, lang)})" if s.amount_cny is not None else ""
                    out.append(f"    {s.clause_id}{amount}: {render(s.reason, lang)}")
    return "\n".join(out) + "\n"
