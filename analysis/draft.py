"""Draft a clause by analogy: the range of each parameter across cities' precedents, and a
Chinese draft in their style with every parameter footnoted to the clauses it came from.

`parameter_ranges(docs, category)` collects, from every incentive clause of the category,
the rate, cap (and what it is per), award, per-unit amount, thresholds, bonus, one-time or
yearly, and the funding split. `draft(docs, category, like, settings)` picks a model
precedent (of the `like` city if given, else of the commonest instrument), fills its
pattern with the values the user set or the precedents' median, and renders Markdown with
footnotes [^n] citing clause id, city, article and source sentence.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from analysis.profile import MAX_AMOUNT
from ingest.categories import scheme, with_broader
from ingest.model import Clause, Document
from policykg.errors import PolicyKGError

PARAMETERS = {
    "rate": "比例 rate (%)",
    "cap": "上限 cap (元)",
    "award": "定额 award (元)",
    "per_unit": "单价 per-unit amount (元)",
    "threshold": "门槛 threshold",
    "bonus": "加码 bonus (元)",
    "one_time": "一次性 one-time (true) or yearly (false)",
    "city_share": "市级承担 city share of funding (%)",
}

SUBJECTS = {
    "independent-site": "自建跨境电商独立站", "exhibition": "参加境内外展会", "trademark": "在境外注册自有商标",
    "patent": "获得境外专利授权", "certification": "通过国际认证", "export-credit-insurance": "投保出口信用保险",
    "overseas-warehouse": "自建或租赁海外仓", "public-overseas-warehouse": "建设经认定的市级公共海外仓",
    "brand-promotion": "开展自主品牌境外推广", "import": "开展进口业务", "talent": "开展跨境电商人才培训",
    "logistics": "开展跨境电商物流业务", "industrial-park": "建设运营跨境电商产业园",
    "service-provider": "为跨境电商企业提供综合服务", "platform": "运营跨境电商交易平台",
    "demonstration-award": "新获评跨境电商示范企业", "outbound-investment": "在境外开展投资项目",
    "service-trade": "开展服务贸易出口", "store-opening": "在第三方跨境电商平台开设店铺",
    "export-business": "开展跨境电商出口业务", "consolidation-warehouse": "运营进出口集货仓",
    "live-streaming": "开展跨境直播", "industrial-belt": "建设产业带选品中心或线上专区",
    "events": "举办跨境电商会议、展览等活动", "overseas-network": "建设跨境电商海外网络站点",
}
METRIC_ZH = {
    "exports": "年度跨境电商出口额", "turnover": "年度跨境电商交易额", "imports": "年度进口额",
    "service-exports": "年度服务贸易出口额", "area": "使用面积", "operating-time": "运营时间",
    "enrolment": "招生人数", "training-days": "培训天数", "trainees": "每场培训人数",
    "investment": "中方实际投资额", "ownership": "持有独立站域名所有权主体的股份", "enterprises": "服务企业数量",
    "revenue": "服务营收", "logistics-revenue": "年度跨境链路物流收入", "growth": "服务营收同比增幅",
    "orders": "交易数量", "flights": "全年航班数", "contract-years": "劳动合同期限", "share": "占比",
    "trade": "年度跨境电商进出口额", "contract-value": "合同金额",
}
UNIT_ZH = {"USD": "美元", "CNY": "元", "m2": "平方米", "person": "人", "day": "天", "year": "年",
           "month": "个月", "enterprise": "家", "percent": "%", "order": "单", "flight": "班"}
PER_ZH = {"site": "单个独立站", "enterprise": "单家企业", None: "单家企业", "booth": "每个展位",
          "warehouse": "单个海外仓", "session": "每场培训", "institution": "单个机构", "event": "单个活动",
          "operator": "单个运营主体", "platform": "单个平台", "center": "单个选品中心", "store": "单个店铺"}
UNIT_PER_ZH = {"USD imported": "进口1美元", "person": "人", "m2-month": "平方米每月", "flight": "班",
               "enterprise": "家企业"}
_NOUNS = ("资金扶持", "资金支持", "资金奖励", "补助", "奖励")


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

    def numbers(self) -> list[Decimal]:
        return [o.value for o in self.observations if isinstance(o.value, Decimal)
                and (self.name != "threshold" or (o.metric, o.unit) == (self.metric, self.unit))]

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

def fmt(d: Decimal) -> str:
    d = d.normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return f"{d:,f}"


def _plain(d: Decimal) -> str:
    return fmt(d).replace(",", "")


def zh_amount(v: Decimal, unit: str | None = "CNY") -> str:
    """Money and quantities the way the documents write them.

    >>> zh_amount(Decimal(200000)), zh_amount(Decimal(8000)), zh_amount(Decimal(2000000), "USD")
    ('20万元', '8000元', '200万美元')
    >>> zh_amount(Decimal(100000000)), zh_amount(Decimal(3000), "m2"), zh_amount(Decimal(50), "percent")
    ('1亿元', '3000平方米', '50%')
    """
    word = UNIT_ZH.get(unit or "CNY", unit or "")
    if unit in ("CNY", "USD", None):
        if v >= 100000000 and v % 100000000 == 0:
            return f"{_plain(v / 100000000)}亿{word}"
        if v >= 10000:
            return f"{_plain(v / 10000)}万{word}"
    return f"{_plain(v)}{word}"


def _sentence(text: str, needle: str | None) -> str:
    """The sentence of `text` (split at 。；) that contains `needle`."""
    parts = [p for p in re.split(r"(?<=[。；])", text) if p]
    if needle:
        for p in parts:
            if needle in p:
                return p
    return text


def _noun(text: str) -> str:
    return next((n for n in _NOUNS if n in text), "补助")


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
    return Source(c.id, d.city, d.number, c.article, _sentence(c.text, needle))


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
            if name is None or a.per == "all-enterprises":
                continue
            shown = zh_amount(a.value)
            if name == "per_unit" and a.unit:
                shown += f" / {a.unit}"
            elif a.per or a.per_year or a.qualifier:
                words = (a.qualifier, PER_ZH.get(a.per, a.per) if a.per else None, "每年" if a.per_year else None)
                shown += f"（{' '.join(x for x in words if x)}）"
            params[name].observations.append(Observation(
                a.value, shown, _src(d, c, a.text), per=a.per, per_year=a.per_year, unit=a.unit,
                qualifier=a.qualifier))
        for b in c.bonuses:
            if b.percent is not None:
                params["bonus"].observations.append(Observation(
                    None, f"上浮{fmt(b.percent)}%", _src(d, c, b.text), qualifier=b.condition))
        for t in c.thresholds:
            params["threshold"].observations.append(Observation(
                t.value, f"{METRIC_ZH.get(t.metric, t.metric)} {'超过' if t.op == '>' else '达'}"
                f"{zh_amount(t.value, t.unit)}{'以上' if t.op == '>=' else ''}",
                _src(d, c, t.text), unit=t.unit, metric=t.metric, op=t.op))
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
                c.id, d.city, d.number, c.article, r.text)))
    groups = Counter((o.metric, o.unit) for o in params["threshold"].observations)
    if groups:
        (params["threshold"].metric, params["threshold"].unit), _ = groups.most_common(1)[0]
    return params


# --- the draft ----------------------------------------------------------------------------

def parse_settings(items: list[str] | dict | None) -> dict[str, Decimal | bool]:
    """`cap=300000`, `rate=50%`, `cap=30万`, `one_time=false` -> typed values; unknown keys refused."""
    if not items:
        return {}
    pairs = items.items() if isinstance(items, dict) else []
    if not isinstance(items, dict):
        pairs = []
        for item in items:
            if "=" not in item:
                raise PolicyKGError(f"--set {item}: expected NAME=VALUE, e.g. cap=300000")
            k, v = item.split("=", 1)
            pairs.append((k.strip(), v.strip()))
    out: dict[str, Decimal | bool] = {}
    for k, v in pairs:
        if k not in PARAMETERS:
            raise PolicyKGError(f"--set {k}: unknown parameter; one of: {', '.join(PARAMETERS)}")
        if k == "one_time":
            if isinstance(v, bool):
                out[k] = v
                continue
            word = str(v).lower()
            if word in ("true", "yes", "1", "一次性"):
                out[k] = True
            elif word in ("false", "no", "0", "每年", "yearly"):
                out[k] = False
            else:
                raise PolicyKGError(f"--set one_time={v}: expected true (一次性) or false (每年)")
            continue
        text = str(v).replace(",", "").strip()
        scale = Decimal(1)
        for suffix, mult in (("%", 1), ("亿元", 100000000), ("亿", 100000000), ("万元", 10000), ("万", 10000),
                             ("元", 1)):
            if text.endswith(suffix):
                text, scale = text[:-len(suffix)], Decimal(mult)
                break
        shown = str(v) if len(str(v)) <= 40 else f"{str(v)[:40]}…"
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise PolicyKGError(f"--set {k}={shown}: expected a number (e.g. 300000, 30万, 50%)") from None
        if not number.is_finite() or number.copy_abs() > MAX_AMOUNT:  # NaN, Infinity, 1e999999999: before any arithmetic
            raise PolicyKGError(f"--set {k}={shown}: expected a finite number of at most {MAX_AMOUNT:f}")
        value = number * scale
        if value < 0 or value > MAX_AMOUNT or ((k in ("rate", "city_share")) and value > 100):
            raise PolicyKGError(f"--set {k}={shown}: out of range")
        out[k] = value
    return out


def _model(pairs: list[tuple[Document, Clause]], like: str | None) -> tuple[Document, Clause]:
    computable = [(d, c) for d, c in pairs if c.instrument in ("proportional", "fixed", "per-unit", "tiered")]
    if like:
        city = like.removesuffix("市")
        mine = [(d, c) for d, c in computable if d.city == city] or [(d, c) for d, c in pairs if d.city == city]
        if not mine:
            have = sorted({d.city for d, _ in pairs})
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
    caps = [a for a in mc.amounts if a.role == "cap" and a.per != "all-enterprises"]
    awards = [a for a in mc.amounts if a.role == "award"]
    units = [a for a in mc.amounts if a.role == "per-unit"]
    bonuses = [a for a in mc.amounts if a.role == "bonus"]

    def pick(name: str, present: bool):
        p = params[name]
        if name in chosen:
            p.value, p.chosen_by = chosen[name], "user"
        elif present and name == "one_time":
            votes = Counter(o.value for o in p.observations)
            if votes and votes.most_common(1)[0][1] * 2 > len(p.observations):
                p.value, p.chosen_by = votes.most_common(1)[0][0], "majority"
            else:
                p.value, p.chosen_by = mc.one_time, "model"
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
        t = next((t for t in mc.thresholds if (t.metric, t.unit) == (params["threshold"].metric,
                                                                      params["threshold"].unit)), None)
        if t is None and mc.thresholds and "threshold" not in chosen:
            t = mc.thresholds[0]
            params["threshold"].metric, params["threshold"].unit = t.metric, t.unit
            params["threshold"].value = params["threshold"].median
        params["threshold"].op = t.op if t else ">="
        if params["threshold"].metric is None:
            raise PolicyKGError("--set threshold: no precedent of this category has a threshold to take "
                                "the metric from")
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
    frags.append((f"对{subject}", None))
    if has_threshold:
        p = params["threshold"]
        word = "超过" if p.op == ">" else "达"
        frags.append((f"且{METRIC_ZH.get(p.metric, p.metric)}{word}", None))
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
        frags += [(f"按{base}的", None), (f"{_plain(params['rate'].value)}%", "rate")] + lead + [("给予", None)]
        frags += once + [(noun, None)]
    elif has_unit:
        u = units[0] if units else None
        per = UNIT_PER_ZH.get(u.unit, u.unit) if u and u.unit else "单位"
        frags += [(f"按每{per}", None), (zh_amount(params["per_unit"].value), "per_unit")] + lead
        frags += [(f"给予{noun}", None)]
    elif has_award:
        frags += lead + [("给予", None), (zh_amount(params["award"].value), "award"), ("的", None)]
        frags += once + [(noun, None)]
    elif has_cap:
        frags += lead + [("给予不超过", None), (zh_amount(params["cap"].value), "cap"), ("的", None)]
        frags += once + [(noun, None)]
    if cap_phrase:
        per = caps[0].per if caps else None
        frags += [(f"，{PER_ZH.get(per, '单家企业')}", None)] + (yearly or [])
        frags += [(f"{short}最高不超过", None), (zh_amount(params["cap"].value), "cap")]
    frags.append(("。", None))
    if has_bonus:
        cond = next((b.condition for b in mc.bonuses if b.condition), None) or "在“一带一路”沿线国家或地区的"
        frags.append((f"对{cond.removeprefix('对')}，{short}额度再增加", None))
        frags.append((zh_amount(params["bonus"].value), "bonus"))
        frags.append(("。", None))
    if has_share:
        share = params["city_share"].value
        frags.append((f"所需资金由市级财政和属地财政按{_plain(share)}:{_plain(Decimal(100) - share)}比例分担",
                      "city_share"))
        frags.append(("。", None))
    elif len(model_shares) > 1:
        ratios = "或".join(f"{_plain(x)}:{_plain(Decimal(100) - x)}" for x in model_shares)
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
    precs = [Precedent(c.id, d.city, d.number, c.article, c.instrument, c.one_time, c.text) for d, c in pairs]
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
        parts = ([f"{_plain(min(xs))}% – {_plain(max(xs))}%" if min(xs) != max(xs) else f"{_plain(xs[0])}%"]
                 if xs else []) + ([f"按现行财政体制分担 ×{fiscal}"] if fiscal else [])
        return "; ".join(parts) or "—"
    if p.low is None:
        return "、".join(sorted({o.display for o in p.observations})) or "—"
    unit = p.unit if p.name == "threshold" else "percent" if p.name == "rate" else "CNY"
    lo, hi = zh_amount(p.low, unit), zh_amount(p.high, unit)
    return lo if lo == hi else f"{lo} – {hi}"


def _value(p: Parameter) -> str:
    if p.value is None:
        return "—"
    if p.name == "one_time":
        return "一次性" if p.value else "每年"
    if p.name == "city_share" and p.value is None:
        return "as the model precedent"
    if p.name in ("rate", "city_share"):
        return f"{_plain(p.value)}%"
    if p.name == "threshold":
        op = {">": "超过", ">=": "≥"}.get(p.op or ">=", p.op)
        return f"{METRIC_ZH.get(p.metric, p.metric)} {op} {zh_amount(p.value, p.unit)}"
    return zh_amount(p.value)


def _why(p: Parameter) -> str:
    n = len(p.numbers()) or len(p.observations)
    return {"user": f"set by the user; precedents {_range(p)}",
            "median": f"median of {n} precedent value(s), range {_range(p)}",
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
    lines = [f"# 起草条款：{d.category_zh}（{d.category}）", ""]
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
            obs = [o for o in obs if (o.metric, o.unit) == (p.metric, p.unit)] or obs
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
            "op": p.op,
            "observations": [{"value": val(o.value), "display": o.display, "clause_id": o.source.clause_id,
                              "city": o.source.city, "document": o.source.document, "article": o.source.article,
                              "sentence": o.source.sentence, "per": o.per, "per_year": o.per_year,
                              "unit": o.unit, "metric": o.metric, "op": o.op, "qualifier": o.qualifier}
                             for o in p.observations]}
            for name, p in d.parameters.items()},
        "precedents": [{"clause_id": p.clause_id, "city": p.city, "document": p.document, "article": p.article,
                        "instrument": p.instrument, "one_time": p.one_time, "text": p.text}
                       for p in d.precedents],
    }
