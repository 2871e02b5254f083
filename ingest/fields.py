"""A provision's fields: rates, amounts and what they are per, thresholds, tiers, bonuses,
instrument, one-time or yearly, beneficiary, conditions, references, stacking, agencies.

Works on one provision's normalised text; `at(i, j)` turns positions in it into original
spans. A money amount or percentage the rules do not place is returned in `unparsed`,
never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from ingest.figures import cn_number, find_money, find_percents, plain
from ingest.model import Amount, Bonus, ClauseFields, Rate, Reference, Span, StackingRule, Threshold, Tier

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[][12]\d{3}[〕\]]\d{1,4}号")
CITED = re.compile(r"《(?P<title>[^》]{4,80})》(?:（(?P<num>[^）]{3,30}号)）)?")

# what a cap or award is per, by the words in front of it (longest first)
PER = [
    ("所有企业", "all-enterprises"), ("每家机构", "institution"), ("每家院校", "institution"),
    ("每家平台", "platform"), ("每个店铺", "store"), ("每个独立站", "site"), ("单个独立站", "site"), ("单个展位", "booth"), ("每个展位", "booth"),
    ("单个店铺", "store"), ("单个院校", "institution"), ("单个机构", "institution"),
    ("单个运营主体", "operator"), ("单个运营企业", "operator"), ("运营企业", "operator"),
    ("单个平台", "platform"), ("单个活动或项目", "event"), ("单个活动", "event"), ("每场次", "session"),
    ("单个产业带选品中心", "center"), ("单一海外仓", "warehouse"), ("每个品牌", "brand"),
    ("每家企业", "enterprise"), ("单家企业", "enterprise"), ("单个企业", "enterprise"),
    ("同一企业", "enterprise"), ("每家", "enterprise"), ("单家", "enterprise"), ("每人", "person"),
    ("单个展会", "event"), ("每班", "flight"),
]
PER_UNIT = re.compile(
    r"每(?:新增)?(?:进口|出境|成功孵化)?(?P<n>\d+(?:\.\d+)?[万亿]?)?(?P<unit>美元|件|人|家|个|班|平方米每月|平方米)"
    r"|(?P<slash>/(?:家|人|个|件))|每(?P<unit2>人|班|平方米每月)")
THRESHOLD_AFTER = re.compile(r"^(?:（含）)?(?:以上|及以上)(?:（含）)?|^（含(?:以上)?）")
GE_BEFORE = re.compile(r"(?:达到|达|不低于|不少于|满|首次达)$")
GT_BEFORE = re.compile(r"(?:超过|超)$")
CAP_BEFORE = re.compile(r"(?:不超过|最高不超过|最高|上限|最多|不得超过|以内)")
COUNT = re.compile(r"(?P<num>\d+(?:\.\d+)?[万亿]?|[一二两三四五六七八九十]{1,3})"
                   r"(?P<unit>个月|平方米|平米|家|人次|人|天|年|个|班|单|件|场)")
METRICS = [  # keyword in front of a quantity -> metric (nearest wins)
    ("服务贸易出口额", "service-exports"), ("出口额", "exports"), ("进口额", "imports"), ("进口货值", "imports"),
    ("进口", "imports"), ("进出口额", "trade"), ("交易总额", "turnover"), ("交易额", "turnover"),
    ("交易数据", "turnover"), ("营收", "revenue"), ("投资额", "investment"), ("合同金额", "contract-value"),
    ("物流收入", "logistics-revenue"), ("面积", "area"), ("增幅", "growth"), ("股份", "ownership"),
    ("招生人数", "enrolment"), ("培训人数", "trainees"), ("培训天数", "training-days"),
    ("劳动合同", "contract-years"), ("经营满", "operating-time"), ("运营", "operating-time"),
    ("使用满", "operating-time"), ("入驻", "enterprises"), ("服务", "enterprises-served"),
    ("班", "flights"), ("交易数量", "orders"), ("企业", "enterprises"), ("配套企业占", "share"),
]
UNIT_OF = {"个月": "month", "平方米": "m2", "平米": "m2", "家": "enterprise", "人": "person",
           "人次": "person", "天": "day", "年": "year", "个": "item", "班": "flight", "单": "order",
           "件": "parcel", "场": "event"}
AGENCIES = re.compile(r"（责任单位[：:](?P<list>[^）]*)）")


@dataclass(kw_only=True)
class Fields(ClauseFields):
    grants: bool = False  # the text grants something (给予, 补助, 奖励 …)


def _parallel_labels(before: str, n: int) -> list[str | None]:
    """The n kinds a 分别给予 list pays for, from the nearest 、-list of n items before it.

    >>> _parallel_labels("对获得国家、省级跨境电商示范企业，", 2)
    ['国家', '省级跨境电商示范企业']
    >>> _parallel_labels("品牌在中国大陆区、浙江省级（跨省级）的代理权或经销权，且…，每个品牌", 2)
    ['中国大陆区', '浙江省级（跨省级）']
    """
    for seg in reversed(re.split(r"[，；。]", before)):
        depth, items, cur = 0, [], ""
        for ch in seg:
            depth += ch == "（"
            depth -= ch == "）"
            if ch == "、" and depth == 0:
                items.append(cur)
                cur = ""
            else:
                cur += ch
        items.append(cur)
        if len(items) == n:
            first = re.split(r"在|获得|对|为", items[0])[-1]
            last = items[-1].split("的")[0]
            return [first] + items[1:-1] + [last]
    return [None] * n


def _segment_start(text: str, pos: int) -> int:
    """Start of the comma/semicolon segment that contains pos."""
    cut = max(text.rfind(c, 0, pos) for c in "，；。：")
    return cut + 1


def _per(before: str) -> tuple[str | None, bool]:
    best, best_pos = None, -1
    for words, slug in PER:
        i = before.rfind(words)
        if i > best_pos:
            best, best_pos = slug, i
    per_year = bool(re.search(r"每年|年度|全年|/年", before))
    return best, per_year


MONEY_METRICS = {"service-exports", "exports", "imports", "trade", "turnover", "revenue", "investment",
                 "contract-value", "logistics-revenue"}


def _metric(before: str, money: bool = False) -> str:
    best, best_key = "amount", (-1, 0)
    for words, slug in METRICS:
        if money and slug not in MONEY_METRICS:
            continue
        i = before.rfind(words)
        key = (i + len(words), len(words))
        if i >= 0 and key > best_key:
            best, best_key = slug, key
    return best


def _threshold_op(text: str, start: int, end: int) -> str | None:
    after = text[end:end + 6]
    before = text[max(0, start - 5):start]
    m_after = THRESHOLD_AFTER.match(after)
    if GT_BEFORE.search(before) and not before.endswith("不超过") and not before.endswith("不超"):
        return ">=" if after.startswith("（含") else ">"
    if m_after:
        return ">="
    if GE_BEFORE.search(before):
        return ">="
    return None


def extract(text: str, at: Callable[[int, int], Span], doc_number: str | None = None) -> Fields:
    """All fields of one provision.

    >>> f = extract("对自建独立站且出口额达200万美元以上的企业，按实际投入经费的50%给予补助，"
    ...             "单个独立站补助最高不超过20万元。", lambda i, j: Span(i, j))
    >>> f.instrument, [str(r.percent) for r in f.rates], [(str(a.value), a.role, a.per) for a in f.amounts]
    ('proportional', ['50'], [('200000', 'cap', 'site')])
    >>> [(t.metric, t.op, str(t.value), t.unit) for t in f.thresholds]
    [('exports', '>=', '2000000', 'USD')]
    """
    f = Fields()
    f.grants = bool(re.search(r"给予|补助|奖励|扶持|补贴|奖补|资金支持|支持金额|支持额度", text))
    money = find_money(text)
    used: set[int] = set()  # start positions of money/percent mentions placed in some field

    # references to other documents
    for m in CITED.finditer(text):
        f.references.append(Reference(m["num"] or "", m["title"], at(m.start(), m.end())))
    for m in DOC_NUMBER.finditer(text):
        if m.group(0) != doc_number and not any(r.number == m.group(0) for r in f.references):
            f.references.append(Reference(m.group(0), None, at(m.start(), m.end())))
    f.references = [r for r in f.references if r.number or r.title]

    # tiers: "A以上、B以上、C以上的，分别给予X、Y、Z" / "分A、B、C三档，分别给予X、Y、Z"
    tier_thresholds: list[Threshold] = []
    k = text.find("分别给予")
    if k >= 0:
        after = [m for m in money if m.start > k and m.currency == "CNY"]
        run = []
        for m in after:
            if run and not re.fullmatch(r"[、，和]?(?:不超过)?", text[run[-1].end:m.start]):
                break
            run.append(m)
        # the thresholds are the last amounts before 分别给予, as many as the amounts after it
        before_money = [m for m in money if m.end <= k]
        cand = before_money[-len(run):] if run else []
        if len(cand) == len(run) and len(run) >= 2 and all(
                _threshold_op(text, m.start, m.end) or "档" in text[m.end:k] or "（含" in text[m.end:m.end + 4]
                for m in cand):
            for m in cand:
                op = _threshold_op(text, m.start, m.end) or ">="
                metric = _metric(text[max(0, text.rfind("，", 0, cand[0].start)):cand[0].start], money=True)
                th = Threshold(metric, op, m.value, m.currency, at(m.start, m.end), text[m.start:m.end])
                tier_thresholds.append(th)
                used.add(m.start)
            for th, m in zip(tier_thresholds, run):
                role = "cap" if "不超过" in text[k:m.start] else "tier"
                per, per_year = _per(text[max(0, k - 30):k])
                f.tiers.append(Tier(th, Amount(m.value, role, per, per_year or "每年" in text[k - 6:k],
                                               span=at(m.start, m.end), text=text[m.start:m.end])))
                used.add(m.start)
        elif len(run) >= 2:
            # 分别给予 without thresholds: the amounts differ by kind (国家/省级, 中国大陆区/浙江省级)
            per, per_year = _per(text[max(0, k - 30):k])
            labels = _parallel_labels(text[:k], len(run))
            for m, label in zip(run, labels):
                f.tiers.append(Tier(None, Amount(m.value, "award", per, per_year, span=at(m.start, m.end),
                                                 text=text[m.start:m.end]), label))
                used.add(m.start)

    # bonuses
    for m in re.finditer(r"(?P<cond>[^，。；]*?)(?:奖励额度|额度)?(?:再增加|上浮|再奖励)(?P<val>\d+(?:\.\d+)?(?:[万亿]?元|%))", text):
        val = m["val"]
        stop = m.start("val")
        cond = text[text.rfind("。", 0, stop) + 1:stop]
        cond = re.sub(r"(?:奖励额度|额度)?(?:再增加|上浮|再奖励)$", "", cond)
        cond = re.sub(r"^对|[，]$", "", cond.strip("，。； ")).strip("，")
        if val.endswith("%"):
            b = Bonus(cond, percent=plain(Decimal(val[:-1])), span=at(m.start("val"), m.end("val")), text=m.group(0))
        else:
            b = Bonus(cond, amount=plain(cn_number(val[:-1])), span=at(m.start("val"), m.end("val")), text=m.group(0))
            f.amounts.append(Amount(b.amount, "bonus", None, False, span=b.span, text=val))
        f.bonuses.append(b)
        used.add(m.start("val"))

    # per-unit amounts: 每进口1美元补助0.3元, 按每人400元, 每平方米每月5元, 1万元/家, 每班补助8万元
    for m in money:
        if m.start in used or m.currency != "CNY" or _threshold_op(text, m.start, m.end) or \
                re.search(r"(?:交易额|交易总额|出口额|进口额|营收)$", text[max(0, m.start - 4):m.start]):
            continue
        seg = text[_segment_start(text, m.start):m.start]
        after = text[m.end:m.end + 3]
        pu = None
        mm = re.search(r"每(?:新增)?(?:进口|出境)?(\d+(?:\.\d+)?[万亿]?)?(美元|件)", seg)
        if mm:
            n = mm.group(1) or "1"
            pu = ("USD imported" if mm.group(2) == "美元" else f"{plain(cn_number(n))} parcels")
            if mm.group(2) == "美元" and n != "1":
                pu = f"{plain(cn_number(n))} USD"
        elif re.search(r"每平方米每月", seg):
            pu = "m2-month"
        elif re.search(r"每人|按每人", seg):
            pu = "person"
        elif after.startswith("/家"):
            pu = "enterprise"
        elif after.startswith("/人"):
            pu = "person"
        elif re.search(r"每班", seg):
            pu = "flight"
        elif re.search(r"每新增\d*家", seg):
            pu = "enterprise added"
        if pu:
            if mm:
                unit_pos = _segment_start(text, m.start) + mm.start()
                used.update(u.start for u in money if unit_pos <= u.start < m.start)
            qual = None
            q = re.search(r"(?:，|^)([^，]{2,12}?)每班", seg)
            if pu == "flight" and q:
                qual = q.group(1)
            f.amounts.append(Amount(m.value, "per-unit", None, False, pu, qual, at(m.start, m.end),
                                    text[m.start:m.end]))
            used.add(m.start)

    # thresholds on money (not tiers) and on counts
    for m in money:
        if m.start in used:
            continue
        op = _threshold_op(text, m.start, m.end)
        before = text[max(0, m.start - 4):m.start]
        if op is None and re.search(r"(?:交易额|交易总额|出口额|进口额|投资额|营收)$", before):
            op = ">="  # "年交易额200万元的企业"
        if op is None and CAP_BEFORE.search(text[max(0, m.start - 6):m.start]) and "不超过" not in before and \
                re.search(r"不低于", text[max(0, m.start - 6):m.start]):
            op = ">="
        if op:
            seg0 = _segment_start(text, m.start)
            metric = _metric(text[max(0, seg0 - 10):m.start], money=True)
            if metric == "amount":
                metric = _metric(text[:m.start], money=True)
            f.thresholds.append(Threshold(metric, op, m.value, m.currency, at(m.start, m.end), text[m.start:m.end]))
            used.add(m.start)
    for m in COUNT.finditer(text):
        if any(mm.start <= m.start() < mm.end for mm in money):
            continue
        op = _threshold_op(text, m.start(), m.end())
        if not op:
            continue
        seg0 = _segment_start(text, m.start())
        metric = _metric(text[seg0:m.start()])
        unit = UNIT_OF[m["unit"]]
        if unit == "flight":
            metric = "flights"
        elif unit == "m2":
            metric = "area"
        elif unit == "day":
            metric = "training-days" if "培训" in text[seg0:m.start()] else "days"
        elif unit in ("year", "month") and metric not in ("contract-years",):
            metric = "contract-years" if "合同" in text[seg0:m.end() + 8] else "operating-time"
        f.thresholds.append(Threshold(metric, op, plain(cn_number(m["num"])), unit,
                                      at(m.start(), m.end()), text[m.start():m.end()]))

    # percentages: thresholds (占70%以上, 不低于15%, 不少于50%) or rates
    for value, s, e in find_percents(text):
        if s in used:
            continue
        before = text[max(0, s - 6):s]
        after = text[e:e + 3]
        if THRESHOLD_AFTER.match(after) or re.search(r"(?:不低于|不少于|占|增幅)$", before):
            metric = "growth" if "增幅" in text[_segment_start(text, s):s] else \
                "ownership" if "股份" in text[e:e + 10] else "share"
            f.thresholds.append(Threshold(metric, ">=", value, "percent", at(s, e), text[s:e]))
            used.add(s)
            continue
        context = text[max(0, text.rfind("在", 0, s)):s]
        if "基础上" in text[e:e + 12] and "在" in context:
            f.conditions.append(text[text.rfind("在", 0, s):e + text[e:].find("基础上") + 3])
            used.add(s)
            continue
        seg = text[_segment_start(text, s):s]
        seg_core = re.sub(r"(?:的|给予|予以|标准|不超过|最高)+$", "", seg)
        seg_core = re.sub(r"（[^（）]*）$", "", seg_core)
        seg_core = re.sub(r"(?:的|给予|予以|标准|不超过|最高)+$", "", seg_core)
        bm = re.search(r"([\u4e00-\u9fff、（）]{0,40}(?:费用总额|费用（租赁）|费用|费|成本|经费|投资额|进口额|总额|保费|收入))$",
                       seg_core)
        if not bm:
            bm = re.search(r"([\u4e00-\u9fff]{0,8}?(?:费用|展位费|费|成本))", seg.split("给予")[0]) if "给予" in seg else None
        if not bm:
            bm = re.match(r"^的?([\u4e00-\u9fff]{0,6}?(?:保费|费用|费))", text[e:])
        base = bm.group(1).split("按")[-1] if bm else None
        if base and "）" in base and not base.endswith("）"):
            base = base.rsplit("）", 1)[1]  # a note in brackets before the cost is not the cost
        if base is None and f.rates and f.rates[-1].base:
            base = f.rates[-1].base  # '展位费给予…80%的补助，其他国家和地区给予70%的补助'

        if base:
            base = re.sub(r"^(?:以及|借助|照|给予|予|不超过|最高|对|的)+", "", base) or None
        qual = None
        qm = re.search(r"给予([^，]{2,16}?)$", seg)
        if qm and ("国家" in qm.group(1) or "地区" in qm.group(1)):
            qual = qm.group(1)
        elif re.search(r"(?:国家|地区)", seg.split("给予")[0]) and "给予" in seg:
            qual = seg.split("给予")[0]
        f.rates.append(Rate(value, base, qual, at(s, e), text[s:e]))
        used.add(s)

    # remaining money: caps and fixed awards
    for m in money:
        if m.start in used:
            continue
        seg0 = _segment_start(text, m.start)
        before = text[seg0:m.start]
        window = text[max(0, m.start - 8):m.start]
        if m.currency != "CNY":
            f.unparsed.append(text[m.start:m.end])
            continue
        per, per_year = _per(text[max(0, seg0 - 2):m.start])
        qual = None
        qm = re.match(r"^(?:其中，)?(参加境外展会|参加境内展会|境外|境内)", before)
        if qm:
            qual = qm.group(1).replace("参加", "").replace("展会", "")
        if CAP_BEFORE.search(window) or text[m.end:m.end + 2] == "以内":
            role = "cap"
        elif re.search(r"给予|奖励|补助|扶持|支持|补贴", text[max(0, seg0 - 12):m.end + 8]):
            role = "award"
        else:
            f.unparsed.append(text[m.start:m.end])
            continue
        f.amounts.append(Amount(m.value, role, per, per_year, None, qual, at(m.start, m.end), text[m.start:m.end]))
        used.add(m.start)

    # instrument
    if "一事一议" in text:
        f.instrument = "case-by-case"
    elif re.search(r"参照.{0,60}执行|按照因素法", text) and not f.rates and not f.amounts:
        f.instrument = "reference"
    elif f.tiers and any(t.threshold for t in f.tiers):
        f.instrument = "tiered"
    elif any(a.role == "per-unit" for a in f.amounts):
        f.instrument = "per-unit"
    elif f.rates:
        f.instrument = "proportional"
    elif f.tiers or any(a.role in ("award", "cap") for a in f.amounts):
        f.instrument = "fixed"
    elif f.grants and re.search(r"给予[^。]{0,20}(?:资金)?(?:扶持|支持|补助|奖励)|予以补助", text):
        f.instrument = "unspecified"

    # one-time or recurring
    if "一次性" in text:
        f.one_time = True
    elif re.search(r"每年|年度[^。]{0,6}(?:补助|奖励|扶持)|全年|连续补助|/年", text) and f.instrument:
        f.one_time = False

    # beneficiary: 给予<X>N万元 / 对…的<X>，
    bm = re.search(r"给予((?:[^，。；\d]{2,12}?)(?:企业|主体|单位|机构|院校|收货人|主办方|运营企业|平台|服务商|区、县（市）))", text)
    if bm and not re.search(r"给予(?:不超过|最高)", bm.group(0)):
        f.beneficiary = bm.group(1)
    else:
        om = re.search(r"对([^，。；]{2,80}?)的([^，。；]{0,12}?(?:企业|主体|单位|机构|院校|园区|平台|服务商|投资主体|店铺|试点))[，。]", text)
        if om:
            f.beneficiary = om.group(2) or None
    om = re.search(r"(?:^|，)对(?:于)?([^。；]{4,120}?)的[^，。；]{0,12}，", text)
    if om and not re.search(r"给予|%", om.group(1)):
        f.conditions.append(om.group(1))

    # stacking rules
    for m in re.finditer(r"[^，。；（]*?(?:不重复享受|不叠加|只能享受一次|可同步享受政策|同步享受|就高)[^，。；）]*", text):
        kind = ("highest-only" if "就高" in m.group(0) else "no-duplicate" if re.search("不重复|不叠加", m.group(0))
                else "once-only" if "一次" in m.group(0) else "allowed")
        excl = [f"第{x}条" for x in re.findall(r"第(\d+)条", m.group(0))]
        f.stacking.append(StackingRule(kind, m.group(0), at(m.start(), m.end()), excl))

    # responsible agencies
    am = AGENCIES.search(text)
    if am:
        names = re.split(r"[、，,]", am["list"].split("。")[0])
        f.agencies = [n.strip() for n in names if n.strip()]

    # anything left over is reported, not guessed
    for value, s, e in find_percents(text):
        if s not in used and text[s:e] not in f.unparsed:
            f.unparsed.append(text[s:e])
    return f
