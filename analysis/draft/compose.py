"""Compose a draft clause by analogy: choose a model precedent (of the reference city if given, else
of the commonest computable instrument), keep its conditions (新建, 域名持有) and counts limits, and
fill its pattern with the values the user set (read in the unit typed) or the median of the model's
own group (same cost base; same kind, basis and period; same metric, unit and scope).

The result is a `Draft`: the clause in Chinese as fragments, each naming the parameter it shows,
so that analysis.draft.render can footnote every value to the precedents it came from.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from analysis.draft import words
from analysis.draft.ranges import Parameter, parameter_ranges, precedents, sentence
from analysis.draft.settings import parse_settings
from analysis.draft.words import Fragment
from ingest.categories import scheme
from ingest.model import Clause, Document, FundingRule
from policykg.errors import PolicyKGError

COMPUTABLE = ("proportional", "fixed", "per-unit", "tiered")
SHORT_NOUN = {"资金扶持": "扶持金额", "资金支持": "支持金额", "资金奖励": "奖励", "补助": "补助", "奖励": "奖励"}
ENTITY = ("enterprise", "operator", "institution", "platform")


@dataclass
class Precedent:
    """A clause of the category, as listed under the draft."""

    clause_id: str
    city: str
    document: str | None
    article: str
    instrument: str | None
    one_time: bool | None
    text: str


@dataclass
class Draft:
    """A drafted clause: its fragments, the parameters (with their precedents) and the model."""

    category: str
    like: str | None
    model: Precedent
    precedents: list[Precedent]
    parameters: dict[str, Parameter]
    used: list[str]  # the parameters that appear in the draft, in order
    fragments: list[Fragment]
    tiers_sentence: str  # the model's sentence of tiers, cited when the draft copies them

    @property
    def text(self) -> str:
        """The draft clause, plain."""
        return "".join(t for t, _ in self.fragments)


def _richness(c: Clause) -> int:
    return sum(bool(x) for x in (c.rates, [a for a in c.amounts if a.role == "cap"],
                                 [a for a in c.amounts if a.role == "award"],
                                 [a for a in c.amounts if a.role == "per-unit"], c.thresholds, c.tiers, c.bonuses))


def _model(pairs: list[tuple[Document, Clause]], like: str | None) -> tuple[Document, Clause]:
    computable = [(d, c) for d, c in pairs if c.instrument in COMPUTABLE]
    if like:
        city = like.removesuffix("市")
        mine = [(d, c) for d, c in computable if d.city == city] or [(d, c) for d, c in pairs if d.city == city]
        if not mine:
            have = sorted({d.city_shown for d, _ in pairs})
            raise PolicyKGError(f"--like {like}: no precedent of this category in {city}; cities with one: "
                                f"{', '.join(have)}")
        return max(mine, key=lambda x: _richness(x[1]))
    pool = computable or pairs
    common = Counter(c.instrument for _, c in pool).most_common(1)[0][0]
    best = [(d, c) for d, c in pool if c.instrument == common]
    return sorted(best, key=lambda x: (-_richness(x[1]), x[1].id))[0]


def _with_conditions(subject: str, c: Clause) -> str:
    """The subject with the model's conditions kept: 新建…独立站（须直接持有独立站申报域名）."""
    for r in c.requirements:
        if r.kind == "new-build":
            subject = "新建" + subject.removeprefix("自建").removeprefix("新建")
    for r in c.requirements:
        if r.kind == "domain-ownership" and r.text:
            subject += f"（须{r.text.removeprefix('须')}）" if r.direct else f"（需{r.text}的股份或份额）"
    return subject


class _Composer:
    """Chooses each parameter's value for one model precedent and writes the clause's fragments."""

    def __init__(self, params: dict[str, Parameter], chosen: dict[str, Decimal | bool], mc: Clause,
                 pairs: list[tuple[Document, Clause]]):
        self.params, self.chosen, self.mc, self.pairs = params, chosen, mc, pairs
        self.caps = [a for a in mc.amounts if a.role == "cap"]
        self.awards = [a for a in mc.amounts if a.role == "award"]
        self.units = [a for a in mc.amounts if a.role == "per-unit"]
        self.bonuses = [a for a in mc.amounts if a.role == "bonus"]
        self.frags: list[Fragment] = []

    def use_model_groups(self) -> None:
        """Ranges and medians in the model's own group: same cost base; kind, basis, period; metric."""
        firsts: dict[str, Decimal | None] = {
            "rate": self.mc.rates[0].percent if self.mc.rates else None,
            "cap": self.caps[0].value if self.caps else None, "award": self.awards[0].value if self.awards else None,
            "per_unit": self.units[0].value if self.units else None,
            "bonus": self.bonuses[0].value if self.bonuses else None,
            "threshold": self.mc.thresholds[0].value if self.mc.thresholds else None}
        for name, value in firsts.items():
            mine = [o for o in self.params[name].observations if o.source.clause_id == self.mc.id
                    and value is not None and o.value == value]
            self.params[name].use_group_of(mine[0] if mine else None)

    def pick(self, name: str, present: bool) -> bool:
        """Set parameter `name`: the user's value, else (if the model has it) its group's median."""
        p = self.params[name]
        if name in self.chosen:
            p.value, p.chosen_by = self.chosen[name], "user"
        elif present and name == "one_time":
            # the period belongs to the model's amounts: a yearly cap stays yearly, a term stays unsaid
            yearly_amounts = any(a.period == "yearly" for a in self.mc.amounts)
            p.value = self.mc.one_time if self.mc.one_time is not None else (False if yearly_amounts else None)
            p.chosen_by = "model" if p.value is not None else "none"
        elif present and p.median is not None:
            p.value, p.chosen_by = p.median, "median"
        else:
            p.chosen_by = "none"
        return p.value is not None

    def threshold(self) -> None:
        th = self.params["threshold"]
        t = self.mc.thresholds[0] if self.mc.thresholds else None
        th.op = t.op if t else ">="
        if th.metric is None:
            raise PolicyKGError("--set threshold: no precedent of this category has a threshold to take "
                                "the metric from")
        typed = getattr(th.value, "unit", None)
        if th.chosen_by == "user" and typed:
            th.unit = typed  # read as typed: 500万美元 stays dollars, 1000万元 stays yuan

    def subject(self, category: str, has_threshold: bool) -> None:
        """对…（conditions kept）且 threshold 的企业，"""
        threshold: list[Fragment] = []
        if has_threshold:
            p = self.params["threshold"]
            scope = p.group[2] if p.group and len(p.group) > 2 else None
            value = words.zh_amount(self._number("threshold"), p.unit) + ("以上" if p.op == ">=" else "")
            threshold = words.frame("threshold", metric=words.metric(p.metric or "", scope),
                                    op=words.text("op-more" if p.op == ">" else "op-at-least"),
                                    threshold=(value, "threshold"))
        self.frags += words.frame("subject", subject=_with_conditions(words.subject(category), self.mc),
                                  threshold=threshold)

    def grant(self, noun: str, once: Fragment, lead: Fragment, flags: dict[str, bool]) -> None:
        """The grant in its instrument's frame: tiers, a rate of a cost base, a per-unit sum, a fixed
        award or a ceiling."""
        mc = self.mc
        if mc.instrument == "tiered" and mc.tiers and not (flags["rate"] or flags["award"]):
            tiers = [t for t in mc.tiers if t.threshold]
            head = words.metric(tiers[0].threshold.metric) if tiers and tiers[0].threshold else ""
            steps = "、".join(f"达{words.zh_amount(t.threshold.value, t.threshold.unit)}以上"
                             for t in tiers if t.threshold)
            said = (f"{head}{steps}{'的，' if tiers else ''}分别给予"
                    + "、".join(words.zh_amount(t.amount.value) for t in mc.tiers))
            self.frags += words.frame("tiered", tiers=(said, "tiers"), once=once, noun=noun)
        elif flags["rate"]:
            self.frags += words.frame("proportional", base=self._base(), yearly=lead, once=once, noun=noun,
                                      rate=(f"{words.plain(self._number('rate'))}%", "rate"))
        elif flags["per_unit"]:
            u = self.units[0] if self.units else None
            per = words.per_unit(u.unit) if u and u.unit else f"每{words.text('per-unit')}"
            self.frags += words.frame("per-unit", per=per, yearly=lead, noun=noun,
                                      per_unit=(words.zh_amount(self._number("per_unit")), "per_unit"))
        elif flags["award"]:
            basis = self.awards[0].basis if self.awards else None
            self.frags += words.frame("fixed", yearly=lead, once=once, noun=noun,
                                      per=words.per(basis) if basis and basis not in ENTITY else "",
                                      award=(words.zh_amount(self._number("award")), "award"))
        elif flags["cap"]:
            self.frags += words.frame("ceiling", yearly=lead, once=once, noun=noun,
                                      cap=(words.zh_amount(self._number("cap")), "cap"))

    def _base(self) -> str:
        """The cost base the rate is a share of, as the model (or another precedent) writes it."""
        rate = self.mc.rates[0] if self.mc.rates else next((r for _, c in self.pairs for r in c.rates if r.base), None)
        written = re.search(r"按(?:照)?([^，。；]{2,40}?)的\d+(?:\.\d+)?%", self.mc.text)
        if rate and rate.base:
            return rate.base
        return written.group(1) if written else words.cost_label("costs-paid")

    def _number(self, name: str) -> Decimal:
        value = self.params[name].value
        return value if isinstance(value, Decimal) and not isinstance(value, bool) else Decimal(0)

    def cap_phrase(self, short: str, yearly: Fragment) -> None:
        """，单个独立站补助最高不超过20万元: the cap on a rate, a unit amount or an award, per what it is."""
        per = self.caps[0].basis if self.caps else None
        where = (self.caps[0].qualifier or "") if self.caps else ""
        self.frags += words.frame("cap", where=where, per=words.per(per), yearly=yearly, short=short,
                                  cap=(words.zh_amount(self._number("cap")), "cap"))

    def bonus(self, short: str) -> None:
        cond = next((b.condition for b in self.mc.bonuses if b.condition), None) or "在“一带一路”沿线国家或地区的"
        self.frags += words.frame("bonus", condition=cond.removeprefix("对"), short=short,
                                  bonus=(words.zh_amount(self._number("bonus")), "bonus"))

    def funding(self, model_funding: list[FundingRule]) -> None:
        """Who pays: the share set or the model's single share, several shares as the model's, or its rule."""
        shares = sorted({r.city_share for r in model_funding if r.kind == "shared" and r.city_share is not None},
                        reverse=True)
        p = self.params["city_share"]
        if "city_share" not in self.chosen and len(shares) == 1:
            p.value, p.chosen_by = shares[0], "model"
        else:
            self.pick("city_share", False)
        if isinstance(p.value, Decimal):
            ratio = f"{words.plain(p.value)}:{words.plain(Decimal(100) - p.value)}"
            self.frags += words.frame("funding", ratio=(ratio, "city_share"), note="")
        elif len(shares) > 1:
            ratios = "或".join(f"{words.plain(x)}:{words.plain(Decimal(100) - x)}" for x in shares)
            p.chosen_by = "model"
            self.frags += words.frame("funding", ratio=(ratios, "city_share"), note=words.text("by-district"))
        elif model_funding:
            kinds = {r.kind for r in model_funding}
            phrase = words.text("funding-local" if "local" in kinds else "funding-city" if "city" in kinds
                                else "funding-fiscal")
            p.chosen_by = "model"
            self.frags += [(phrase, "city_share"), ("。", None)]


def draft(docs: list[Document], category: str, like: str | None = None,
          settings: list[str] | dict[str, object] | None = None) -> Draft:
    """A draft clause of `category` in the style of the precedents (of `like`'s city if given)."""
    chosen = parse_settings(settings)
    pairs = precedents(docs, category)
    md, mc = _model(pairs, like)
    comp = _Composer(parameter_ranges(docs, category), chosen, mc, pairs)
    comp.use_model_groups()
    flags = {"rate": comp.pick("rate", bool(mc.rates)), "cap": comp.pick("cap", bool(comp.caps)),
             "award": comp.pick("award", bool(comp.awards) and not mc.rates),
             "per_unit": comp.pick("per_unit", bool(comp.units))}
    has_threshold = comp.pick("threshold", bool(mc.thresholds))
    if has_threshold:
        comp.threshold()
    has_bonus = comp.pick("bonus", bool(comp.bonuses))
    period = comp.params["one_time"].value if comp.pick("one_time", True) else None

    noun = next((n for n in words.NOUNS if n in mc.text), "补助")
    once: Fragment = (words.period("one-time"), "one_time") if period is True else ("", None)
    yearly: Fragment = (words.period("yearly"), "one_time") if period is False else ("", None)
    cap_phrase = flags["cap"] and (flags["rate"] or flags["per_unit"] or flags["award"] or mc.instrument == "tiered")
    comp.subject(category, has_threshold)
    comp.grant(noun, once, ("", None) if cap_phrase else yearly, flags)
    if cap_phrase:
        comp.cap_phrase(SHORT_NOUN[noun], yearly)
    for lim in mc.count_limits:  # 单家企业申报独立站数量最多2个: the model's limits on counts stay
        comp.frags.append((f"，{lim.text}", None))
    comp.frags.append(("。", None))
    if has_bonus:
        comp.bonus(SHORT_NOUN[noun])
    comp.funding([r for r in md.funding_rules if r.id in mc.funding])

    used: list[str] = []
    for _, name in comp.frags:
        if name and name not in used:
            used.append(name)
    precs = [Precedent(c.id, d.city_shown, d.number, c.article, c.instrument, c.one_time, c.text) for d, c in pairs]
    model = next(p for p in precs if p.clause_id == mc.id)
    return Draft(category, like, model, precs, comp.params, used, comp.frags, sentence(mc.text, "分别"))


def category_label(category: str, lang: str = "zh") -> str:
    """A category's label from the scheme: 独立站 / Independent website."""
    c = scheme()[category]
    return c.zh if lang == "zh" else c.en
