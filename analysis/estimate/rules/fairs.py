"""Trade fairs (展会): a rate of the booth fees, per booth or per fair, with the rate chosen by the
fair's country (Belt and Road / RCEP), a cap by location (境外/境内), a limit on booths counted,
and a cap per enterprise; a pool for all enterprises is shown, never applied to one."""
from __future__ import annotations

from decimal import Decimal

from analysis.estimate.messages import Key, Money, Msg, Qty, Term, clause_words, says
from analysis.estimate.rules.base import Rule
from analysis.estimate.working import NotComputable, NotEligible, Working, caps, need, segment, who
from ingest.model import Clause


class Fair(Rule):
    """A trade fair: a rate of the booth fees of the fairs of the kind the clause names."""

    name = "fair"
    categories = ("exhibition",)
    fields = ("rates",)
    profile_keys = ("fairs",)

    def kind(self, c: Clause) -> str | None:
        """The kind of fair the clause pays for, named in its conditions, rates or text
        (ontology/estimate.yaml, clause_words.fair_kind)."""
        where = " ".join(c.conditions + [r.base or "" for r in c.rates]) + c.text
        return next((k for k, words in clause_words("fair_kind").items() if any(x in where for x in words)), None)

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        kind = self.kind(c)
        if kind is None:
            raise NotComputable(Msg("fair.kind_unknown"))
        fairs = need(p.fairs, "fairs")
        mine = [(i, f) for i, f in enumerate(fairs) if f.kind == kind]
        if not mine:
            raise NotEligible(Msg("fair.none_of_kind", kind=Term("fair_kind", kind)))
        limit = next((x for x in c.count_limits if x.unit == "booth"), None)
        qualified = [r for r in c.rates if r.qualifier]
        total = Decimal(0)
        for i, f in mine:
            fair = who("fairs", i)
            if qualified:
                br = f.belt_and_road or f.rcep
                r = next((r for r in qualified if bool(says(r.qualifier or "", "belt_and_road")) == br), None)
                if r is None:
                    raise NotComputable(Msg("fair.no_rate_fits", who=fair))
                w.conditions.append(Msg("fair.country", who=fair, country=f.country or Msg("word.not_named"),
                                        belt_and_road=br))
            else:
                r = c.rates[0]
            booths = f.booths
            if limit is not None and booths > limit.count:
                w.lines.append(Msg("fair.booth_limit", who=fair, booths=Qty(Decimal(booths), "booth"),
                                   limit=Qty(Decimal(limit.count), "booth"), quote=limit.text))
                booths = limit.count
            located = [a for a in caps(c) if a.qualifier in ("境外", "境内")]
            if located and f.location is None:
                raise NotComputable(Msg("key.not_stated", key=Key(f"fairs[{i}].location")))
            cap = next((a for a in located if a.qualifier == ("境外" if f.location == "overseas" else "境内")), None)
            if cap is None:
                cap = next((a for a in caps(c) if a.per == "booth" and a.qualifier is None), None)
            if cap is not None and cap.per == "booth":
                per_booth = f.fee_cny / f.booths
                w.lines.append(Msg("fair.per_booth", who=fair, fee=Money(f.fee_cny),
                                   booths=Qty(Decimal(f.booths), "booth"), each=Money(per_booth)))
                one = w.times(r, Money(per_booth), fair, Msg("what.booth_fee"))
                one = w.cap(one, cap, fair)
                amount = one * booths
                w.lines.append(Msg("fair.times_booths", who=fair, each=Money(one),
                                   booths=Qty(Decimal(booths), "booth"), amount=Money(amount)))
            else:
                base = f.fee_cny * booths / f.booths
                amount = w.times(r, Money(base), fair, Msg("what.booth_fees", booths=Qty(Decimal(booths), "booth")))
                if cap is not None:
                    amount = w.cap(amount, cap, fair)
            total += amount
            w.basis.append(f"fairs[{i}]")
        for a in caps(c):
            if a.per == "all-enterprises":
                w.notes.append(Msg("cap.pool", quote=segment(c.text, a.text)))
            elif a.per == "enterprise" and a.qualifier is None:
                total = w.cap(total, a, Msg("word.total"))
        return total, "exhibition"
