"""`policykg query`: run a named query of queries/ on either backend, or one read-only SPARQL query
(a file, or - for stdin) against the store."""
from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from policykg.commands._common import TABLE_FORMATS, add_output, add_store, read_query_file, store_of
from policykg.errors import PolicyKGError

FORMATS = TABLE_FORMATS
MAX_CELL = 60  # display columns per table cell; csv and json keep whole values


def register(sub) -> None:
    from policykg.commands.named import add_named_options

    p = sub.add_parser("query", help="run a named query (see `policykg named`) or a SPARQL query file")
    p.add_argument("file", metavar="NAME|FILE",
                   help="a named query of queries/ (e.g. compare-category), a SPARQL file (.rq), or - for stdin")
    add_store(p)
    add_output(p)
    add_named_options(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from graph.guard import readonly_sparql
    from graph.named_queries import is_named
    from graph.store import query

    if is_named(args.file):
        from policykg.commands.named import run_named_args

        return run_named_args(args, args.file)
    if args.param or args.backend != "rdf":
        raise PolicyKGError(f"--param and --backend apply to named queries (`policykg named` lists them); "
                            f"{args.file} is run as a SPARQL file on the store")
    text = readonly_sparql(read_query(args.file))
    store = store_of(args)
    if isinstance(store, str):  # a SPARQL 1.1 endpoint
        from graph.remote import RemoteStore

        columns, rows = RemoteStore(store).query(text)
    else:
        columns, rows = query(store, text, timeout_s=args.timeout)
    sys.stdout.write(render(columns, rows, args.format))
    return 0


def read_query(name: str) -> str:
    """The SPARQL text of a file, or of stdin for "-"."""
    return read_query_file(name, "SPARQL")


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    """Rows as an aligned table, CSV, or a JSON array of objects (decimals as exact numbers)."""
    if fmt == "csv":
        return _csv(columns, rows)
    if fmt == "json":
        return _json(columns, rows)
    return _table(columns, rows)


def cell(value) -> str:
    """One value as text: exact decimals, ISO dates, true/false, empty for unbound.

    >>> cell(Decimal("2E+5")), cell(Decimal("0.03")), cell(date(2022, 8, 25)), cell(True), cell(None)
    ('200000', '0.03', '2022-08-25', 'true', '')
    """
    from graph.named_queries import text_value

    return text_value(value.isoformat() if isinstance(value, datetime) else value)


def _csv(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def _json_value(value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")  # a JSON number with exactly the stored digits
    if isinstance(value, (date, datetime)):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def _json(columns, rows) -> str:
    if not rows:
        return "[]\n"
    lines = []
    for row in rows:
        pairs = ", ".join(f"{json.dumps(c, ensure_ascii=False)}: {_json_value(v)}" for c, v in zip(columns, row))
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
    from graph.namespaces import compact

    body = [[_fit(compact(cell(v)) if isinstance(v, str) else cell(v)) for v in row] for row in rows]
    widths = [_width(c) for c in columns]
    for row in body:
        widths = [max(w, _width(v)) for w, v in zip(widths, row)]

    def line(values) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(row) for row in body]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out) + "\n"
