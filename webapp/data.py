"""What the views show, computed from the clause models of a store: the comparison of one category
across every city (a page at a time, in the order of the named query compare-category), the city ×
category matrix, document status on a date, and each clause's figures located in its source
sentence. Plain Python (no Streamlit), so tests and the benchmark can call it directly; app.py
caches it. tests/test_read_path.py checks that these answers are the named queries' (compare-category,
coverage-matrix, in-force-on) on the corpus and on 500 generated documents.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from ingest.model import Amount, Clause, Document, Validity
from policykg import config

CAP_ROLES = ("cap", "award")  # the figures that say how much one beneficiary can get at most
PAGE_SIZE = 100  # cards of the compare view per page: the named queries' page


def stamp(store: Path) -> str:
    """A key that changes whenever the store is rebuilt (path and documents.json's mtime and size)."""
    from policykg.build import DOCUMENTS

    try:
        st = os.stat(store / DOCUMENTS)
    except OSError:
        return f"{store}|missing"
    return f"{store.resolve()}|{st.st_mtime_ns}|{st.st_size}"


@dataclass
class Corpus:
    """The documents of one store, with a category index and their source texts (read on demand)."""

    store: Path
    docs: list[Document]
    by_id: dict[str, Document] = field(default_factory=dict)
    cities: list[str] = field(default_factory=list)
    by_category: dict[str, list[tuple[Document, Clause]]] = field(default_factory=dict)
    by_city: dict[str, list[Document]] = field(default_factory=dict)
    _texts: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from graph.digest import sort_text
        from ingest.categories import with_broader

        self.by_id = {d.id: d for d in self.docs}
        for d in self.docs:
            if d.city not in self.by_city:
                self.cities.append(d.city)
            self.by_city.setdefault(d.city, []).append(d)
            for c in d.clauses:
                for slug in with_broader(c.categories):
                    self.by_category.setdefault(slug, []).append((d, c))
        for pairs in self.by_category.values():  # the order of the named queries (pkg:sortKey)
            pairs.sort(key=lambda p: (sort_text(p[0].city), sort_text(p[0].number), p[1].id))

    def docs_of(self, city: str) -> list[Document]:
        return self.by_city.get(city, [])

    def source_path(self, doc: Document) -> Path:
        """Where the text behind a document's offsets is: the file, or the store's extracted text."""
        p = Path(doc.file)
        if p.is_absolute():
            return p
        if doc.file.startswith("texts/"):
            return self.store / p
        return config.project_root() / p

    def source(self, doc: Document) -> str | None:
        """The text that the document's spans refer to, or None when the file is gone."""
        if doc.id not in self._texts:
            from ingest.read import read_source
            from policykg.errors import PolicyKGError

            try:
                self._texts[doc.id] = read_source(self.source_path(doc)).text
            except (OSError, PolicyKGError):
                self._texts[doc.id] = None
        return self._texts[doc.id]


def load_corpus(store: Path) -> Corpus:
    from policykg.build import load_documents

    return Corpus(store=store, docs=load_documents(store))


# --- dates ----------------------------------------------------------------------------------

def status(v: Validity, on: date) -> str:
    """in-force | expired | not-yet | unknown, for a document's validity on a day.

    >>> v = Validity(effective=date(2023, 2, 18), expiry=date(2026, 2, 18))
    >>> status(v, date(2024, 1, 1)), status(v, date(2027, 1, 1)), status(v, date(2020, 1, 1))
    ('in-force', 'expired', 'not-yet')
    >>> status(Validity(), date(2024, 1, 1))
    'unknown'
    """
    start = v.effective or v.issued
    if start and on < start:
        return "not-yet"
    if v.expiry and on > v.expiry:
        return "expired"
    return "in-force" if (start or v.expiry) else "unknown"


# --- figures in a sentence ------------------------------------------------------------------

def _align(clause_text: str, original: str, start: int, end: int) -> list[int] | None:
    """For each character of the clause text (noise and line breaks removed), its offset in the
    original; None when the clause text is not a subsequence of original[start:end]."""
    out, j = [], start
    for ch in clause_text:
        while j < end and original[j] != ch:
            j += 1
        if j >= end:
            return None
        out.append(j)
        j += 1
    return out


def figures(c: Clause) -> list[tuple[object, str]]:
    """Every extracted figure of a clause with its hover title."""
    from webapp.fmt import exact, percent

    out: list[tuple[object, str]] = []
    for a in c.amounts:
        out.append((a, f"{exact(a.value)} ({a.role})"))
    for r in c.rates:
        out.append((r, percent(r.percent) + (f" × {r.base}" if r.base else "")))
    for th in c.thresholds:
        out.append((th, f"{th.op} {exact(th.value, th.unit) if th.unit in ('CNY', 'USD') else th.value} {th.unit}"))
    for tier in c.tiers:
        out.append((tier.amount, f"{exact(tier.amount.value)} ({tier.label or 'tier'})"))
        if tier.threshold:
            th = tier.threshold
            out.append((th, f"{th.op} {exact(th.value, th.unit) if th.unit in ('CNY', 'USD') else th.value} {th.unit}"))
    for b in c.bonuses:
        if b.amount is None and b.percent is not None:
            out.append((b, f"+{percent(b.percent)}"))
    return out


def marks(c: Clause, original: str | None) -> list[tuple[int, int, str]]:
    """(start, end, title) of each extracted figure inside `c.text`, located through the original
    text's offsets (or, when the original is missing, by searching the figure's text)."""
    pos = _align(c.text, original, c.span.start, c.span.end) if original else None
    out = []
    for fig, title in figures(c):
        span = getattr(fig, "span", None)
        if pos is not None and span is not None:
            inside = [i for i, p in enumerate(pos) if span.start <= p < span.end]
            if inside:
                out.append((inside[0], inside[-1] + 1, title))
                continue
        text = getattr(fig, "text", "")
        at = c.text.find(text) if text else -1
        if at >= 0:
            out.append((at, at + len(text), title))
    return sorted(set(out))


# --- the comparison -------------------------------------------------------------------------

def amount_dict(a: Amount) -> dict:
    return {"value": a.value, "role": a.role, "per": a.per, "per_year": a.per_year, "unit": a.unit,
            "qualifier": a.qualifier, "basis": a.basis, "period": a.period}


def threshold_dict(th) -> dict:
    return {"metric": th.metric, "op": th.op, "value": th.value, "unit": th.unit}


def funding_dict(r) -> dict:
    return {"kind": r.kind, "city_share": r.city_share, "local_share": r.local_share,
            "districts": list(r.districts), "text": r.text}


def top_amount(c: Clause) -> Decimal | None:
    """The most one beneficiary can get from a clause: its highest cap, award or tier amount."""
    values = [a.value for a in c.amounts if a.role in CAP_ROLES] + [t.amount.value for t in c.tiers]
    return max(values) if values else None


def item(corpus: Corpus, doc: Document, c: Clause, on: date) -> dict:
    """One clause as the compare view shows it (plain data: decimals, dates, strings)."""
    v = doc.validity
    return {
        "clause": c.id, "doc": doc.id, "number": doc.number or doc.id, "city": doc.city,
        "article": c.article, "kind": c.kind, "instrument": c.instrument,
        "rates": [{"percent": r.percent, "base": r.base, "qualifier": r.qualifier} for r in c.rates],
        "caps": [amount_dict(a) for a in c.amounts if a.role == "cap"],
        "awards": [amount_dict(a) for a in c.amounts if a.role == "award"],
        "per_unit": [amount_dict(a) for a in c.amounts if a.role == "per-unit"],
        "pools": [amount_dict(a) for a in c.amounts if a.role == "pool"],
        "count_limits": [{"count": x.count, "unit": x.unit, "per": x.per, "text": x.text} for x in c.count_limits],
        "requirements": [{"kind": r.kind, "op": r.op, "value": r.value, "unit": r.unit, "scope": r.scope,
                          "direct": r.direct, "level": r.level, "text": r.text} for r in c.requirements],
        "tiers": [{"label": t.label, "threshold": threshold_dict(t.threshold) if t.threshold else None,
                   "amount": amount_dict(t.amount)} for t in c.tiers],
        "thresholds": [threshold_dict(th) for th in c.thresholds],
        "bonuses": [{"condition": b.condition, "amount": b.amount, "percent": b.percent} for b in c.bonuses],
        "one_time": c.one_time,
        "beneficiary": c.beneficiary, "conditions": list(c.conditions),
        "stacking": [s.text for s in c.stacking],
        "funding": [funding_dict(r) for r in doc.funding_of(c)],
        "valid_from": v.effective or v.issued, "valid_to": v.expiry, "status": status(v, on),
        "awards_from": v.awards_from, "awards_to": v.awards_to,
        "text": c.text, "marks": marks(c, corpus.source(doc)),
        "top": top_amount(c),
    }


def comparison(corpus: Corpus, category: str, on: date, kinds: tuple[str, ...] = ("incentive",)) -> list[dict]:
    """Every city (none left out) with its clauses of `kinds` in `category` or a narrower one."""
    found: dict[str, list[dict]] = {city: [] for city in corpus.cities}
    for doc, c in corpus.by_category.get(category, []):
        if c.kind in kinds:
            found[doc.city].append(item(corpus, doc, c, on))
    out = []
    for city in corpus.cities:
        docs = [{"id": d.id, "number": d.number or d.id, "title": d.title,
                 "valid_from": d.validity.effective or d.validity.issued, "valid_to": d.validity.expiry,
                 "status": status(d.validity, on)} for d in corpus.docs_of(city)]
        out.append({"city": city, "docs": docs, "items": found[city]})
    return out


def comparison_page(corpus: Corpus, category: str, on: date, kinds: tuple[str, ...] = ("incentive",),
                    offset: int = 0, limit: int = PAGE_SIZE) -> tuple[list[dict], int, int]:
    """One page of `comparison`: `limit` clauses from `offset` in the order of compare-category
    (city, document number, clause id), grouped by city; how many clauses there are in all; and in
    how many cities. The cities with none come after the last page's (on the only page when there
    are none at all)."""
    found = [(doc, c) for doc, c in corpus.by_category.get(category, []) if c.kind in kinds]
    page = found[offset:offset + limit]
    blocks: dict[str, list[dict]] = {}
    for doc, c in page:
        blocks.setdefault(doc.city, []).append(item(corpus, doc, c, on))
    cities = list(blocks)
    having = {doc.city for doc, _ in found}
    if offset + limit >= len(found):
        cities += [city for city in corpus.cities if city not in having]
    out = []
    for city in cities:
        docs = [{"id": d.id, "number": d.number or d.id, "title": d.title,
                 "valid_from": d.validity.effective or d.validity.issued, "valid_to": d.validity.expiry,
                 "status": status(d.validity, on)} for d in corpus.docs_of(city)]
        out.append({"city": city, "docs": docs, "items": blocks.get(city, [])})
    return out, len(found), len(having)


def category_counts(corpus: Corpus) -> dict[str, int]:
    """Incentive clauses per category (broader categories count their narrower ones)."""
    return {slug: sum(c.kind == "incentive" for _, c in pairs) for slug, pairs in corpus.by_category.items()}


def matrix(corpus: Corpus) -> dict[str, dict[str, dict]]:
    """category -> city -> {"n": incentives, "top": highest cap or award, "article": where it is}."""
    out: dict[str, dict[str, dict]] = {}
    for slug, pairs in corpus.by_category.items():
        for doc, c in pairs:
            if c.kind != "incentive":
                continue
            cell = out.setdefault(slug, {}).setdefault(doc.city, {"n": 0, "top": None, "article": None,
                                                                  "doc": doc.id, "clause": c.id})
            cell["n"] += 1
            top = top_amount(c)
            if top is not None and (cell["top"] is None or top > cell["top"]):
                cell.update(top=top, article=c.article, doc=doc.id, clause=c.id)
    return out


def comparison_rows(blocks: list[dict], lang: str) -> list[dict]:
    """The comparison as flat rows for CSV: one per clause, and one per city with nothing."""
    from webapp import fmt
    from webapp.i18n import t, vocab

    rows = []
    for block in blocks:
        if not block["items"]:
            doc = block["docs"][0] if block["docs"] else {}
            rows.append({"city": block["city"], "document": doc.get("number", ""), "article": "",
                         "kind": "", "instrument": t("compare.none", lang), "valid_from": _iso(doc.get("valid_from")),
                         "valid_to": _iso(doc.get("valid_to")), "in_force": doc.get("status", "")})
            continue
        for it in block["items"]:
            rows.append({
                "city": it["city"], "document": it["number"], "article": it["article"],
                "kind": it["kind"], "instrument": vocab("instrument", it["instrument"], lang),
                "rate": "; ".join(fmt.percent(r["percent"]) + (f" × {r['base']}" if r["base"] else "")
                                  for r in it["rates"]),
                "cap": "; ".join(fmt.amount_text(a, lang) for a in it["caps"]),
                "cap_yuan": "; ".join(str(a["value"]) for a in it["caps"]),
                "award": "; ".join(fmt.amount_text(a, lang) for a in it["awards"] + it["per_unit"]),
                "award_yuan": "; ".join(str(a["value"]) for a in it["awards"] + it["per_unit"]),
                "tiers": "; ".join((fmt.threshold(x["threshold"], lang) + " → " if x["threshold"] else "")
                                   + fmt.amount_text(x["amount"], lang) for x in it["tiers"]),
                "thresholds": "; ".join(fmt.threshold(x, lang) for x in it["thresholds"]),
                "frequency": fmt.frequency(it["one_time"], lang),
                "bonuses": "; ".join(_bonus(b) for b in it["bonuses"]),
                "funding": "; ".join(fmt.funding(f, lang) for f in it["funding"]),
                "valid_from": _iso(it["valid_from"]), "valid_to": _iso(it["valid_to"]),
                "in_force": it["status"], "text": it["text"], "clause": it["clause"],
            })
    return rows


def _bonus(b: dict) -> str:
    from webapp import fmt

    extra = fmt.wan(b["amount"]) if b["amount"] is not None else fmt.percent(b["percent"])
    return f"{b['condition']} +{extra}"


def _iso(d) -> str:
    return d.isoformat() if d else ""
