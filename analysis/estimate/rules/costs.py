"""Cost shares on an enterprise-wide cost: a rate of fees (trademark, patent, certification,
testing), of the export credit insurance premium, or of promotion spending, with caps. The cost
the rate applies to is read from the rate's extracted base (费用 of 商标注册, 保费, 推广费用)."""
from __future__ import annotations

from decimal import Decimal

from analysis.estimate.messages import Key, Money, Msg, clause_words, says
from analysis.estimate.rules.base import Rule
from analysis.estimate.working import NotComputable, NotEligible, Working, caps, need, primary, segment
from ingest.model import Clause


def _share(w: Working, keys: list[str], what: str) -> Decimal:
    """rate x the sum of the profile's stated `keys` (an unstated one counts as none, said so)."""
    c, p = w.c, w.p
    stated = [k for k in keys if getattr(p, k) is not None]
    if not stated:
        raise NotComputable(Msg("key.not_stated", key=[Key(k) for k in keys]))
    for k in keys:
        if k not in stated:
            w.conditions.append(Msg("key.counted_none", key=Key(k)))
    failed = w.thresholds(w.base_metrics())
    if failed:
        raise NotEligible(failed)
    base = sum((getattr(p, k) for k in stated), Decimal(0))
    if base == 0:
        raise NotEligible(Msg("key.zero", key=[Key(k) for k in stated]))
    amount = w.times(c.rates[0], Money(base), Msg("word.enterprise"),
                     Msg(what, key=[Key(k) for k in stated]))
    for cap in caps(c):
        amount = w.cap(amount, cap)
    w.basis += stated
    return amount


class Fees(Rule):
    """A rate of trademark, patent, certification or testing fees (the rate's base names which)."""

    name = "fees"
    fields = ("rates",)
    profile_keys = ("trademark_fees_cny", "patent_fees_cny", "certification_fees_cny", "testing_fees_cny")

    def keys(self, c: Clause) -> list[str]:
        """The profile keys of the costs the rate's base names (clause_words.fee_base)."""
        base = c.rates[0].base or ""
        return list(dict.fromkeys(k for word, k in clause_words("fee_base").items() if word in base))

    def matches(self, c: Clause) -> bool:
        return bool(self.keys(c))

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        keys = self.keys(w.c)
        amount = _share(w, keys, "what.fees")
        cat = {"trademark_fees_cny": "trademark", "patent_fees_cny": "patent"}.get(keys[0], "certification")
        return amount, primary(w.c, cat)


class Insurance(Rule):
    """A rate of the export credit insurance premium."""

    name = "export-credit-insurance"
    categories = ("export-credit-insurance",)
    fields = ("rates",)
    profile_keys = ("export_credit_insurance_premium_cny",)

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        premium = need(w.p.export_credit_insurance_premium_cny, "export_credit_insurance_premium_cny")
        if premium == 0:
            raise NotEligible(Msg("key.zero", key=Key("export_credit_insurance_premium_cny")))
        amount = w.times(w.c.rates[0], Money(premium), Msg("word.enterprise"),
                         Msg("what.fees", key=Key("export_credit_insurance_premium_cny")))
        for cap in caps(w.c):
            amount = w.cap(amount, cap)
        w.basis.append("export_credit_insurance_premium_cny")
        return amount, "export-credit-insurance"


class Promotion(Rule):
    """A rate of promotion spending (own brand, on platforms, platform fees)."""

    name = "promotion"
    categories = ("brand-promotion", "platform")
    fields = ("rates",)
    profile_keys = ("promotion_cny", "platform_fees_cny", "platform_promotion_cny", "new_to_cross_border")

    def matches(self, c: Clause) -> bool:
        return bool(says((c.rates[0].base or "") + " ".join(c.conditions), "promotion_base"))

    def keys(self, c: Clause) -> list[str]:
        """The spending the clause pays on, by the channel it names (clause_words.promotion_channel)."""
        channel = says(c.text, "promotion_channel")
        return list(clause_words("promotion_channel")[channel]) if channel else ["promotion_cny"]

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        first = next((r for r in c.requirements if r.kind == "first-year"), None)  # 首次开展跨境电商
        if first:
            words = segment(c.text, first.text)
            if p.new_to_cross_border is None:
                raise NotComputable(Msg("key.not_stated_for", key=Key("new_to_cross_border"), quote=words))
            if not p.new_to_cross_border:
                raise NotEligible(Msg("promotion.not_first_year", quote=words))
            w.checks.append(Msg("check.yes", key=Key("new_to_cross_border"), quote=words))
        return _share(w, self.keys(c), "what.fees"), primary(c, "brand-promotion", "platform")
