"""See before you add: what one file would become in the store, without touching it. `review_file`
ingests the file as `policykg ingest` would and returns a `Review`: structure found or not, the
place and how each rule found it, validity, funding rules, every clause with its fields, the
numbers not understood, and warnings. `policykg inspect` prints it (as_dict / as_text) and the
app's upload page shows it before "add to the database".
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.model import Clause, Document, to_json
from ingest.overrides import Overrides
from ingest.pipeline import ingest_file


@dataclass
class Review:
    """One document as the pipeline reads it, with what a reader should check."""

    file: str
    document: Document

    @property
    def structured(self) -> bool:
        return not self.document.unstructured

    @property
    def unparsed(self) -> list[dict]:
        """Money amounts and percentages not understood: inside a clause, or outside every clause."""
        doc = self.document
        inside = [{"clause": c.id, "article": c.article, "text": t} for c in doc.clauses for t in c.unparsed]
        outside = [{"clause": None, "article": None, "text": u["text"], "start": u["start"], "end": u["end"]}
                   for u in doc.uncovered]
        return inside + outside


def review_file(path: Path, root: Path | None = None, overrides: Overrides | None = None) -> Review:
    """The review of `path` (a PolicyKGError when it cannot be read at all)."""
    doc = ingest_file(path, root, overrides)[0]
    return Review(file=str(path), document=doc)


def clause_fields(c: Clause) -> dict:
    """A clause's fields as the review shows them (decimals as strings, exact)."""
    data = to_json(c)
    keep = ("id", "article", "kind", "instrument", "categories", "one_time", "beneficiary", "conditions",
            "funding", "unparsed", "text")
    out = {k: data[k] for k in keep}
    out["rates"] = [{"percent": r["percent"], "base": r["base"]} for r in data["rates"]]
    out["amounts"] = [{"value_cny": a["value"], "role": a["role"], "per": a["per"], "per_year": a["per_year"],
                       "unit": a["unit"], "text": a["text"]} for a in data["amounts"]]
    out["thresholds"] = [{"metric": t["metric"], "op": t["op"], "value": t["value"], "unit": t["unit"],
                          "text": t["text"]} for t in data["thresholds"]]
    out["tiers"] = [{"threshold": t["threshold"]["text"] if t["threshold"] else None,
                     "value_cny": t["amount"]["value"], "per": t["amount"]["per"]} for t in data["tiers"]]
    return out


def as_dict(r: Review) -> dict:
    """The review as JSON-ready data (the contract of `policykg inspect --format json`)."""
    doc = r.document
    v = doc.validity
    return {
        "file": r.file, "id": doc.id,
        "structure": "numbered" if r.structured else "unstructured",
        "place": {"city": doc.city, "province": doc.province, "district": doc.district,
                  "level": doc.level or "unknown"},
        "found": [{"field": e.field, "rule": e.rule, "text": e.text, "result": e.result, "accepted": e.accepted,
                   "start": e.span.start if e.span else None, "end": e.span.end if e.span else None}
                  for e in doc.origin],
        "number": doc.number, "title": doc.title, "issuer": doc.issuer, "status": doc.status,
        "source_url": doc.source_url,
        "validity": {"issued": _iso(v.issued), "valid_from": _iso(v.effective), "valid_to": _iso(v.expiry),
                     "valid_to_computed": v.expiry_computed, "duration": v.duration},
        "funding_rules": [{"kind": f.kind, "city_share": _num(f.city_share), "local_share": _num(f.local_share),
                           "districts": f.districts, "articles": f.articles, "text": f.text}
                          for f in doc.funding_rules],
        "clauses": [clause_fields(c) for c in doc.clauses],
        "incentives": sum(c.kind == "incentive" for c in doc.clauses),
        "unparsed": r.unparsed,
        "warnings": doc.warnings,
    }


def as_text(r: Review) -> list[str]:
    """The review as lines for a terminal."""
    d = as_dict(r)
    place = d["place"]
    where = " ".join(x for x in (place["province"], place["city"] if place["city"] != place["province"] else None,
                                 place["district"]) if x) or "unknown"
    out = [f"file: {d['file']}  (id {d['id']})",
           f"structure: {d['structure']}",
           f"place: {where}  level: {place['level']}"]
    out += [f"  {'✓' if e['accepted'] else '·'} {e['field']} by {e['rule']}: {e['text'][:60]} -> {e['result']}"
            for e in d["found"]]
    out += [f"number: {d['number'] or 'unknown'}", f"title: {d['title'] or 'unknown'}",
            f"issuer: {d['issuer'] or 'unknown'}", f"status: {d['status']}"]
    if d["source_url"]:
        out.append(f"source: {d['source_url']}")
    v = d["validity"]
    out.append(f"validity: issued {v['issued'] or '?'}, from {v['valid_from'] or '?'} to {v['valid_to'] or '?'}"
               + (" (computed)" if v["valid_to_computed"] else ""))
    out.append(f"funding rules: {len(d['funding_rules'])}")
    out += [f"  {f['kind']}: city {f['city_share'] or '-'}% / local {f['local_share'] or '-'}%  {f['text'][:60]}"
            for f in d["funding_rules"]]
    out.append(f"clauses: {len(d['clauses'])} ({d['incentives']} incentives)")
    for c in d["clauses"]:
        money = ", ".join(f"{a['role']} {a['value_cny']} CNY" + (f"/{a['per']}" if a["per"] else "")
                          for a in c["amounts"])
        rates = ", ".join(f"{x['percent']}%" for x in c["rates"])
        out.append(f"  {c['article']} [{c['kind']}] {c['instrument'] or ''} {rates} {money}".rstrip())
    out.append(f"numbers not understood: {len(d['unparsed'])}")
    out += [f"  {u['article'] or 'outside every clause'}: {u['text']}" for u in d["unparsed"]]
    out.append(f"warnings: {len(d['warnings'])}")
    out += [f"  {w}" for w in d["warnings"]]
    return out


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _num(x) -> str | None:
    return None if x is None else str(x)
