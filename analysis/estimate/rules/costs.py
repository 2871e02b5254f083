"""Cost shares on an enterprise-wide cost: a rate of fees (trademark, patent, certification,
testing), of the export credit insurance premium, or of promotion spending, with caps. The cost
the rate applies to is read from the rate's extracted base (费用 of 商标注册, 保费, 推广费用)."""
from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from analysis.estimate.messages import Key, Money, Msg
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
    name = "fees"
    fields = ("rates",)
    profile_keys = ("trademark_fees_cny", "patent_fees_cny", "certification_fees_cny", "testing_fees_cny")
    # word of the rate's base -> the profile key of that cost
    BASES: ClassVar[tuple[tuple[str, str], ...]] = (
        ("商标", "trademark_fees_cny"), ("注册", "trademark_fees_cny"), ("专利", "patent_fees_cny"),
        ("认证", "certification_fees_cny"), ("检测", "testing_fees_cny"))

    def keys(self, c: Clause) -> list[str]:
        base = c.rates[0].base or ""
        return list(dict.fromkeys(k for word, k in self.BASES if word in base))

    def matches(self, c: Clause) -> bool:
        return bool(self.keys(c))

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        keys = self.keys(w.c)
        amount = _share(w, keys, "what.fees")
        cat = {"trademark_fees_cny": "trademark", "patent_fees_cny": "patent"}.get(keys[0], "certification")
        return amount, primary(w.c, cat)


class Insurance(Rule):
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
    name = "promotion"
    categories = ("brand-promotion", "platform")
    fields = ("rates",)
    profile_keys = ("promotion_cny", "platform_fees_cny", "platform_promotion_cny", "new_to_cross_border")

    def matches(self, c: Clause) -> bool:
        return "推广" in (c.rates[0].base or "") + " ".join(c.conditions)

    def keys(self, c: Clause) -> list[str]:
        where = c.text
        if "第三方平台" in where:
            return ["platform_fees_cny", "platform_promotion_cny", "promotion_cny"]
        if "跨境电子商务平台" in where or "跨境电商平台" in where:
            return ["platform_promotion_cny"]
        return ["promotion_cny"]

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        if "首次开展" in c.text:
            words = segment(c.text, "首次开展")
            first = p.new_to_cross_border
            if first is None:
                raise NotComputable(Msg("key.not_stated_for", key=Key("new_to_cross_border"), quote=words))
            if not first:
                raise NotEligible(Msg("promotion.not_first_year", quote=words))
            w.checks.append(Msg("check.yes", key=Key("new_to_cross_border"), quote=words))
        return _share(w, self.keys(c), "what.fees"), primary(c, "brand-promotion", "platform")
