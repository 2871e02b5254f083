"""Query result values in the one form both backends are compared and printed in
(docs/property-graph.md): decimals as exact Decimal, ``int`` and ``bool`` as such, dates as ISO
strings, missing values as None, list columns (a SPARQL ``GROUP_CONCAT(...; separator="|")`` or a
Cypher list) as sorted tuples without duplicates; and a normalised value as table or CSV text.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from policykg.errors import PolicyKGError

LIST_SEPARATOR = "|"


def _canonical_decimal(d: Decimal) -> Decimal:
    d = d.normalize()
    exponent = d.as_tuple().exponent  # a str ('n', 'N', 'F') for NaN and infinity
    return d.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else d


def _decimal(value, where: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise PolicyKGError(f"{where}: got {value!r}, a {type(value).__name__}, where an exact decimal is expected")
    try:
        return _canonical_decimal(Decimal(str(value)))
    except InvalidOperation as exc:
        raise PolicyKGError(f"{where}: {value!r} is not a decimal") from exc


def _items(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(LIST_SEPARATOR) if v != ""]
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            out.extend(_items(v) if isinstance(v, (list, tuple)) else ([] if v is None else [v]))
        return out
    return [value]


def normalise_value(value, ctype: str, where: str = "value"):
    """One value in the shared form of both backends (see the module docstring).

    >>> normalise_value("200000", "decimal"), normalise_value(Decimal("2E+5"), "decimal")
    (Decimal('200000'), Decimal('200000'))
    >>> normalise_value("b|a|b", "list"), normalise_value(["50", "3"], "decimal list")
    (('a', 'b'), (Decimal('3'), Decimal('50')))
    >>> normalise_value(date(2024, 1, 1), "date"), normalise_value(None, "int")
    ('2024-01-01', None)
    """
    if ctype == "list":
        return tuple(sorted({str(v) for v in _items(value)}))
    if ctype == "decimal list":
        return tuple(sorted({_decimal(v, where) for v in _items(value)}))
    if value is None:
        return None
    if ctype == "decimal":
        return _decimal(value, where)
    if ctype == "int":
        if isinstance(value, bool):
            raise PolicyKGError(f"{where}: got a boolean where a whole number is expected")
        d = _decimal(value, where)
        if d != d.to_integral_value():
            raise PolicyKGError(f"{where}: {value!r} is not a whole number")
        return int(d)
    if ctype == "bool":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise PolicyKGError(f"{where}: {value!r} is not a boolean")
    if ctype == "date":
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError as exc:
            raise PolicyKGError(f"{where}: {value!r} is not a date") from exc
    if isinstance(value, (list, tuple, dict)):
        raise PolicyKGError(f"{where}: got a {type(value).__name__} where text is expected")
    return str(value)



def text_value(value) -> str:
    """A normalised value as table or CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, tuple):
        return "; ".join(text_value(v) for v in value)
    return str(value)
