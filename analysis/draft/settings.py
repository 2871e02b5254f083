"""The values a user sets for a draft's parameters (`--set cap=30万`, `threshold=500万美元`), read
with the unit they are typed in.

A value typed with a unit keeps it: 500万美元 is 5,000,000 USD and 1000万元 is 10,000,000 CNY, so
a draft never writes a yuan figure as dollars. Money units: 元, 万元, 亿元, 美元, 万美元 (万 and 亿
alone mean yuan); a threshold may also be a duration, an area or a count (1年, 6个月, 500平方米,
20家, 50人, 30天). A unit the reader does not know is refused with one line that lists the known
ones; a bare number takes the unit of the precedent it replaces.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from analysis.profile import MAX_AMOUNT
from policykg.errors import PolicyKGError

# the parameters a draft has, in the order they are shown (labels: analysis.draft.words.parameter)
PARAMETERS = ("rate", "cap", "award", "per_unit", "threshold", "bonus", "one_time", "city_share")
MONEY_UNITS = {"万美元": (10000, "USD"), "美元": (1, "USD"), "亿元": (100000000, "CNY"), "万元": (10000, "CNY"),
               "元": (1, "CNY"), "亿": (100000000, "CNY"), "万": (10000, "CNY")}
QUANTITY_UNITS = {"个月": "month", "年": "year", "平方米": "m2", "平米": "m2", "家": "enterprise", "人": "person",
                  "天": "day", "个": "item", "单": "order", "班": "flight"}
_NUMBER = re.compile(r"^(?P<n>\d+(?:\.\d+)?)(?P<unit>.*)$")
_NOT_DIGITS = re.compile(r"^[+-]|^\d+(?:\.\d+)?[eE][+-]?\d", re.I)


class Quantity(Decimal):
    """A Decimal that remembers the unit it was typed in (CNY, USD, percent, year, m2 …; None: bare).

    >>> q = Quantity("5000000", "USD"); q == Decimal(5000000), q.unit
    (True, 'USD')
    """

    unit: str | None

    def __new__(cls, value, unit: str | None = None):
        self = super().__new__(cls, value)
        self.unit = unit
        return self


def read_value(name: str, raw: str) -> Quantity:
    """One typed value of parameter `name`.

    >>> [(str(v), v.unit) for v in (read_value("threshold", "500万美元"), read_value("threshold", "1000万元"),
    ...                              read_value("cap", "30万"), read_value("rate", "50%"), read_value("threshold", "1年"))]
    [('5000000', 'USD'), ('10000000', 'CNY'), ('300000', 'CNY'), ('50', 'percent'), ('1', 'year')]
    """
    raw = raw if len(raw) <= 40 else f"{raw[:40]}…"  # an error message never repeats a huge input
    text = raw.replace(",", "").replace("，", "").strip()
    m = _NUMBER.match(text)
    if not m or _NOT_DIGITS.match(text):  # NaN, Infinity, -5, 1e999999999: refused before any arithmetic
        raise PolicyKGError(f"--set {name}={raw}: expected a finite number written in digits, at least 0 "
                            "(e.g. 300000, 30万, 50%)")
    unit_text = m["unit"].strip()
    try:
        number = Decimal(m["n"])
    except InvalidOperation:
        raise PolicyKGError(f"--set {name}={raw}: expected a finite number (e.g. 300000, 30万, 50%)") from None
    if not unit_text:
        return Quantity(number, None)
    if unit_text == "%":
        if name not in ("rate", "city_share", "threshold"):
            raise PolicyKGError(f"--set {name}={raw}: {name} is an amount in yuan, not a percentage")
        return Quantity(number, "percent")
    if unit_text in MONEY_UNITS:
        scale, currency = MONEY_UNITS[unit_text]
        if name in ("rate", "city_share"):
            raise PolicyKGError(f"--set {name}={raw}: {name} is a percentage, not money")
        if currency == "USD" and name != "threshold":
            raise PolicyKGError(f"--set {name}={raw}: amounts granted are in yuan (元, 万元, 亿元); "
                                "only a threshold may be in 美元 or 万美元")
        return Quantity(number * scale, currency)
    if unit_text in QUANTITY_UNITS and name == "threshold":
        return Quantity(number, QUANTITY_UNITS[unit_text])
    known = "元, 万元, 亿元, 美元, 万美元" + (", %, " + ", ".join(QUANTITY_UNITS) if name == "threshold" else "")
    raise PolicyKGError(f"--set {name}={raw}: unknown unit '{unit_text}'; write the value in one of: {known}")


def parse_settings(items: list[str] | dict | None) -> dict[str, Decimal | bool]:
    """`cap=300000`, `rate=50%`, `cap=30万`, `threshold=500万美元`, `one_time=false` -> typed values
    (Quantity, which keeps the unit typed); unknown keys refused."""
    if not items:
        return {}
    if isinstance(items, dict):
        pairs = list(items.items())
    else:
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
            out[k] = _flag(v)
            continue
        value = read_value(k, str(v))
        if value > MAX_AMOUNT:
            raise PolicyKGError(f"--set {k}={str(v)[:40]}: out of range: at most {MAX_AMOUNT:f}")
        if value < 0 or ((k in ("rate", "city_share")) and value > 100):
            raise PolicyKGError(f"--set {k}={v}: out of range")
        out[k] = value
    return out


def _flag(v) -> bool:
    if isinstance(v, bool):
        return v
    word = str(v).lower()
    if word in ("true", "yes", "1", "一次性"):
        return True
    if word in ("false", "no", "0", "每年", "yearly"):
        return False
    raise PolicyKGError(f"--set one_time={v}: expected true (一次性) or false (每年)")
