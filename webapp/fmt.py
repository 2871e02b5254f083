"""How figures look in the app: 20万元 with the exact yuan on hover, thresholds, funding splits, and
source sentences made safe HTML with their numbers in <mark>.
"""
from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

from webapp.i18n import t, vocab

WAN = Decimal(10000)
YI = Decimal(100000000)
# Digits (half or full width) with an optional decimal part and unit: 20万元, 50%, 200万美元, 2个.
NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?\s*(?:[万亿]\s*)?(?:元|美元|%|％)?")


def _plain(v: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 20, 1.5, 0.3."""
    s = format(v.normalize(), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def wan(value: Decimal | int | float | None, currency: str = "元") -> str:
    """An amount the way the policies write it.

    >>> wan(Decimal(200000)), wan(Decimal(2000000)), wan(Decimal(15000)), wan(Decimal(5000))
    ('20万元', '200万元', '1.5万元', '5000元')
    >>> wan(Decimal("0.3")), wan(Decimal(300000000)), wan(Decimal(2000000), "美元")
    ('0.3元', '3亿元', '200万美元')
    """
    if value is None:
        return ""
    v = Decimal(str(value))
    if abs(v) >= YI:
        return f"{_plain(v / YI)}亿{currency}"
    if abs(v) >= WAN:
        return f"{_plain(v / WAN)}万{currency}"
    return f"{_plain(v)}{currency}"


def exact(value: Decimal | int | float | None, currency: str = "CNY") -> str:
    """The exact figure with thousands separators: '¥200,000' (or 'US$2,000,000').

    >>> exact(Decimal(200000)), exact(Decimal("0.3")), exact(Decimal(2000000), "USD")
    ('¥200,000', '¥0.3', 'US$2,000,000')
    """
    if value is None:
        return ""
    v = Decimal(str(value))
    whole = v == v.to_integral_value()
    body = f"{int(v):,}" if whole else f"{v.normalize():,f}"
    return ("US$" if currency == "USD" else "¥") + body


def money_words(value: Decimal | int | float | None, lang: str | None = None, currency: str = "CNY") -> str:
    """An amount in the language's words: 200万元 in Chinese, 'CNY 2 million (200万元)' in English.

    >>> money_words(Decimal(2000000), "en"), money_words(Decimal(400000), "en"), money_words(Decimal(400000), "zh")
    ('CNY 2 million (200万元)', 'CNY 400,000 (40万元)', '40万元')
    >>> money_words(Decimal(5000000), "en", "USD")
    'USD 5 million (500万美元)'
    """
    if value is None:
        return ""
    v = Decimal(str(value))
    zh = wan(v, "美元" if currency == "USD" else "元")
    if (lang or "zh") == "zh":
        return zh
    million = Decimal(1000000)
    if abs(v) >= million:
        body = f"{_plain(v / million)} million"
    else:
        body = f"{int(v):,}" if v == v.to_integral_value() else f"{v.normalize():,f}"
    return f"{currency} {body} ({zh})"


def money_html(value: Decimal | None, currency: str = "CNY") -> str:
    """20万元 with the exact figure as a tooltip."""
    if value is None:
        return ""
    shown = wan(value, "美元" if currency == "USD" else "元")
    return f'<span class="amt" title="{exact(value, currency)}">{html.escape(shown)}</span>'


def percent(v: Decimal | None) -> str:
    return "" if v is None else f"{_plain(Decimal(str(v)))}%"


OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def threshold(th: dict, lang: str | None = None) -> str:
    """'出口额 ≥ 200万美元' / 'exports ≥ 200万美元 (US$2,000,000)' from a threshold dict.

    >>> threshold({"metric": "exports", "op": ">=", "value": Decimal(2000000), "unit": "USD"}, "zh")
    '出口额 ≥ 200万美元'
    >>> threshold({"metric": "area", "op": ">=", "value": Decimal(1000), "unit": "m2"}, "en")
    'area ≥ 1000 m²'
    """
    metric = vocab("metric", th["metric"], lang)
    op = OPS.get(th["op"], th["op"])
    unit = th["unit"]
    if unit in ("CNY", "USD"):
        value = wan(th["value"], "美元" if unit == "USD" else "元")
    elif unit == "percent":
        value = percent(th["value"])
    else:
        value = counted(Decimal(str(th["value"])), unit, lang)
    return f"{metric} {op} {value}"


def counted(value: Decimal, unit: str, lang: str | None = None) -> str:
    """A count or duration in its unit, in the page's language: '1年', '1 year', '2 years', '1000 m²'.

    >>> counted(Decimal(1), "year", "zh"), counted(Decimal(1), "year", "en"), counted(Decimal("2.5"), "year", "en")
    ('1年', '1 year', '2.5 years')
    >>> counted(Decimal(1), "enterprise", "en"), counted(Decimal(1000), "m2", "en")
    ('1 enterprise', '1000 m²')
    """
    word = vocab("tunit", unit, lang)
    if (lang or "zh") == "zh":
        return f"{_plain(value)}{word}"
    if value == 1 and word.endswith("s"):
        word = word[:-1]  # English: one year, one enterprise
    return f"{_plain(value)} {word}"


def amount_text(a: dict, lang: str | None = None) -> str:
    """One amount with what it is per: '20万元 每个独立站，每年' (plain text, for CSV and tooltips)."""
    parts = [wan(a["value"])]
    if a.get("unit"):
        parts.append(vocab("unit", a["unit"], lang))
    per = a.get("per") or (a.get("basis") if not a.get("unit") else None)  # every amount says what it is per
    if per:
        parts.append(vocab("per", per, lang))
    if a.get("per_year") or a.get("period") == "yearly":
        parts.append(t("per.year", lang))
    elif a.get("period") == "term":
        parts.append(t("period.term", lang))
    if a.get("qualifier"):
        parts.append(f"（{a['qualifier']}）")
    return " ".join(p for p in parts if p)


def amount_html(a: dict, lang: str | None = None) -> str:
    """One amount as HTML: the 万元 figure with the exact yuan on hover, then what it is per."""
    rest = amount_text(a, lang)[len(wan(a["value"])):].strip()
    return money_html(a["value"]) + (f' <span class="per">{html.escape(rest)}</span>' if rest else "")


def funding(rule: dict, lang: str | None = None, short: bool = False) -> str:
    """A funding rule in words: '市级 50% / 属地 50%（上城区、拱墅区）'; `short` names only the first
    district and how many there are.

    >>> funding({"kind": "shared", "city_share": 50, "local_share": 50, "districts": ["上城区", "拱墅区"]}, "zh")
    '市级 50% / 属地 50%（上城区、拱墅区）'
    >>> funding({"kind": "shared", "city_share": 50, "local_share": 50, "districts": ["上城区", "拱墅区"]}, "en", True)
    'city 50% / local 50% (上城区 +1)'
    """
    kind = rule["kind"]
    if kind == "shared":
        text = t("funding.shared", lang, city=_plain(Decimal(str(rule["city_share"]))),
                 local=_plain(Decimal(str(rule["local_share"]))))
    else:
        text = vocab("funding", kind, lang)
    districts = rule.get("districts") or []
    if districts:
        sep = "、" if (lang or "zh") == "zh" else ", "
        shown = sep.join(districts) if not short or len(districts) == 1 else f"{districts[0]} +{len(districts) - 1}"
        text += t("funding.districts", lang, districts=shown)
    return text


def frequency(one_time: bool | None, lang: str | None = None) -> str:
    return t("freq.once" if one_time else "freq.yearly" if one_time is False else "freq.unknown", lang)


def day(d: date | None, lang: str | None = None) -> str:
    return d.isoformat() if d else t("date.unknown", lang)


def period(start: date | None, end: date | None, lang: str | None = None) -> str:
    """'2023-02-18 – 2026-02-18', or '2024-01-01 起' when open-ended."""
    if start and not end:
        return f"{start.isoformat()} {t('date.open', lang)}"
    return f"{day(start, lang)} – {day(end, lang)}"


def highlight(text: str, marks: list[tuple[int, int, str]]) -> str:
    """`text` html-escaped, with each (start, end, title) range in <mark class="fig"> and any other
    number in <mark class="num">.

    >>> highlight("给予<b>20万元</b>，不超过2个", [(5, 9, "¥200,000")])
    '给予&lt;b&gt;<mark class="fig" title="¥200,000">20万元</mark>&lt;/b&gt;，不超过<mark class="num">2</mark>个'
    """
    out, pos = [], 0
    for start, end, title in sorted(m for m in marks if 0 <= m[0] < m[1] <= len(text)):
        if start < pos:
            continue
        out.append(_numbers(text[pos:start]))
        out.append(f'<mark class="fig" title="{html.escape(title)}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(_numbers(text[pos:]))
    return "".join(out)


def _numbers(text: str) -> str:
    out, pos = [], 0
    for m in NUMBER.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append(f'<mark class="num">{html.escape(m.group(0))}</mark>')
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)
