"""The estimate: per city, on one date, every incentive clause evaluated against the profile.

A clause whose policy is not in force on the date goes to `not_in_force` with its validity and pays
nothing. Every other one goes to exactly one list: `items` (an amount with its working; or, for a
clause that states only a ceiling or a rate as a ceiling, `amount_cny` None and `up_to_cny`),
`excluded` (dropped by a stacking rule), `not_eligible` (a threshold or condition not met) and
`not_computable` (一事一议, an amount set by another document, or a fact the profile does not
state). `total_cny` is what is certain; `up_to_cny` adds what the ceilings allow. Nothing is
guessed: an absent profile key is "not stated", never zero; sound reasoning is done and stated
(跨境电商交易额 counts imports and exports, so turnover is at least the exports).
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from analysis.estimate.messages import Code, Key, Money, Msg, Term
from analysis.estimate.results import CityEstimate, Estimate, Item, Skipped
from analysis.estimate.rules import rule_for
from analysis.estimate.rules.warehouses import level, warehouses
from analysis.estimate.stacking import stack
from analysis.estimate.working import (
    FEN,
    NotComputable,
    NotEligible,
    Working,
    caps,
    has,
    need,
    period,
    primary,
    segment,
)
from analysis.in_force import in_force
from analysis.profile import Profile
from ingest.model import Clause, Document

Outcome = tuple[str, Item | Skipped]


def _what_it_pays_for(c: Clause) -> str:
    if c.conditions:
        return c.conditions[0]
    if c.rates and c.rates[0].base:
        return c.rates[0].base
    return c.text.split("给予")[0].removeprefix("对")[:80]


def _funding(doc: Document, c: Clause) -> list[Msg]:
    out = []
    for r in doc.funding_of(c):
        if r.kind == "shared" and r.city_share is not None and r.local_share is not None:
            out.append(Msg("funding.shared", city=r.city_share, local=r.local_share,
                           districts="、".join(r.districts) or Msg("word.all_districts")))
        else:
            out.append(Msg("funding.text", text=r.text))
    return out


def _item(doc: Document, c: Clause, w: Working, amount: Decimal | None, up_to: Decimal | None,
          category: str | None, explanation: list[Msg]) -> Item:
    return Item(c.id, doc.city_shown, doc.number, c.article, category, amount, explanation, w.conditions, w.checks,
                w.notes, period(c), w.bound, w.basis, c.text, _funding(doc, c), w.rate_used, up_to)


def evaluate(doc: Document, c: Clause, profile: Profile) -> Outcome:
    """('item', Item) or ('not_eligible' | 'not_computable', Skipped)."""
    cat = primary(c)

    def skip(why: Msg, status: str = "not_computable", checks: list[Msg] | None = None) -> Outcome:
        return status, Skipped(c.id, cat, why, c.article, c.text, checks=checks or [])

    if c.instrument == "case-by-case":
        return skip(Msg("skip.case_by_case"))
    if c.instrument == "reference":
        refs = [Code(f"{r.number}《{r.title}》" if r.title else r.number) for r in c.references]
        return skip(Msg("skip.reference", refs=refs) if refs else Msg("skip.reference_plan"))
    if not c.rates and not c.amounts and not c.tiers:
        return skip(Msg("skip.no_amount"))
    if c.ceiling_only:
        return _ceiling(doc, c, profile, skip)
    rule = rule_for(c)
    if rule is None:
        return skip(Msg("skip.not_stated_what", what=_what_it_pays_for(c)))
    w = Working(doc, c, profile)
    try:
        amount, category = rule.pay(w)
    except NotComputable as exc:
        return skip(exc.msg)
    except NotEligible as exc:
        return skip(exc.msgs[0] if len(exc.msgs) == 1 else Msg("list.all", items=exc.msgs), "not_eligible",
                    w.checks)
    amount = amount.quantize(FEN, ROUND_HALF_UP)
    if w.rate_used:
        w.conditions.append(Msg("usd.converted" if profile.usd_cny_rate_given else "usd.converted_default",
                                rate=profile.usd_cny_rate))
    if w.bound == "maximum":  # a rate stated as a ceiling: at most this much, nothing certain
        return "item", _item(doc, c, w, None, amount, category, w.lines + [Msg("amount.at_most", amount=Money(amount))])
    return "item", _item(doc, c, w, amount, None, category, w.lines + [Msg("amount.total", amount=Money(amount))])


def _ceiling_basis(w: Working) -> tuple[list[str], str]:
    """For a clause that states only a ceiling: the profile data showing the enterprise does what it
    pays for, and the category; raises when the profile does not say."""
    c, p = w.c, w.p
    if has(c, "independent-site"):
        sites = need(p.independent_sites, "independent_sites")
        if not sites:
            raise NotEligible(Msg("list.none", key=Key("independent_sites")))
        return [f"independent_sites[{i}]" for i in range(len(sites))], "independent-site"
    if has(c, "public-overseas-warehouse"):
        lv = level(c) or "city"
        mine = [i for i, wh in warehouses(w) if wh.public == lv]
        if not mine:
            raise NotEligible(Msg("warehouse.none_public", level=Term("level", lv)))
        return [f"overseas_warehouses[{i}]" for i in mine], "public-overseas-warehouse"
    if has(c, "export-business"):
        m = w.base_metrics().get("exports")
        if m is None:
            raise NotComputable(Msg("key.not_stated", key=[Key("exports_usd"), Key("exports_cny")]))
        if m.value == 0:
            raise NotEligible(Msg("key.zero", key=m.where))
        return [m.where.path], "export-business"
    raise NotComputable(Msg("skip.not_stated_what", what=_what_it_pays_for(c)))


def _ceiling(doc: Document, c: Clause, profile: Profile, skip) -> Outcome:
    """A clause that states only an upper bound: an item with amount None and up_to_cny."""
    bounds = [segment(c.text, a.text) for a in caps(c)] or [f"不超过{t.amount.value}元" for t in c.tiers]
    top = c.max_per_enterprise_cny
    if top is None:
        return skip(Msg("ceiling.no_bound", quote=bounds))
    w = Working(doc, c, profile)
    try:
        basis, category = _ceiling_basis(w)
        failed = w.thresholds(w.base_metrics())
        if failed:
            raise NotEligible(failed)
    except NotComputable as exc:
        return skip(Msg("ceiling.not_computable", reason=exc.msg, amount=Money(top), quote=bounds))
    except NotEligible as exc:
        return skip(exc.msgs[0] if len(exc.msgs) == 1 else Msg("list.all", items=exc.msgs), "not_eligible", w.checks)
    w.basis = basis
    w.bound = "ceiling"
    return "item", _item(doc, c, w, None, top, category, [Msg("ceiling.item", amount=Money(top), quote=bounds)])


def estimate(docs: list[Document], profile: Profile, as_of: date | None = None) -> Estimate:
    """Per city, on `as_of` (else the profile's, else today): the incentives the profile qualifies
    for, the amounts, and everything else."""
    on = as_of or profile.as_of or date.today()
    by_city: dict[str, list[Document]] = {}
    for d in docs:
        by_city.setdefault(d.city_shown, []).append(d)
    cities = [c for c in profile.cities if c in by_city] if profile.cities else sorted(by_city)
    out = []
    rate_used = False
    for city in cities:
        city_docs = by_city[city]
        items: list[Item] = []
        lists: dict[str, list[Skipped]] = {"not_eligible": [], "not_computable": [], "not_in_force": []}
        clauses: dict[str, Clause] = {}
        for d in city_docs:
            force = in_force(d.validity, on)
            for c in d.clauses:
                if c.kind != "incentive":
                    continue
                if force is False:
                    lists["not_in_force"].append(Skipped(
                        c.id, primary(c), Msg("skip.not_in_force", doc=Code(d.number or d.id), day=on.isoformat(),
                                              start=_day(d.validity.effective or d.validity.issued),
                                              end=_day(d.validity.expiry)),
                        c.article, c.text, valid_from=d.validity.effective or d.validity.issued,
                        valid_to=d.validity.expiry))
                    continue
                clauses[c.id] = c
                status, r = evaluate(d, c, profile)
                if isinstance(r, Item):
                    items.append(r)
                    rate_used = rate_used or r.usd_converted
                else:
                    lists[status].append(r)
        kept, excluded = stack(city_docs, items, clauses)
        total = sum((i.amount_cny for i in kept if i.amount_cny is not None), Decimal(0))
        up_to = total + sum((i.up_to_cny for i in kept if i.amount_cny is None and i.up_to_cny), Decimal(0))
        out.append(CityEstimate(city, [d.number or d.id for d in city_docs], total, kept, excluded,
                                lists["not_eligible"], lists["not_computable"], up_to, lists["not_in_force"]))
    assumptions = []
    if not profile.usd_cny_rate_given:
        assumptions.append(Msg("assume.rate_used" if rate_used else "assume.rate_not_needed",
                               rate=profile.usd_cny_rate))
    assumptions.append(Msg("assume.date", day=on.isoformat()))
    undated = sorted({d.number or d.id for d in docs if in_force(d.validity, on) is None})
    if undated:
        assumptions.append(Msg("assume.undated", docs=[Code(x) for x in undated]))
    assumptions += [Msg("assume.periods"), Msg("assume.certain")]
    return Estimate(profile.name, profile.usd_cny_rate, not profile.usd_cny_rate_given, assumptions, out, on)


def _day(d: date | None) -> Msg | str:
    return d.isoformat() if d else Msg("word.not_stated")
