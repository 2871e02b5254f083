"""Amounts per unit counted: per block of parcels shipped (a facility operator), per person trained
(a college), and a rate of each training session's cost (a training institution)."""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from analysis.estimate.messages import Key, Money, Msg, Qty, clause_words, says
from analysis.estimate.rules.base import Rule
from analysis.estimate.working import (
    Metric,
    NotComputable,
    NotEligible,
    Working,
    caps,
    need,
    per_unit,
    segment,
    who,
)
from ingest.model import Clause


class Parcels(Rule):
    """An amount per block of parcels shipped."""

    name = "parcels"
    fields = ("per_unit",)
    profile_keys = ("parcels",)

    def matches(self, c: Clause) -> bool:
        return any(a.basis == "parcel" for a in per_unit(c))

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        u = next(a for a in per_unit(c) if a.basis == "parcel")
        block = Decimal((u.unit or "1").split()[0])
        parcels = need(p.parcels, "parcels")
        channel = says(c.text, "parcel_channel")  # 邮件 (international mail) or 快件 (express)
        if channel is None:
            raise NotComputable(Msg("parcels.channel_unknown"))
        key = clause_words("parcel_channel")[channel]
        n = need(getattr(parcels, key), f"parcels.{key}")
        blocks = (Decimal(n) / block).to_integral_value(ROUND_DOWN)
        if blocks == 0:
            raise NotEligible(Msg("parcels.below_block", key=Key(f"parcels.{key}"), count=Qty(Decimal(n), "parcel"),
                                  block=Qty(block, "parcel")))
        amount = blocks * u.value
        w.lines.append(Msg("calc.blocks", key=Key(f"parcels.{key}"), count=Qty(Decimal(n), "parcel"),
                           blocks=blocks, block=Qty(block, "parcel"), each=Money(u.value), amount=Money(amount),
                           quote=segment(c.text, u.text)))
        for cap in caps(c):
            amount = w.cap(amount, cap)
        w.basis.append(f"parcels.{key}")
        return amount, "logistics"


class Trainees(Rule):
    """An amount per person trained."""

    name = "trainees"
    categories = ("talent",)
    fields = ("per_unit",)
    profile_keys = ("trainees", "training")

    def matches(self, c: Clause) -> bool:
        return any(a.unit == "person" for a in per_unit(c))

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        n = need(p.trainees, "trainees")
        m = w.base_metrics()
        t = p.training
        if t is not None:
            if t.enrolment is not None:
                m["enrolment"] = Metric(Decimal(t.enrolment), "person", Key("training.enrolment"))
            if t.days is not None:
                m["training-days"] = Metric(Decimal(t.days), "day", Key("training.days"))
            if t.contract_years is not None:
                m["contract-years"] = Metric(t.contract_years, "year", Key("training.contract_years"))
        failed = w.thresholds(m)
        if failed:
            raise NotEligible(failed)
        if n == 0:
            raise NotEligible(Msg("key.zero", key=Key("trainees")))
        u = next(a for a in per_unit(c) if a.unit == "person")
        amount = u.value * n
        w.lines.append(Msg("calc.per_person", each=Money(u.value), count=Qty(Decimal(n), "person"),
                           amount=Money(amount), quote=segment(c.text, u.text)))
        for cap in caps(c):
            amount = w.cap(amount, cap)
        w.basis.append("trainees")
        return amount, "talent"


class Sessions(Rule):
    """A rate of each training session's cost, capped per session."""

    name = "training-sessions"
    categories = ("talent",)
    fields = ("rates",)
    profile_keys = ("training_sessions",)

    def matches(self, c: Clause) -> bool:
        return any(a.per == "session" for a in caps(c))

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        sessions = need(p.training_sessions, "training_sessions")
        if not sessions:
            raise NotEligible(Msg("list.none", key=Key("training_sessions")))
        total, failures = Decimal(0), []
        for i, s in enumerate(sessions):
            whom = who("training_sessions", i)
            m = w.base_metrics()
            m["trainees"] = Metric(Decimal(s.trainees), "person", Key(f"training_sessions[{i}].trainees"))
            failed = w.thresholds(m, whom)
            if failed:
                failures += failed
                continue
            amount = w.times(c.rates[0], Money(s.cost_cny), whom,
                             Msg("what.fees", key=Key(f"training_sessions[{i}].cost_cny")))
            for cap in caps(c):
                if cap.per == "session":
                    amount = w.cap(amount, cap, whom)
            total += amount
            w.basis.append(f"training_sessions[{i}]")
        if not w.basis:
            raise NotEligible(failures)
        w.notes += failures
        for cap in caps(c):
            if cap.per != "session":
                total = w.cap(total, cap, Msg("word.total"))
        return total, "talent"
