"""Awards for who the enterprise is or what it reached: a recognition (示范企业, 知名品牌, 高新技术
企业…), a tier of outbound investment (with a Belt and Road bonus), a tier of service exports."""
from __future__ import annotations

from decimal import Decimal

from analysis.estimate.messages import Key, Money, Msg, Term, clause_words, says
from analysis.estimate.rules.base import Rule
from analysis.estimate.working import (
    HUNDRED,
    Metric,
    NotComputable,
    NotEligible,
    Working,
    awards,
    need,
    quote,
    segment,
    who,
)
from analysis.profile import RECOGNITIONS
from ingest.model import Clause, Tier


def _names(label: str, key: str) -> bool:
    """A tier label names a recognition: '国家' names 国家级跨境电商示范企业 in a list of demo enterprises."""
    title = RECOGNITIONS[key]
    return label in title or (title.startswith(label.removesuffix("级") + "级") and "示范企业" in title
                              and len(label) <= 3)


def tier_pick(w: Working, metrics: dict[str, Metric]) -> Tier | None:
    """The highest tier whose threshold the profile reaches."""
    best = None
    for t in sorted((t for t in w.c.tiers if t.threshold), key=lambda t: t.threshold.value if t.threshold else 0):
        if t.threshold is not None and w.threshold(t.threshold, metrics):
            best = t
    return best


class Recognition(Rule):
    """An award for a recognition the enterprise holds."""

    name = "recognition"
    categories = ("demonstration-award",)
    profile_keys = ("recognitions",)

    def found(self, c: Clause) -> list[str]:
        """The recognitions the clause names (clause_words.recognition, or a tier's label)."""
        where = " ".join(c.conditions) + c.text
        out = [k for k, words in clause_words("recognition").items() if any(x in where for x in words)]
        for t in c.tiers:
            out += [k for k in RECOGNITIONS if t.label and _names(t.label, k) and k not in out]
        return out

    def matches(self, c: Clause) -> bool:
        return bool(self.found(c)) and bool(awards(c) or c.tiers)

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        if not awards(c) and c.tiers and not any(t.label for t in c.tiers):
            raise NotComputable(Msg("recognition.unlabelled_tiers", amounts=[Money(t.amount.value) for t in c.tiers]))
        found = self.found(c)
        have = need(p.recognitions, "recognitions")
        mine = [k for k in found if k in have]
        if not mine:
            raise NotEligible(Msg("recognition.none", names=[Term("recognition", k) for k in found]))
        paid = awards(c)
        if not paid:
            labelled = [t.amount for t in c.tiers for k in mine if t.label and _names(t.label, k)]
            if not labelled:
                raise NotComputable(Msg("recognition.no_label_names"))
            paid = sorted(labelled, key=lambda a: a.value, reverse=True)
        a = paid[0]
        w.lines.append(Msg("calc.recognition", names=[Term("recognition", k) for k in mine], amount=Money(a.value),
                           quote=segment(c.text, a.text)))
        if len(mine) > 1:
            w.notes.append(Msg("recognition.several"))
        w.basis += [f"recognitions:{k}" for k in mine]
        return a.value, "demonstration-award"


class Outbound(Rule):
    """A tier of outbound investment per project, with a Belt and Road bonus."""

    name = "outbound-investment"
    fields = ("tiers",)
    profile_keys = ("outbound_investments",)

    def matches(self, c: Clause) -> bool:
        return any(t.threshold and t.threshold.metric == "investment" for t in c.tiers)

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        projects = need(p.outbound_investments, "outbound_investments")
        if not projects:
            raise NotEligible(Msg("list.none", key=Key("outbound_investments")))
        total, failures = Decimal(0), []
        for i, x in enumerate(projects):
            whom = who("outbound_investments", i)
            m = w.base_metrics()
            m["investment"] = Metric(x.usd, "USD", Key(f"outbound_investments[{i}].usd"))
            best = tier_pick(w, m)
            if best is None or best.threshold is None:
                failures.append(Msg("tier.below_lowest", who=whom, value=Money(x.usd, "USD")))
                continue
            amount = best.amount.value
            w.lines.append(Msg("calc.tier", who=whom, value=Money(x.usd, "USD"),
                               tier=Money(best.threshold.value, "USD"), amount=Money(amount),
                               quote=quote(c.text, best.threshold.text, 0, 8)))
            for b in c.bonuses:
                if not says(b.condition or b.text, "belt_and_road"):
                    continue
                if not x.belt_and_road:
                    w.notes.append(Msg("bonus.not_belt_and_road", who=whom, quote=b.text))
                    continue
                extra = amount * b.percent / HUNDRED if b.percent is not None else b.amount or Decimal(0)
                w.lines.append(Msg("bonus.belt_and_road", who=whom, amount=Money(extra), quote=b.text))
                amount += extra
            total += amount
            w.basis.append(f"outbound_investments[{i}]")
        if not w.basis:
            raise NotEligible(failures)
        w.notes += failures
        return total, "outbound-investment"


class ServiceTrade(Rule):
    """A tier of service exports."""

    name = "service-trade"
    fields = ("tiers",)
    profile_keys = ("service_exports_usd", "service_trade_reported")

    def matches(self, c: Clause) -> bool:
        return any(t.threshold and t.threshold.metric == "service-exports" for t in c.tiers)

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        exports = need(p.service_exports_usd, "service_exports_usd")
        reporting = next((r for r in c.requirements if r.kind == "reporting"), None)  # 在…直报系统填报
        if reporting:
            words = segment(c.text, reporting.text)
            reported = p.service_trade_reported
            if reported is None:
                raise NotComputable(Msg("key.not_stated_for", key=Key("service_trade_reported"), quote=words))
            if not reported:
                raise NotEligible(Msg("service.not_reported", quote=words))
            w.checks.append(Msg("check.yes", key=Key("service_trade_reported"), quote=words))
        best = tier_pick(w, w.base_metrics())
        if best is None or best.threshold is None:
            raise NotEligible(Msg("tier.below_lowest", who=Key("service_exports_usd"), value=Money(exports, "USD")))
        w.lines.append(Msg("calc.tier", who=Key("service_exports_usd"), value=Money(exports, "USD"),
                           tier=Money(best.threshold.value, "USD"), amount=Money(best.amount.value),
                           quote=quote(c.text, best.threshold.text, 0, 4)))
        w.basis.append("service_exports_usd")
        return best.amount.value, "service-trade"
