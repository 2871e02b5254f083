"""The public export contract: one flat record per clause and per document (JSON Lines, CSV)."""
from __future__ import annotations

from decimal import Decimal

from ingest.categories import with_broader
from ingest.model import Clause, Document


def num(v: Decimal | None):
    """A Decimal as a JSON number that keeps its digits: int when whole, else float of its text."""
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(str(v))


def funding_summary(doc: Document, clause: Clause) -> list[dict]:
    out = []
    for r in doc.funding_of(clause):
        out.append({"kind": r.kind, "city_share": num(r.city_share), "local_share": num(r.local_share),
                    "districts": r.districts, "text": r.text})
    return out


def clause_record(doc: Document, c: Clause) -> dict:
    amounts = [{"value_cny": num(a.value), "role": a.role, "per": a.per, "per_year": a.per_year,
                "unit": a.unit, "qualifier": a.qualifier, "basis": a.basis, "period": a.period} for a in c.amounts]
    amounts += [{"value_cny": num(t.amount.value), "role": t.amount.role, "per": t.amount.per,
                 "per_year": t.amount.per_year, "unit": None, "qualifier": t.label, "basis": t.amount.basis,
                 "period": t.amount.period,
                 "tier_threshold": ({"metric": t.threshold.metric, "op": t.threshold.op,
                                     "value": num(t.threshold.value), "unit": t.threshold.unit}
                                    if t.threshold else None)} for t in c.tiers]
    return {
        "id": c.id, "city": doc.city_shown, "document": doc.number, "article": c.article, "kind": c.kind,
        "categories": with_broader(c.categories), "instrument": c.instrument,
        "rates_percent": [num(r.percent) for r in c.rates],
        "rates": [{"percent": num(r.percent), "base": r.base, "qualifier": r.qualifier, "maximum": r.maximum}
                  for r in c.rates],
        "amounts": amounts,
        "thresholds": [{"metric": t.metric, "op": t.op, "value": num(t.value), "unit": t.unit, "scope": t.scope}
                       for t in c.thresholds],
        "max_per_enterprise_cny": num(c.max_per_enterprise_cny), "max_basis": c.max_basis,
        "ceiling_only": c.ceiling_only,
        "count_limits": [{"count": x.count, "unit": x.unit, "per": x.per, "text": x.text} for x in c.count_limits],
        "requirements": [{"kind": r.kind, "op": r.op, "value": num(r.value), "unit": r.unit, "scope": r.scope,
                          "direct": r.direct, "level": r.level, "text": r.text} for r in c.requirements],
        "bonuses": [{"condition": b.condition, "amount_cny": num(b.amount), "percent": num(b.percent)}
                    for b in c.bonuses],
        "one_time": c.one_time, "beneficiary": c.beneficiary, "conditions": c.conditions,
        "funding": funding_summary(doc, c),
        "stacking": [{"kind": s.kind, "text": s.text} for s in c.stacking],
        "references": [{"number": r.number, "title": r.title} for r in c.references],
        "agencies": c.agencies, "unparsed": c.unparsed, "text": c.text,
        "source": {"file": doc.file, "start": c.span.start, "end": c.span.end,
                   "gaps": [list(g) for g in c.span.gaps]},
    }


def iso(d) -> str | None:
    return d.isoformat() if d else None


def document_record(doc: Document) -> dict:
    v = doc.validity
    return {
        "id": doc.id, "city": doc.city_shown, "province": doc.province, "district": doc.district,
        "level": doc.level or "unknown", "status": doc.status, "source_url": doc.source_url,
        "unstructured": doc.unstructured, "warnings": doc.warnings,
        "number": doc.number, "title": doc.title, "issuer": doc.issuer,
        "issued": iso(v.issued), "printed": iso(v.printed), "valid_from": iso(v.effective),
        "valid_to": iso(v.expiry), "valid_to_computed": v.expiry_computed, "duration": v.duration,
        "awards_from": iso(v.awards_from), "awards_to": iso(v.awards_to),
        "funding_rules": [{"id": r.id, "kind": r.kind, "city_share": num(r.city_share),
                           "local_share": num(r.local_share), "districts": r.districts,
                           "articles": r.articles, "except_articles": r.except_articles, "text": r.text}
                          for r in doc.funding_rules],
        "references": [{"number": r.number, "title": r.title} for r in doc.references],
        "clauses": len(doc.clauses), "incentives": sum(c.kind == "incentive" for c in doc.clauses),
        "source": {"file": doc.file, "sha256": doc.sha256},
    }
