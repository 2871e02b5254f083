"""How a command prints rows: an aligned table, CSV, or a JSON array of objects; one writer for
`policykg query`, `policykg named` and `policykg cypher`.

Values: exact decimals (a JSON number with exactly the stored digits), ISO dates, true/false, empty
for unbound; a list value (a tuple, as graph.named_queries normalises list columns) is an array in
JSON and its items joined by "; " in a table or CSV.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from graph.namespaces import compact
from graph.query_values import text_value

MAX_CELL = 60  # display columns per table cell; csv and json keep whole values


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    """Rows as an aligned table, CSV, or a JSON array of objects.

    >>> print(render(["n", "caps"], [(Decimal("2E+5"), (Decimal("1.50"), "x"))], "json"), end="")
    [
      {"n": 200000, "caps": [1.50, "x"]}
    ]
    >>> render(["n", "caps"], [(Decimal("2E+5"), (Decimal("1.50"), "x"))], "csv")
    'n,caps\\n200000,1.50; x\\n'
    """
    if fmt == "csv":
        return _csv(columns, rows)
    if fmt == "json":
        return _json(columns, rows)
    return _table(columns, rows)


def cell(value) -> str:
    """One value as text: exact decimals, ISO dates, true/false, empty for unbound, lists joined by "; ".

    >>> cell(Decimal("2E+5")), cell(Decimal("0.03")), cell(date(2022, 8, 25)), cell(True), cell(None)
    ('200000', '0.03', '2022-08-25', 'true', '')
    >>> cell((Decimal("1"), "a"))
    '1; a'
    """
    return text_value(value.isoformat() if isinstance(value, datetime) else value)


def _csv(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def json_value(value) -> str:
    """A JSON value: a Decimal as a number with exactly its digits, a date as ISO text, a tuple as an array."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(json_value(v) for v in value) + "]"
    if isinstance(value, (date, datetime)):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def _json(columns, rows) -> str:
    if not rows:
        return "[]\n"
    lines = []
    for row in rows:
        pairs = ", ".join(f"{json.dumps(c, ensure_ascii=False)}: {json_value(v)}" for c, v in zip(columns, row))
        lines.append("  {" + pairs + "}")
    return "[\n" + ",\n".join(lines) + "\n]\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, limit: int = MAX_CELL) -> str:
    text = " ".join(text.split())
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _table(columns, rows) -> str:
    body = [[_fit(compact(cell(v)) if isinstance(v, (str, tuple)) else cell(v)) for v in row] for row in rows]
    widths = [_width(c) for c in columns]
    for row in body:
        widths = [max(w, _width(v)) for w, v in zip(widths, row)]

    def line(values) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(row) for row in body]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out) + "\n"
