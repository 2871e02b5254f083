"""Chinese numbers, money, percentages, dates and durations, parsed exactly.

Arabic figures with 万/亿 (or 萬/億, as traditional texts write them) are scaled with Decimal
(so 0.03 stays 0.03). Chinese numerals up to
九十九 (五, 两, 十二, 二十三: the numbering of items and durations) are read from a table; larger
ones (一百五十) go through cn2an, imported on first use because building its patterns costs most
of a second of start-up.
Everything works on normalised text (see ingest.normalize).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

CN_SINGLE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "十": 10}
CN_DIGITS = "零〇一二两三四五六七八九十百千"
_MAG = {"": Decimal(1), "千": Decimal(1000), "万": Decimal(10_000), "亿": Decimal(100_000_000),
        "萬": Decimal(10_000), "億": Decimal(100_000_000)}
MAGS = "千万亿萬億"

NUM = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]+)"
# 20万元, 1.5亿元人民币, 0.3元, 200万美元, 10万(元) inside a list, 1万元/家
MONEY_RE = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?|[{CN_DIGITS}]+(?=[万亿萬億]?(?:美元|元)))(?P<mag>[千万亿萬億]?)"
    r"(?P<cur>美元|元人民币|元)(?P<rmb>人民币)?")
# an amount without its currency, completed by the next one in a list: 10万、30万、50万元
BARE_WAN_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?)(?P<mag>[万亿萬億])(?=[、，,和及至])")
PERCENT_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?)%")
DATE_RE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
DURATION_RE = re.compile(rf"有效期(?:为)?(?P<num>{NUM})(?P<unit>年|个月)")


def cn_number(text: str) -> Decimal:
    """A number written in Arabic or Chinese numerals, with an optional 千/万/亿.

    >>> cn_number("1.5亿"), cn_number("0.8万"), cn_number("五"), cn_number("十二")
    (Decimal('150000000.0'), Decimal('8000.0'), Decimal('5'), Decimal('12'))
    >>> cn_number("0.03"), cn_number("20萬")
    (Decimal('0.03'), Decimal('200000'))
    """
    mag = ""
    if text and text[-1] in MAGS:
        text, mag = text[:-1], text[-1]
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        value = Decimal(text)
    elif (small := _small_cn(text)) is not None:
        value = Decimal(small)
    elif text and all(c in CN_DIGITS for c in text):
        import cn2an

        value = Decimal(str(cn2an.cn2an(text, "smart")))
    else:
        raise ValueError(f"not a number: {text!r}")
    return value * _MAG[mag]


def _small_cn(text: str) -> int | None:
    """五 -> 5, 十二 -> 12, 二十 -> 20, 九十九 -> 99; None for anything else.

    >>> [_small_cn(t) for t in ["两", "十", "十三", "二十", "二十三", "一百"]]
    [2, 10, 13, 20, 23, None]
    """
    if len(text) == 1:
        return CN_SINGLE.get(text)
    tens, sep, units = text.partition("十")
    if not sep or len(text) > 3 or (tens and tens not in CN_SINGLE) or (units and units not in CN_SINGLE):
        return None
    return (CN_SINGLE[tens] if tens else 1) * 10 + (CN_SINGLE[units] if units else 0)


def plain(value: Decimal) -> Decimal:
    """Drop a meaningless exponent or trailing zeros: 150000000.0 -> 150000000, 0.30 -> 0.3.

    >>> plain(Decimal("150000000.0")), plain(Decimal("0.30")), plain(Decimal("2E+5"))
    (Decimal('150000000'), Decimal('0.3'), Decimal('200000'))
    """
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


@dataclass
class Money:
    value: Decimal  # in units of `currency`
    currency: str  # CNY | USD
    start: int
    end: int


def find_money(text: str) -> list[Money]:
    """Every money amount in `text`, in order, with its position.

    >>> [(str(m.value), m.currency) for m in find_money("达200万美元以上，补助0.3元，最高20万元")]
    [('2000000', 'USD'), ('0.3', 'CNY'), ('200000', 'CNY')]
    >>> [str(m.value) for m in find_money("分别给予10万、30万、50万元补助")]
    ['100000', '300000', '500000']
    """
    found = []
    for m in MONEY_RE.finditer(text):
        currency = "USD" if m.group("cur") == "美元" else "CNY"
        value = plain(cn_number(m.group("num") + m.group("mag")))
        found.append(Money(value, currency, m.start(), m.end()))
    # bare 10万 in a list whose last item carries the currency (found is in text order)
    starts = [f.start for f in found]
    bare = []
    for m in BARE_WAN_RE.finditer(text):
        i = bisect_right(starts, m.start())
        if i and found[i - 1].start <= m.start() < found[i - 1].end:
            continue
        nxt = found[i] if i < len(found) else None
        if nxt is None or nxt.start - m.end() > 12:
            continue
        if re.fullmatch(r"[、，,和及至\d.万亿萬億]*", text[m.end():nxt.start]):
            bare.append(Money(plain(cn_number(m.group("num") + m.group("mag"))), nxt.currency, m.start(), m.end()))
    return sorted(found + bare, key=lambda f: f.start)


def find_percents(text: str) -> list[tuple[Decimal, int, int]]:
    """Every percentage: (value, start, end). 50% is 50.

    >>> find_percents("按费用的50%给予补助，占70%以上")
    [(Decimal('50'), 4, 7), (Decimal('70'), 13, 16)]
    """
    return [(plain(Decimal(m.group("num"))), m.start(), m.end()) for m in PERCENT_RE.finditer(text)]


def parse_date(text: str) -> date | None:
    """The first Chinese date in `text`.

    >>> parse_date("本意见自2022年8月25日起施行")
    datetime.date(2022, 8, 25)
    """
    m = DATE_RE.search(text)
    return date(int(m["y"]), int(m["m"]), int(m["d"])) if m else None


def add_duration(start: date, years: int = 0, months: int = 0) -> date:
    """The last day of a period that starts on `start` and lasts years+months.

    有效期五年 from 2022-02-01 ends on 2027-01-31; three years from 2025-01-01 on 2027-12-31.

    >>> add_duration(date(2022, 2, 1), years=5)
    datetime.date(2027, 1, 31)
    >>> add_duration(date(2025, 1, 1), years=3)
    datetime.date(2027, 12, 31)
    >>> add_duration(date(2024, 2, 29), years=1)
    datetime.date(2025, 2, 28)
    """
    total = start.month - 1 + months + 12 * years
    y, m = start.year + total // 12, total % 12 + 1
    d = start.day
    while True:
        try:
            end = date(y, m, d)
            break
        except ValueError:
            d -= 1
    if d == start.day:
        end -= timedelta(days=1)
    return end


def parse_duration(text: str) -> tuple[str, int, int] | None:
    """有效期五年 -> ('有效期五年', 5, 0); 有效期为3年 -> (…, 3, 0); cn2an alone fails on 三年.

    >>> parse_duration("有效期为3年，由市商务局")
    ('有效期为3年', 3, 0)
    >>> parse_duration("施行，有效期五年。")
    ('有效期五年', 5, 0)
    """
    m = DURATION_RE.search(text)
    if not m:
        return None
    n = int(cn_number(m["num"]))
    return (m.group(0), n, 0) if m["unit"] == "年" else (m.group(0), 0, n)
