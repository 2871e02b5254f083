"""A provision's fields, found by an ordered registry of small rules fed by the lexicon.

Works on one provision's normalised text; `at(i, j)` turns positions in it into original
spans. Each rule (`RULES`, run in order) fills one field: references, grant, tier, bonus,
per-unit amount, money and count thresholds, rate, cap or award, instrument, one-time or yearly,
beneficiary, condition, stacking, agencies, leftovers. The words they look for are in
ontology/lexicon (see ingest.lexicon); a value they cannot classify is stored as `other` and
reported in `unparsed`, never guessed. Every look-around is bounded, so the work is linear in
the text's length.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from ingest import lexicon as lexicon_mod
from ingest.context import OTHER, Context, Fields
from ingest.figures import Money, cn_number, find_money, find_percents, plain
from ingest.lexicon import Lexicon
from ingest.model import Amount, Bonus, Rate, Reference, Span, StackingRule, Tier

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[][12]\d{3}[〕\]]\d{1,4}号")
CITED = re.compile(r"《(?P<title>[^》]{4,80})》(?:（(?P<num>[^）]{3,30}号)）)?")
VALUE = r"\d+(?:\.\d+)?(?:[万亿萬億]?元|%)"
REACH = 80  # how far a rule looks back inside a segment (a segment can be a whole unpunctuated line)


Rule = Callable[[Context], None]
RULES: list[tuple[str, Rule]] = []


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under `name`; rules run in the order they are registered."""
    def register(fn: Rule) -> Rule:
        RULES.append((name, fn))
        return fn
    return register


def extract(text: str, at: Callable[[int, int], Span], doc_number: str | None = None,
            lexicon: Lexicon | None = None) -> Fields:
    """All fields of one provision.

    >>> f = extract("对自建独立站且出口额达200万美元以上的企业，按实际投入经费的50%给予补助，"
    ...             "单个独立站补助最高不超过20万元。", lambda i, j: Span(i, j))
    >>> f.instrument, [str(r.percent) for r in f.rates], [(str(a.value), a.role, a.per) for a in f.amounts]
    ('proportional', ['50'], [('200000', 'cap', 'site')])
    >>> [(t.metric, t.op, str(t.value), t.unit) for t in f.thresholds]
    [('exports', '>=', '2000000', 'USD')]
    """
    f = Fields()
    ctx = Context(text, at, lexicon or lexicon_mod.default(), doc_number, f, find_money(text))
    for _, fn in RULES:
        fn(ctx)
    return f


@rule("references")
def references(c: Context) -> None:
    """《title》（number） and bare document numbers other than the document's own."""
    f, text = c.f, c.text
    for m in CITED.finditer(text):
        f.references.append(Reference(m["num"] or "", m["title"], c.at(m.start(), m.end())))
    seen = {r.number for r in f.references}
    for m in DOC_NUMBER.finditer(text):
        if m.group(0) != c.doc_number and m.group(0) not in seen:
            seen.add(m.group(0))
            f.references.append(Reference(m.group(0), None, c.at(m.start(), m.end())))
    f.references = [r for r in f.references if r.number or r.title]


@rule("grant")
def grant(c: Context) -> None:
    """Whether the text grants something at all."""
    c.f.grants = bool(c.lex.pattern("grant", "grant").search(c.text))


@rule("tier")
def tier(c: Context) -> None:
    """分别给予 X、Y、Z: tiers by the thresholds before it, or parallel awards by kind."""
    text, money = c.text, c.money
    k_m = c.lex.pattern("tier", "parallel").search(text)
    if not k_m:
        return
    k = k_m.start()
    between = c.lex.pattern("tier", "list-separator", "(?:{})?")
    cap_word = c.lex.pattern("cap", "cap-before")
    run: list[Money] = []
    for m in (m for m in money if m.start > k and m.currency == "CNY"):
        gap = text[run[-1].end:m.start] if run else ""
        if run and not (len(gap) <= 8 and re.fullmatch(between.pattern + f"(?:{cap_word.pattern})?", gap)):
            break
        run.append(m)
    if len(run) < 2:
        return
    before_money = [m for m in money if m.end <= k]
    cand = before_money[-len(run):]
    inclusive = c.lex.phrases("tier", "inclusive")
    marks = c.lex.phrases("tier", "tier-mark")
    per, per_year = c.per(text[max(0, k - 30):k])
    marked = [c.threshold_op(m.start, m.end) or any(w in text[m.end:k] for w in marks)
              or any(w in text[m.end:m.end + 4] for w in inclusive) for m in cand]
    # 达到1亿元、5亿元、10亿元以上: one operator for a whole list
    listed = all(between.fullmatch(text[a.end:b.start]) for a, b in zip(cand, cand[1:]))
    if len(cand) == len(run) and (all(marked) or listed and any(marked)):
        shared = next((op for op in (c.threshold_op(m.start, m.end) for m in cand) if op), ">=")
        comma = max(text.rfind(ch, max(0, cand[0].start - REACH), cand[0].start) for ch in "，,")
        metric = c.metric(text[max(0, comma):cand[0].start], money=True)
        for th_m, m in zip(cand, run):
            th = c.threshold(metric, c.threshold_op(th_m.start, th_m.end) or shared, th_m.value, th_m.currency,
                             th_m.start, th_m.end)
            role = "cap" if cap_word.search(text[k:m.start]) else "tier"
            c.f.tiers.append(Tier(th, Amount(m.value, role, per, per_year, span=c.at(m.start, m.end),
                                             text=text[m.start:m.end])))
            c.used.update((th_m.start, m.start))
        return
    for m, label in zip(run, _parallel_labels(c, text[max(0, k - 200):k], len(run))):
        c.f.tiers.append(Tier(None, Amount(m.value, "award", per, per_year, span=c.at(m.start, m.end),
                                           text=text[m.start:m.end]), label))
        c.used.add(m.start)


def _parallel_labels(c: Context, before: str, n: int) -> list[str | None]:
    """The n kinds a 分别给予 list pays for, from the nearest 、-list of n items before it.

    >>> c = Context("", lambda i, j: Span(i, j), lexicon_mod.default(), None, Fields(), [])
    >>> _parallel_labels(c, "对获得国家、省级跨境电商示范企业，", 2)
    ['国家', '省级跨境电商示范企业']
    >>> _parallel_labels(c, "品牌在中国大陆区、浙江省级（跨省级）的代理权或经销权，且…，每个品牌", 2)
    ['中国大陆区', '浙江省级（跨省级）']
    """
    lead = c.lex.pattern("tier", "label-lead")
    for seg in reversed(re.split(r"[，,；;。]", before)):
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
            return [lead.split(items[0])[-1]] + items[1:-1] + [items[-1].split("的")[0]]
    return [None] * n


@rule("bonus")
def bonus(c: Context) -> None:
    """再增加10万元 / 上浮10%: an extra on the base award, with the condition in front of it."""
    text = c.text
    words = c.lex.pattern("bonus", "bonus")
    lead = c.lex.pattern("bonus", "lead", "(?:{})?")
    trailing = re.compile(f"{lead.pattern}{words.pattern}$")
    for m in re.finditer(f"{lead.pattern}{words.pattern}(?P<val>{VALUE})", text):
        val, stop = m["val"], m.start("val")
        whole = text[max(c.segment_start(m.start(), "，。；,;"), stop - 2 * REACH):m.end()]
        cond = trailing.sub("", text[max(c.segment_start(stop, "。"), stop - 2 * REACH):stop])
        cond = re.sub(r"^(?:对于|对)|[，,]$", "", cond.strip("，,。；; ")).strip("，,")
        span = c.at(m.start("val"), m.end("val"))
        if val.endswith("%"):
            c.f.bonuses.append(Bonus(cond, percent=plain(Decimal(val[:-1])), span=span, text=whole))
        else:
            amount = plain(cn_number(val[:-1]))
            c.f.bonuses.append(Bonus(cond, amount=amount, span=span, text=whole))
            c.f.amounts.append(Amount(amount, "bonus", None, False, span=span, text=val))
        c.used.add(stop)


@rule("per-unit")
def per_unit(c: Context) -> None:
    """每进口1美元补助0.3元, 按每人400元, 每平方米每月5元, 1万元/家, 每班补助8万元."""
    text = c.text
    after_metric = c.lex.pattern("threshold", "metric-implies-at-least", "(?:{})$")
    cap_before = c.lex.pattern("cap", "cap-before")
    for m in c.money:
        if m.start in c.used or m.currency != "CNY" or c.threshold_op(m.start, m.end) or \
                after_metric.search(text[max(0, m.start - 5):m.start]) or \
                cap_before.search(text[max(0, m.start - 6):m.start]):
            continue
        seg_start = max(c.segment_start(m.start), m.start - REACH)
        found = c.per_unit_of(text[seg_start:m.start], text[m.end:m.end + 3])
        if found is None:
            continue
        unit, unit_at = found
        if unit_at is not None:
            c.used.update(c.money_starts_between(seg_start + unit_at, m.start))
        qual = None
        seg = text[seg_start:m.start]
        q = re.search(r"(?:[，,]|^)([^，,]{2,12}?)每班", seg)
        if unit == "flight" and q:
            qual = q.group(1)
        c.f.amounts.append(Amount(m.value, "per-unit", None, False, unit, qual, c.at(m.start, m.end),
                                  text[m.start:m.end]))
        c.used.add(m.start)


@rule("money-threshold")
def money_threshold(c: Context) -> None:
    """A sum the beneficiary must reach: 出口额达200万美元以上, 年交易额200万元的企业."""
    text = c.text
    after_metric = c.lex.pattern("threshold", "metric-implies-at-least", "(?:{})$")
    not_below = c.lex.pattern("threshold", "percent-threshold-before")
    not_above = c.lex.pattern("threshold", "not-more-than")
    for m in c.money:
        if m.start in c.used:
            continue
        op = c.threshold_op(m.start, m.end)
        before = text[max(0, m.start - 4):m.start]
        if op is None and after_metric.search(text[max(0, m.start - 6):m.start]):
            op = ">="
        window = text[max(0, m.start - 6):m.start]
        if op is None and not not_above.search(before) and not_below.search(window) and \
                c.lex.pattern("cap", "cap-before").search(window):
            op = ">="
        if op:
            seg0 = c.segment_start(m.start)
            metric = c.metric(text[max(0, seg0 - 10, m.start - REACH):m.start], money=True)
            if metric == OTHER:
                metric = c.metric(text[max(0, m.start - 2 * REACH):m.start], money=True)
            c.f.thresholds.append(c.threshold(metric, op, m.value, m.currency, m.start, m.end))
            c.used.add(m.start)


@rule("count-threshold")
def count_threshold(c: Context) -> None:
    """A count the beneficiary must reach: 30家以上, 3000平方米, 培训30天, 劳动合同1年."""
    text = c.text
    covered = c.money_cover()
    for m in c.count_pattern().finditer(text):
        if m.start() in covered:
            continue
        op = c.threshold_op(m.start(), m.end())
        if not op:
            continue
        seg0 = max(c.segment_start(m.start()), m.start() - REACH)
        entry = c.count_unit(m["unit"])
        metric = c.unit_metric(entry, seg0, m.start(), m.end()) or c.metric(text[seg0:m.start()])
        c.f.thresholds.append(c.threshold(metric, op, plain(cn_number(m["num"])), entry.term or OTHER,
                                          m.start(), m.end(), seg0))


@rule("rate")
def rate(c: Context) -> None:
    """Percentages: thresholds (占70%以上, 不低于15%), conditions (在…基础上) or rates of a cost base,
    each rate marked `maximum` where the text states it as a ceiling (不超过60%, 最高按70%)."""
    text = c.text
    after_op = c.lex.pattern("threshold", "at-least-after", "^(?:{})")
    before_op = c.lex.pattern("threshold", "percent-threshold-before", "(?:{})$")
    percent = c.lex.terms("unit")["percent"]
    baseline = c.lex.select("rate", "baseline")[0]
    for value, s, e in find_percents(text):
        if s in c.used:
            continue
        if after_op.match(text[e:e + 3]) or before_op.search(text[max(0, s - 6):s]):
            seg0 = max(c.segment_start(s), s - REACH)
            c.f.thresholds.append(c.threshold(c.unit_metric(percent, seg0, s, e) or OTHER, ">=", value,
                                              "percent", s, e))
            c.used.add(s)
            continue
        opener = max(text.rfind(p, max(0, s - REACH), s) for p in baseline.phrases)
        close = text.find(baseline.get("closer"), e, e + baseline.get("within"))
        if opener >= 0 and close >= 0:
            c.f.conditions.append(text[opener:close + len(baseline.get("closer"))])
            c.used.add(s)
            continue
        seg = text[max(c.segment_start(s), s - REACH):s]
        base = c.cost_base(seg, text[e:e + 12])
        if base is None and c.f.rates and c.f.rates[-1].base:
            base = c.f.rates[-1].base  # '展位费给予…80%的补助，其他国家和地区给予70%的补助'
        c.f.rates.append(Rate(value, base, c.rate_qualifier(seg), c.at(s, e), text[s:e], _ceiling_rate(c, seg)))
        c.used.add(s)


def _ceiling_rate(c: Context, seg: str) -> bool:
    """不超过…60% / 最高按…70%: the segment in front of a rate states it as a ceiling (a ceiling word
    with no other figure between it and the rate, so 不超过500万元的企业给予50% is no ceiling rate).

    >>> c = Context("", lambda i, j: Span(i, j), lexicon_mod.default(), None, Fields(), [])
    >>> _ceiling_rate(c, "给予不超过注册当年境外商标注册费用"), _ceiling_rate(c, "给予技术服务费、推广费等支出费用")
    (True, False)
    >>> _ceiling_rate(c, "对年出口额不超过500万元的企业给予")
    False
    """
    last = max((m.end() for m in c.lex.pattern("rate", "ceiling").finditer(seg)), default=None)
    return last is not None and not re.search(r"\d", seg[last:])


@rule("cap-or-award")
def cap_or_award(c: Context) -> None:
    """The remaining sums: a cap after a cap word (最高, 不超过, 上限, 封顶), an award near a grant verb."""
    text = c.text
    cap_before = c.lex.pattern("cap", "cap-before")
    cap_after = c.lex.pattern("cap", "cap-after", "^(?:{})")
    award = c.lex.pattern("grant", "award-verb")
    for m in c.money:
        if m.start in c.used:
            continue
        if m.currency != "CNY":
            c.f.unparsed.append(text[m.start:m.end])
            continue
        seg0 = max(c.segment_start(m.start), m.start - REACH)
        per, per_year = c.per(text[max(0, seg0 - 2):m.start])
        if cap_before.search(text[max(0, m.start - 8):m.start]) or cap_after.match(text[m.end:m.end + 2]):
            role = "cap"
        elif award.search(text[max(0, seg0 - 12):m.end + 8]):
            role = "award"
        else:
            c.f.unparsed.append(text[m.start:m.end])
            continue
        c.f.amounts.append(Amount(m.value, role, per, per_year, None, c.cap_qualifier(text[seg0:m.start]),
                                  c.at(m.start, m.end), text[m.start:m.end]))
        c.used.add(m.start)


@rule("instrument")
def instrument(c: Context) -> None:
    """How the clause pays, from a phrase (一事一议, 参照…执行) or from the fields found."""
    f, text = c.f, c.text
    terms = c.lex.terms("instrument")
    ref = terms["reference"]
    if any(p in text for p in terms["case-by-case"].phrases):
        f.instrument = "case-by-case"
    elif (re.search(f"{ref.get('opener')}.{{0,{ref.get('within')}}}{ref.get('closer')}", text)
          or any(p in text for p in ref.phrases)) and not f.rates and not f.amounts:
        f.instrument = "reference"
    elif f.tiers and any(t.threshold for t in f.tiers):
        f.instrument = "tiered"
    elif any(a.role == "per-unit" for a in f.amounts):
        f.instrument = "per-unit"
    elif f.rates:
        f.instrument = "proportional"
    elif f.tiers or any(a.role in ("award", "cap") for a in f.amounts):
        f.instrument = "fixed"
    elif f.grants and re.search(f"{c.lex.pattern('grant', 'grant-lead').pattern}[^。]{{0,20}}"
                                f"{c.lex.pattern('grant', 'unspecified-grant').pattern}", text):
        f.instrument = "unspecified"


@rule("period")
def period(c: Context) -> None:
    """One-time (一次性) or yearly (每年, 年度…补助)."""
    text = c.text
    if c.lex.pattern("period", "one-time").search(text):
        c.f.one_time = True
        return
    near = c.lex.select("period", "yearly-near")[0]
    then = "|".join(map(re.escape, near.get("then")))
    yearly = c.lex.pattern("period", "yearly").search(text) or re.search(
        f"{c.lex.pattern('period', 'yearly-near').pattern}[^。]{{0,{near.get('within')}}}(?:{then})", text)
    if yearly and c.f.instrument:
        c.f.one_time = False


@rule("beneficiary")
def beneficiary(c: Context) -> None:
    """给予<X企业>… or 对…的<X企业>，: who receives."""
    text = c.text
    recipient = c.lex.pattern("beneficiary", "recipient").pattern
    bm = re.search(f"{c.lex.pattern('grant', 'grant-lead').pattern}((?:[^，,。；;\\d]{{2,12}}?){recipient})", text)
    if bm and not re.search(f"^{c.lex.pattern('grant', 'grant-lead').pattern}"
                            f"{c.lex.pattern('cap', 'cap-before').pattern}", bm.group(0)):
        c.f.beneficiary = bm.group(1)
        return
    noun = c.lex.pattern("beneficiary", "qualifier-noun").pattern
    om = re.search(f"对([^，,。；;]{{2,80}}?)的([^，,。；;]{{0,12}}?{noun})[，,。]", text)
    if om:
        c.f.beneficiary = om.group(2) or None


@rule("condition")
def condition(c: Context) -> None:
    """对…的X，: the condition a beneficiary meets (not when it holds the grant itself)."""
    lead = c.lex.pattern("beneficiary", "condition-lead").pattern
    om = re.search(f"(?:^|[，,]){lead}([^。；;]{{4,120}}?)的[^，,。；;]{{0,12}}[，,]", c.text)
    if om and not c.lex.pattern("grant", "grant-lead").search(om.group(1)) and "%" not in om.group(1):
        c.f.conditions.append(om.group(1))


@rule("stacking")
def stacking(c: Context) -> None:
    """就高不重复, 不重复享受, 只能享受一次, 可叠加: the segment that says how awards combine."""
    text = c.text
    kinds = c.lex.select("stacking")
    starts: set[int] = set()
    for m in c.lex.pattern("stacking").finditer(text):
        a = max(c.segment_start(m.start(), "，。；（,;("), m.start() - REACH)
        if a in starts:
            continue
        starts.add(a)
        b = min(c.segment_end(m.end(), "，。；）,;)"), m.end() + REACH)
        seg = text[a:b]
        kind = next(k.meaning for k in kinds if any(p in seg for p in k.phrases))
        excl = [f"第{x}条" for x in re.findall(r"第(\d+)条", seg)]
        c.f.stacking.append(StackingRule(kind or OTHER, seg, c.at(a, b), excl))


@rule("agencies")
def agencies(c: Context) -> None:
    """（责任单位：市商务局、市财政局）: who is responsible."""
    lead = c.lex.pattern("beneficiary", "agency-lead").pattern
    am = re.search(f"（{lead}[：:](?P<list>[^）]{{0,200}})）", c.text)
    if am:
        names = re.split(r"[、，,]", am["list"].split("。")[0])
        c.f.agencies = [n.strip() for n in names if n.strip()]


@rule("leftovers")
def leftovers(c: Context) -> None:
    """Percentages no rule placed are reported, never guessed."""
    reported = set(c.f.unparsed)
    for _, s, e in find_percents(c.text):
        if s not in c.used and c.text[s:e] not in reported:
            reported.add(c.text[s:e])
            c.f.unparsed.append(c.text[s:e])
