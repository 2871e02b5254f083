"""Overseas warehouses (海外仓): a rate of the building cost per warehouse (area and time-in-use
thresholds, a cap per warehouse, a Belt and Road bonus), a rate of the storage fees paid to a
public warehouse, and an award for a newly recognised public warehouse."""
from __future__ import annotations

from decimal import Decimal

from analysis.estimate.messages import Key, Money, Msg, Term, says
from analysis.estimate.rules.base import Rule
from analysis.estimate.working import (
    Metric,
    NotComputable,
    NotEligible,
    Working,
    awards,
    caps,
    need,
    primary,
    segment,
    who,
)
from analysis.profile import Warehouse
from ingest.model import Clause


def level(c: Clause) -> str | None:
    """The level of public warehouse the clause requires (its public-warehouse requirement, extracted
    by ingest.payout from 市级公共海外仓 / 省级公共海外仓); a city one where it names both."""
    levels = [r.level for r in c.requirements if r.kind == "public-warehouse" and r.level]
    return "city" if "city" in levels else next(iter(levels), None)


def warehouses(w: Working) -> list[tuple[int, Warehouse]]:
    whs = need(w.p.overseas_warehouses, "overseas_warehouses")
    if not whs:
        raise NotEligible(Msg("list.none", key=Key("overseas_warehouses")))
    return list(enumerate(whs))


def _metrics(w: Working, i: int, wh: Warehouse) -> dict[str, Metric]:
    m = w.base_metrics()
    if wh.area_m2 is not None:
        m["area"] = Metric(wh.area_m2, "m2", Key(f"overseas_warehouses[{i}].area_m2"))
    if wh.months_in_use is not None:
        m["operating-time"] = Metric(wh.months_in_use, "month", Key(f"overseas_warehouses[{i}].months_in_use"))
    return m


def _bonus(w: Working, wh: Warehouse, whom: Key) -> Decimal:
    extra = Decimal(0)
    for b in w.c.bonuses:
        if b.amount is None:
            continue
        if says(b.condition or b.text, "belt_and_road"):
            if wh.belt_and_road:
                w.lines.append(Msg("bonus.belt_and_road", who=whom, amount=Money(b.amount), quote=b.text))
                if b.condition:
                    w.conditions.append(Msg("condition.assumed", text=b.condition))
                extra += b.amount
            else:
                w.notes.append(Msg("bonus.not_belt_and_road", who=whom, quote=b.text))
    return extra


def _not_public(whom: Key, lv: str) -> Msg:
    return Msg("warehouse.not_public", who=whom, level=Term("level", lv))


class WarehouseStorage(Rule):
    """A rate of the storage fees paid to a public overseas warehouse (the rate's base: 仓储)."""

    name = "warehouse-storage"
    categories = ("overseas-warehouse",)
    fields = ("rates",)
    profile_keys = ("overseas_warehouses",)

    def matches(self, c: Clause) -> bool:
        return bool(says(c.rates[0].base or "", "storage_base"))

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c = w.c
        lv = level(c)
        parts, failures = [], []
        for i, wh in warehouses(w):
            if lv and wh.public != lv:
                failures.append(_not_public(who("overseas_warehouses", i), lv))
                continue
            if wh.storage_cost_cny is not None:
                parts.append((i, wh.storage_cost_cny))
        if not parts:
            if failures:
                raise NotEligible(failures)
            raise NotComputable(Msg("key.not_stated", key=Key("overseas_warehouses[].storage_cost_cny")))
        keys = [Key(f"overseas_warehouses[{i}].storage_cost_cny") for i, _ in parts]
        amount = w.times(c.rates[0], Money(sum((x for _, x in parts), Decimal(0))), Msg("word.enterprise"),
                         Msg("what.fees", key=keys))
        for cap in caps(c):
            amount = w.cap(amount, cap)
        w.basis += [f"overseas_warehouses[{i}].storage_cost_cny" for i, _ in parts]
        w.notes += failures
        return amount, primary(c, "public-overseas-warehouse", "overseas-warehouse")


class WarehouseBuild(Rule):
    """A rate of each warehouse's building or leasing cost (the rate's base: 建设)."""

    name = "warehouse-build"
    categories = ("overseas-warehouse",)
    fields = ("rates",)
    profile_keys = ("overseas_warehouses",)

    def matches(self, c: Clause) -> bool:
        return bool(says(c.rates[0].base or "", "build_base"))

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c = w.c
        lv = level(c)
        total, failures = Decimal(0), []
        for i, wh in warehouses(w):
            whom = who("overseas_warehouses", i)
            if lv and wh.public != lv:
                failures.append(_not_public(whom, lv))
                continue
            cost = need(wh.build_cost_cny, f"overseas_warehouses[{i}].build_cost_cny")
            failed = w.thresholds(_metrics(w, i, wh), whom)
            if failed:
                failures += failed
                continue
            amount = w.times(c.rates[0], Money(cost), whom,
                             Msg("what.fees", key=Key(f"overseas_warehouses[{i}].build_cost_cny")))
            for cap in caps(c):
                if cap.per in (None, "warehouse"):
                    amount = w.cap(amount, cap, whom)
            total += amount + _bonus(w, wh, whom)
            w.basis.append(f"overseas_warehouses[{i}]")
        if not w.basis:
            raise NotEligible(failures)
        w.notes += failures
        return total, primary(c, "public-overseas-warehouse", "overseas-warehouse")


class WarehouseAward(Rule):
    """An award per recognised public overseas warehouse."""

    name = "warehouse-award"
    categories = ("public-overseas-warehouse",)
    fields = ("awards",)
    profile_keys = ("overseas_warehouses",)

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c = w.c
        lv = level(c) or "city"
        award = awards(c)[0]
        newly = any(r.kind == "new-recognition" and r.scope == "warehouse" for r in c.requirements)
        total, failures = Decimal(0), []
        for i, wh in warehouses(w):
            whom = who("overseas_warehouses", i)
            if wh.public != lv:
                failures.append(_not_public(whom, lv))
                continue
            if newly:
                if wh.newly_recognised is None:
                    raise NotComputable(Msg("key.not_stated", key=Key(f"overseas_warehouses[{i}].newly_recognised")))
                if not wh.newly_recognised:
                    failures.append(Msg("warehouse.not_newly_recognised", who=whom))
                    continue
            w.lines.append(Msg("calc.award_per", who=whom, amount=Money(award.value),
                               quote=segment(c.text, award.text)))
            total += award.value + _bonus(w, wh, whom)
            w.basis.append(f"overseas_warehouses[{i}]")
        if not w.basis:
            raise NotEligible(failures)
        w.notes += failures
        return total, "public-overseas-warehouse"
