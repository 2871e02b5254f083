"""Draft a clause by analogy: the range of each parameter across cities' precedents, and a
Chinese draft in their style with every parameter footnoted to the clauses it came from.

`parameter_ranges(docs, category)` collects, from every incentive clause of the category,
the rate, cap (and what it is per), award, per-unit amount, thresholds, bonus, one-time or
yearly, and the funding split. Values are grouped like for like: an amount by its kind (a cap
on a rate, a ceiling only, a fixed sum), basis (per site, per enterprise …) and period
(one-time, yearly, term); a threshold by metric, unit and whose figure it is. A range or a
median is only ever taken within one group; the other groups are shown beside it.
`draft(docs, category, like, settings)` picks a model precedent (of the `like` city if given,
else of the commonest instrument), keeps its conditions and counts limits, fills its pattern
with the values the user set (in the unit typed) or the median of the model's group, and renders
Markdown with footnotes [^n] citing clause id, city, article and source sentence.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from analysis.draft_values import PARAMETERS, parse_settings
from analysis.draft_words import (
    METRIC_ZH,
    NOUNS,
    PER_ZH,
    PERIOD_ZH,
    SITE_METRIC_ZH,
    SUBJECTS,
    UNIT_PER_ZH,
    fmt,
    group_label,
    plain,
    zh_amount,
)
from ingest.categories import scheme, with_broader
from ingest.model import Amount, Clause, Document, Threshold
from policykg.errors import PolicyKGError

__all__ = ["PARAMETERS", "parse_settings", "draft", "parameter_ranges", "precedents", "draft_record", "zh_amount"]

@dataclass
class Source:
    clause_id: str
    city: str
    document: str | None
    article: str
    sentence: str


@dataclass
class Observation:
    value: Decimal | bool | None
    display: str
    source: Source
    per: str | None = None
    per_year: bool = False
    unit: str | None = None
    metric: str | None = None
    op: str | None = None
    qualifier: str | None = None
    kind: str | None = None  # cap | ceiling | award | per-unit | bonus (money parameters)
    basis: str | None = None
    period: str | None = None
    scope: str | None = None  # thresholds: whose figure

    @property
    def group(self) -> tuple:
        """What makes two values comparable: kind, basis and period; metric, unit and scope."""
        if self.metric is not None:
            return (self.metric, self.unit, self.scope)
        if self.kind is not None:
            return (self.kind, self.basis, self.period) + ((self.qualifier,) if self.qualifier else ())
        return ()


@dataclass
class Parameter:
    name: str
    label: str
    observations: list[Observation] = field(default_factory=list)
    value: Decimal | bool | None = None
    chosen_by: str = ""  # user | median | majority | model | none
    metric: str | None = None  # threshold: the metric and unit the draft uses
    unit: str | None = None
    op: str | None = None
    group: tuple | None = None  # the group the range and median are taken in (Observation.group)

    def numbers(self) -> list[Decimal]:
        return [o.value for o in self.observations if isinstance(o.value, Decimal)
                and (self.group is None or o.group == self.group)]

    def groups(self) -> dict[tuple, list[Observation]]:
        """The observations by group, the parameter's own group first."""
        out: dict[tuple, list[Observation]] = {}
        if self.group is not None:
            out[self.group] = []
        for o in self.observations:
            out.setdefault(o.group, []).append(o)
        return {k: v for k, v in out.items() if v}

    def use_group_of(self, o: Observation | None) -> None:
        """Take ranges and the median in `o`'s group (else the commonest group)."""
        if o is not None:
            self.group = o.group
        elif self.observations:
            self.group = Counter(x.group for x in self.observations).most_common(1)[0][0]
        if self.name == "threshold" and self.group:
            self.metric, self.unit = self.group[0], self.group[1]

    @property
    def low(self) -> Decimal | None:
        xs = self.numbers()
        return min(xs) if xs else None

    @property
    def high(self) -> Decimal | None:
        xs = self.numbers()
        return max(xs) if xs else None

    @property
    def median(self) -> Decimal | None:
        xs = self.numbers()
        return Decimal(statistics.median(xs)) if xs else None


@dataclass
class Precedent:
    clause_id: str
    city: str
    document: str | None
    article: str
    instrument: str | None
    one_time: bool | None
    text: str


@dataclass
class Draft:
    category: str
    category_zh: str
    like: str | None
    model: Precedent
    precedents: list[Precedent]
    parameters: dict[str, Parameter]
    used: list[str]  # the parameters that appear in the draft, in order
    text: str  # the draft clause, plain
    markdown: str  # the whole export with footnotes


# --- helpers ------------------------------------------------------------------------------

def _sentence(text: str, needle: str | None) -> str:
    """The sentence of `text` (split at 。；) that contains `needle`."""
    parts = [p for p in re.split(r"(?<=[。；])", text) if p]
    if needle:
        for p in parts:
            if needle in p:
                return p
    return text


def _noun(text: str) -> str:
    return next((n for n in NOUNS if n in text), "补助")


def _richness(c: Clause) -> int:
    return sum(bool(x) for x in (c.rates, [a for a in c.amounts if a.role == "cap"],
                                 [a for a in c.amounts if a.role == "award"],
                                 [a for a in c.amounts if a.role == "per-unit"], c.thresholds, c.tiers, c.bonuses))


def categories() -> dict[str, str]:
    """slug -> Chinese label of every category of the scheme."""
    return {slug: c.zh for slug, c in sorted(scheme().items())}


# --- precedents and ranges ----------------------------------------------------------------

def precedents(docs: list[Document], category: str) -> list[tuple[Document, Clause]]:
    """The incentive clauses of `category` (or a narrower one), every city, in document order."""
    if category not in scheme():
        raise PolicyKGError(f"unknown category '{category}'; one of: {', '.join(sorted(scheme()))}")
    out = [(d, c) for d in sorted(docs, key=lambda d: d.id) for c in d.clauses
           if c.kind == "incentive" and category in with_broader(c.categories)]
    if not out:
        raise PolicyKGError(f"no incentive clause of category '{category}' in the store")
    return out


def _src(d: Document, c: Clause, needle: str | None) -> Source:
    return Source(c.id, d.city_shown, d.number, c.article, _sentence(c.text, needle))


def parameter_ranges(docs: list[Document], category: str) -> dict[str, Parameter]:
    """Every parameter of the category's precedents, with its observations and range."""
    params = {name: Parameter(name, label) for name, label in PARAMETERS.items()}
    for d, c in precedents(docs, category):
        rules = {r.id: r for r in d.funding_rules}
        for r in c.rates:
            params["rate"].observations.append(Observation(
                r.percent, f"{fmt(r.percent)}%" + (f"（{r.qualifier}）" if r.qualifier else ""),
                _src(d, c, r.text), qualifier=r.qualifier))
        for a in c.amounts:
            name = {"cap": "cap", "award": "award", "per-unit": "per_unit", "bonus": "bonus"}.get(a.role)
            if name is None:
                continue  # a pool for all beneficiaries is no one's amount
            shown = zh_amount(a.value)
            if name == "per_unit" and a.unit:
                shown += f" / {a.unit}"
            else:
                words = (a.qualifier, PER_ZH.get(a.basis, a.basis), PERIOD_ZH.get(a.period))
                shown += f"（{' '.join(x for x in words if x)}）"
            params[name].observations.append(Observation(
                a.value, shown, _src(d, c, a.text), per=a.per, per_year=a.per_year, unit=a.unit,
                qualifier=a.qualifier, kind=_kind(c, a), basis=a.basis, period=a.period))
        for b in c.bonuses:
            if b.percent is not None:
                params["bonus"].observations.append(Observation(
                    None, f"上浮{fmt(b.percent)}%", _src(d, c, b.text), qualifier=b.condition))
        for t in c.thresholds:
            params["threshold"].observations.append(Observation(
                t.value, f"{_metric_zh(t)} {'超过' if t.op == '>' else '达'}"
                f"{zh_amount(t.value, t.unit)}{'以上' if t.op == '>=' else ''}",
                _src(d, c, t.text), unit=t.unit, metric=t.metric, op=t.op, scope=t.scope))
        if c.one_time is not None:
            params["one_time"].observations.append(Observation(
                c.one_time, "一次性" if c.one_time else "每年",
                _src(d, c, "一次性" if c.one_time else "每年")))
        for rid in c.funding:
            r = rules.get(rid)
            if r is None:
                continue
            share = {"shared": r.city_share, "local": Decimal(0), "city": Decimal(100)}.get(r.kind)
            shown = (f"市{fmt(r.city_share)}% : 地方{fmt(r.local_share)}%" if r.kind == "shared"
                     else {"local": "属地政府承担", "city": "市级财政承担"}.get(r.kind, "按现行财政体制分担"))
            if r.districts:
                shown += f"（{'、'.join(r.districts)}）"
            params["city_share"].observations.append(Observation(share, shown, Source(
                c.id, d.city_shown, d.number, c.article, r.text)))
    for name in ("cap", "award", "per_unit", "bonus", "threshold"):
        params[name].use_group_of(None)
    return params


_ENTITY = ("enterprise", "operator", "institution", "platform")


def _with_conditions(subject: str, c: Clause) -> str:
    """The subject with the model's conditions kept: 新建…独立站（须直接持有独立站申报域名）."""
    for r in c.requirements:
        if r.kind == "new-build":
            subject = "新建" + subject.removeprefix("自建").removeprefix("新建")
    for r in c.requirements:
        if r.kind == "domain-ownership" and r.text:
            subject += f"（{'须' if r.direct else '需'}{r.text.removeprefix('须')}）" if r.direct else \
                f"（需{r.text}的股份或份额）"
    return subject


def _kind(c: Clause, a: Amount) -> str:
    if a.role == "cap" and c.ceiling_only:
        return "ceiling"
    return a.role


def _metric_zh(t: Threshold) -> str:
    if t.scope == "site" and t.metric in SITE_METRIC_ZH:
        return SITE_METRIC_ZH[t.metric]
    return METRIC_ZH.get(t.metric, t.metric)


# --- the draft ----------------------------------------------------------------------------

def _model(pairs: list[tuple[Document, Clause]], like: str | None) -> tuple[Document, Clause]:
    computable = [(d, c) for d, c in pairs if c.instrument in ("proportional", "fixed", "per-unit", "tiered")]
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


def draft(docs: list[Document], category: str, like: str | None = None,
          settings: list[str] | dict | None = None) -> Draft:
    """A draft clause of `category` in the style of the precedents (of `like`'s city if given)."""
    chosen = parse_settings(settings)
    pairs = precedents(docs, category)
    params = parameter_ranges(docs, category)
    md, mc = _model(pairs, like)
    caps = [a for a in mc.amounts if a.role == "cap"]
    awards = [a for a in mc.amounts if a.role == "award"]
    units = [a for a in mc.amounts if a.role == "per-unit"]
    bonuses = [a for a in mc.amounts if a.role == "bonus"]
    # ranges and medians in the model's own group: same kind, basis and period; same metric
    for name, items in (("cap", caps), ("award", awards), ("per_unit", units), ("bonus", bonuses),
                        ("threshold", mc.thresholds[:1])):
        mine = [o for o in params[name].observations if o.source.clause_id == mc.id
                and items and o.value == items[0].value]
        params[name].use_group_of(mine[0] if mine else None)

    def pick(name: str, present: bool):
        p = params[name]
        if name in chosen:
            p.value, p.chosen_by = chosen[name], "user"
        elif present and name == "one_time":
            # the period belongs to the model's amounts: a yearly cap stays yearly, a term stays unsaid
            yearly_amounts = any(a.period == "yearly" for a in mc.amounts)
            p.value = mc.one_time if mc.one_time is not None else (False if yearly_amounts else None)
            p.chosen_by = "model" if p.value is not None else "none"
        elif present and p.median is not None:
            p.value, p.chosen_by = p.median, "median"
        else:
            p.chosen_by = "none"
        return p.value is not None

    has_rate = pick("rate", bool(mc.rates))
    has_cap = pick("cap", bool(caps))
    has_award = pick("award", bool(awards) and not mc.rates)
    has_unit = pick("per_unit", bool(units))
    has_threshold = pick("threshold", bool(mc.thresholds))
    if has_threshold:
        th = params["threshold"]
        t = mc.thresholds[0] if mc.thresholds else None
        th.op = t.op if t else ">="
        if th.metric is None:
            raise PolicyKGError("--set threshold: no precedent of this category has a threshold to take "
                                "the metric from")
        typed = getattr(th.value, "unit", None)
        if th.chosen_by == "user" and typed:
            th.unit = typed  # read as typed: 500万美元 stays dollars, 1000万元 stays yuan
    has_bonus = pick("bonus", bool(bonuses))
    has_period = pick("one_time", True)
    model_funding = [r for r in md.funding_rules if r.id in mc.funding]
    shared = any(r.kind == "shared" for r in model_funding)
    model_shares = sorted({r.city_share for r in model_funding if r.kind == "shared" and r.city_share is not None},
                          reverse=True)
    if shared and "city_share" not in chosen and len(model_shares) == 1:
        params["city_share"].value, params["city_share"].chosen_by = model_shares[0], "model"
    else:
        pick("city_share", False)
    has_share = params["city_share"].value is not None

    noun = _noun(mc.text)
    short = {"资金扶持": "扶持金额", "资金支持": "支持金额", "资金奖励": "奖励", "补助": "补助", "奖励": "奖励"}[noun]
    period = params["one_time"].value if has_period else None
    once = [("一次性", "one_time")] if period is True else []
    yearly = [("每年", "one_time")] if period is False else []
    cap_phrase = has_cap and (has_rate or has_unit or has_award or mc.instrument == "tiered")
    lead = [] if cap_phrase else yearly
    frags: list[tuple[str, str | None]] = []
    subject = SUBJECTS.get(category) or f"开展{scheme()[category].zh}相关业务"
    frags.append((f"对{_with_conditions(subject, mc)}", None))
    if has_threshold:
        p = params["threshold"]
        word = "超过" if p.op == ">" else "达"
        scope = p.group[2] if p.group else None
        label = SITE_METRIC_ZH.get(p.metric) if scope == "site" else None
        frags.append((f"且{label or METRIC_ZH.get(p.metric, p.metric)}{word}", None))
        frags.append((zh_amount(p.value, p.unit) + ("以上" if p.op == ">=" else ""), "threshold"))
    frags.append(("的企业，", None))
    if mc.instrument == "tiered" and mc.tiers and not (has_rate or has_award):
        tiers = [t for t in mc.tiers if t.threshold]
        head = METRIC_ZH.get(tiers[0].threshold.metric, tiers[0].threshold.metric) if tiers else ""
        steps = "、".join(f"达{zh_amount(t.threshold.value, t.threshold.unit)}以上" for t in tiers)
        frags.append((f"{head}{steps}{'的，' if tiers else ''}分别给予"
                      + "、".join(zh_amount(t.amount.value) for t in mc.tiers), "tiers"))
        frags += [("的", None)] + once + [(noun, None)]
    elif has_rate:
        rate = mc.rates[0] if mc.rates else next((r for _, c in pairs for r in c.rates if r.base), None)
        written = re.search(r"按(?:照)?([^，。；]{2,40}?)的\d+(?:\.\d+)?%", mc.text)
        base = rate.base if rate and rate.base else written.group(1) if written else "实际发生费用"
        frags += [(f"按{base}的", None), (f"{plain(params['rate'].value)}%", "rate")] + lead + [("给予", None)]
        frags += once + [(noun, None)]
    elif has_unit:
        u = units[0] if units else None
        per = UNIT_PER_ZH.get(u.unit, u.unit) if u and u.unit else "单位"
        frags += [(f"按每{per}", None), (zh_amount(params["per_unit"].value), "per_unit")] + lead
        frags += [(f"给予{noun}", None)]
    elif has_award:
        basis = awards[0].basis if awards else None
        unit_words = PER_ZH.get(basis, "") if basis and basis not in _ENTITY else ""
        frags += lead + [(f"给予{unit_words}", None), (zh_amount(params["award"].value), "award"), ("的", None)]
        frags += once + [(noun, None)]
    elif has_cap:
        frags += lead + [("给予不超过", None), (zh_amount(params["cap"].value), "cap"), ("的", None)]
        frags += once + [(noun, None)]
    if cap_phrase:
        per = caps[0].basis if caps else None
        where = caps[0].qualifier or "" if caps else ""
        frags += [(f"，{where}{PER_ZH.get(per, '单家企业')}", None)] + (yearly or [])
        frags += [(f"{short}最高不超过", None), (zh_amount(params["cap"].value), "cap")]
    for lim in mc.count_limits:  # 单家企业申报独立站数量最多2个: the model's limits on counts stay
        frags.append((f"，{lim.text}", None))
    frags.append(("。", None))
    if has_bonus:
        cond = next((b.condition for b in mc.bonuses if b.condition), None) or "在“一带一路”沿线国家或地区的"
        frags.append((f"对{cond.removeprefix('对')}，{short}额度再增加", None))
        frags.append((zh_amount(params["bonus"].value), "bonus"))
        frags.append(("。", None))
    if has_share:
        share = params["city_share"].value
        frags.append((f"所需资金由市级财政和属地财政按{plain(share)}:{plain(Decimal(100) - share)}比例分担",
                      "city_share"))
        frags.append(("。", None))
    elif len(model_shares) > 1:
        ratios = "或".join(f"{plain(x)}:{plain(Decimal(100) - x)}" for x in model_shares)
        params["city_share"].chosen_by = "model"
        frags += [(f"所需资金由市级财政和属地财政按{ratios}比例分担（因区、县而异）", "city_share"), ("。", None)]
    elif model_funding:
        kinds = {r.kind for r in model_funding}
        phrase = ("具体补助金额由属地政府承担" if "local" in kinds else "所需资金由市级财政承担" if "city" in kinds
                  else "所需资金按现行财政体制分担")
        params["city_share"].chosen_by = "model"
        frags += [(phrase, "city_share"), ("。", None)]

    used = []
    for _, name in frags:
        if name and name not in used:
            used.append(name)
    text = "".join(t for t, _ in frags)
    precs = [Precedent(c.id, d.city_shown, d.number, c.article, c.instrument, c.one_time, c.text) for d, c in pairs]
    model = next(p for p in precs if p.clause_id == mc.id)
    result = Draft(category, scheme()[category].zh, like, model, precs, params, used, text, "")
    result.markdown = _markdown(result, frags, pairs, mc)
    return result


# --- Markdown -----------------------------------------------------------------------------

def _range(p: Parameter) -> str:
    if p.name == "one_time":
        votes = Counter(o.display for o in p.observations)
        return "、".join(f"{k} ×{n}" for k, n in votes.most_common()) or "—"
    if p.name == "city_share":
        xs = p.numbers()
        fiscal = sum(o.value is None for o in p.observations)
        parts = ([f"{plain(min(xs))}% – {plain(max(xs))}%" if min(xs) != max(xs) else f"{plain(xs[0])}%"]
                 if xs else []) + ([f"按现行财政体制分担 ×{fiscal}"] if fiscal else [])
        return "; ".join(parts) or "—"
    if p.low is None:
        return "、".join(sorted({o.display for o in p.observations})) or "—"
    parts = []
    for key, obs in p.groups().items():
        xs = [o.value for o in obs if isinstance(o.value, Decimal)]
        if not xs:
            continue
        unit = key[1] if p.name == "threshold" and key else "percent" if p.name == "rate" else "CNY"
        lo, hi = zh_amount(min(xs), unit), zh_amount(max(xs), unit)
        shown = lo if lo == hi else f"{lo} – {hi}"
        label = group_label(p.name, key)
        parts.append(f"{label}: {shown} (n={len(xs)})" if label else shown)
    return "; ".join(parts) or "—"


def _value(p: Parameter) -> str:
    if p.value is None:
        return "—"
    if p.name == "one_time":
        return "一次性" if p.value else "每年"
    if p.name == "city_share" and p.value is None:
        return "as the model precedent"
    if p.name in ("rate", "city_share"):
        return f"{plain(p.value)}%"
    if p.name == "threshold":
        op = {">": "超过", ">=": "≥"}.get(p.op or ">=", p.op)
        scope = p.group[2] if p.group else None
        label = (SITE_METRIC_ZH.get(p.metric) if scope == "site" else None) or METRIC_ZH.get(p.metric, p.metric)
        return f"{label} {op} {zh_amount(p.value, p.unit)}"
    return zh_amount(p.value)


def _why(p: Parameter) -> str:
    n = len(p.numbers()) or len(p.observations)
    own = f" of the same kind, basis and period ({group_label(p.name, p.group)})" if p.group else ""
    return {"user": f"set by the user; precedents {_range(p)}",
            "median": f"median of {n} precedent value(s){own}",
            "majority": f"most precedents ({_range(p)})",
            "model": f"as the model precedent; precedents {_range(p)}"}.get(p.chosen_by, _range(p))


def _cite(o: Observation) -> str:
    return (f"{o.source.city} {o.source.document or ''} {o.source.article} ({o.source.clause_id}): "
            f"{o.display} — “{o.source.sentence}”")


def _markdown(d: Draft, frags, pairs, mc: Clause) -> str:
    notes: dict[str, int] = {}
    body = []
    for text, name in frags:
        body.append(text)
        if name:
            if name not in notes:
                notes[name] = len(notes) + 1
            if text:
                body.append(f"[^{notes[name]}]")
    lines = [f"# 起草条款：{d.category_zh}", ""]
    lines.append(f"参照 Model precedent: {d.model.city} {d.model.document or ''} {d.model.article} "
                 f"(`{d.model.clause_id}`), instrument {d.model.instrument}"
                 + (f"; reference city {d.like}" if d.like else ""))
    lines += ["", "> " + "".join(body), ""]
    lines += ["## 参数 Parameters", "", "| 参数 parameter | 取值 value | 依据 how chosen | 先例范围 range | n |",
              "| --- | --- | --- | --- | --- |"]
    for name, p in d.parameters.items():
        if not p.observations and p.chosen_by != "user":
            continue
        chosen = _value(p) if name in d.used else "(not in the draft)"
        why = _why(p) if name in d.used else ""
        lines.append(f"| {p.label} | {chosen} | {why} | {_range(p)} | {len(p.observations)} |")
    lines += ["", "## 先例 Precedents", "", "| 城市 city | 文件 document | 条款 article | id | instrument | 原文 text |",
              "| --- | --- | --- | --- | --- | --- |"]
    for p in d.precedents:
        lines.append(f"| {p.city} | {p.document or ''} | {p.article} | `{p.clause_id}` | {p.instrument or ''} | "
                     f"{p.text.replace('|', '｜')} |")
    lines.append("")
    for name, n in notes.items():
        if name == "tiers":
            lines.append(f"[^{n}]: tiers as in the model precedent {mc.id}: “{_sentence(mc.text, '分别')}”")
            continue
        p = d.parameters[name]
        obs = p.observations
        if name == "threshold":
            obs = [o for o in obs if o.group == p.group] or obs
        lines.append(f"[^{n}]: **{p.label} = {_value(p)}** — {_why(p)}. Sources:")
        for o in obs:
            lines.append(f"    - {_cite(o)}")
    return "\n".join(lines) + "\n"


def draft_record(d: Draft) -> dict:
    """The JSON form of a draft (for the app and `policykg draft --format json`)."""
    from policykg.records import num

    def val(v):
        return num(v) if isinstance(v, Decimal) else v

    return {
        "category": d.category, "category_zh": d.category_zh, "like": d.like,
        "model": d.model.clause_id, "text": d.text, "markdown": d.markdown, "used": d.used,
        "parameters": {name: {
            "label": p.label, "value": val(p.value), "chosen_by": p.chosen_by, "in_draft": name in d.used,
            "min": val(p.low), "max": val(p.high), "median": val(p.median), "metric": p.metric, "unit": p.unit,
            "op": p.op, "group": group_label(name, p.group) if p.group else None,
            "group_unit": (p.group[1] if name == "threshold" and p.group else p.unit),
            "groups": [{"group": group_label(name, key), "n": len(obs),
                        "min": val(min((o.value for o in obs if isinstance(o.value, Decimal)), default=None)),
                        "max": val(max((o.value for o in obs if isinstance(o.value, Decimal)), default=None)),
                        "unit": key[1] if name == "threshold" and key else None,
                        "clause_ids": [o.source.clause_id for o in obs]}
                       for key, obs in p.groups().items()],
            "observations": [{"value": val(o.value), "display": o.display, "clause_id": o.source.clause_id,
                              "city": o.source.city, "document": o.source.document, "article": o.source.article,
                              "sentence": o.source.sentence, "per": o.per, "per_year": o.per_year,
                              "unit": o.unit, "metric": o.metric, "op": o.op, "qualifier": o.qualifier,
                              "kind": o.kind, "basis": o.basis, "period": o.period, "scope": o.scope,
                              "group": group_label(name, o.group) if o.group else None}
                             for o in p.observations]}
            for name, p in d.parameters.items()},
        "precedents": [{"clause_id": p.clause_id, "city": p.city, "document": p.document, "article": p.article,
                        "instrument": p.instrument, "one_time": p.one_time, "text": p.text}
                       for p in d.precedents],
    }
