"""Named comparative queries: queries/NAME.rq and queries/NAME.cypher, run on either backend.

Each query is a pair of files with the same header comment (``# `` lines in .rq, ``// `` lines in
.cypher)::

    name: top-caps
    question-zh: 某一类别中最高的补助上限是哪些？
    question-en: Which are the highest caps in a category?
    params: category (category, required), n (limit, default 10)
    columns: city, document, article, clause, cap (decimal), per, per_year (bool), text
    sort: cap desc, clause

Parameters are written ``$name`` in both languages. Cypher receives them as query parameters.
SPARQL has none, so the runner renames each ``$name`` to the variable ``?_param_name`` (in SPARQL
``$city`` and ``?city`` would be one variable) and binds it with a ``VALUES`` row inserted at the
start of the outermost ``WHERE { ... }`` group; the values are RDF terms made by rdflib from
checked input (an IRI from a known category slug, a typed literal), never text pasted into the
query. An optional parameter left out is ``UNDEF`` in SPARQL and null in Cypher. A ``limit``
parameter is not used by the queries: the runner keeps the first N rows after sorting, so both
backends cut a ranking at the same row.

Rows from both backends are normalised the same way before they are compared or printed
(docs/property-graph.md): decimals as Decimal (money is exact in both stores), ``int`` and
``bool`` as such, dates as ISO strings, missing values as None, list columns (a SPARQL
``GROUP_CONCAT(...; separator="|")`` or a Cypher list) as sorted tuples without duplicates,
and the rows sorted by the ``sort:`` columns and then by every column.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from policykg.errors import PolicyKGError

LIST_SEPARATOR = "|"
PARAM_TYPES = ("category", "clause", "city", "date", "int", "text", "limit")
COLUMN_TYPES = ("text", "decimal", "int", "bool", "date", "list", "decimal list")
HEADER_KEYS = ("name", "question-zh", "question-en", "params", "columns", "sort")
BACKENDS = ("rdf", "neo4j")
NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_CLAUSE_ID = re.compile(r"[^\s<>\"{}|\\^`]+")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool = False
    default: str | None = None


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"


@dataclass
class NamedQuery:
    name: str
    question_zh: str
    question_en: str
    params: list[Param]
    columns: list[Column]
    sort: list[tuple[str, bool]]  # (column, descending)
    sparql: str = ""
    cypher: str = ""
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# --- reading the files ------------------------------------------------------------------------------

def split_header(text: str, comment: str) -> tuple[dict[str, str], str]:
    """The `key: value` lines of the leading comment block, and the query after it.

    >>> split_header("# name: x\\n# params:\\nSELECT 1", "#")
    ({'name': 'x', 'params': ''}, 'SELECT 1\\n')
    """
    header: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    last = None
    while i < len(lines) and lines[i].lstrip().startswith(comment):
        line = lines[i].lstrip()[len(comment):].strip()
        m = re.match(r"([a-z-]+):\s*(.*)$", line)
        if m and m.group(1) in HEADER_KEYS:
            last = m.group(1)
            header[last] = m.group(2).strip()
        elif last and line:
            header[last] = f"{header[last]} {line}".strip()  # a continuation line
        i += 1
    return header, "\n".join(lines[i:]).strip() + "\n"


def _split_top(text: str) -> list[str]:
    """Comma-separated items, ignoring commas inside parentheses."""
    items, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        items.append(cur.strip())
    return items


def parse_params(text: str, where: str) -> list[Param]:
    """`category (category, required), n (int, default 10)` -> Params.

    >>> parse_params("category (category, required), n (int, default 10)", "x")
    [Param(name='category', type='category', required=True, default=None), Param(name='n', type='int', required=False, default='10')]
    """
    out = []
    for item in _split_top(text):
        if item.lower() == "none":
            continue
        m = re.fullmatch(r"([a-z_][a-z0-9_]*)\s*\(([^)]*)\)", item)
        if not m:
            raise PolicyKGError(f"{where}: parameter {item!r} should read 'name (type, required|default X)'")
        parts = [p.strip() for p in m.group(2).split(",")]
        ptype, required, default = parts[0], False, None
        if ptype not in PARAM_TYPES:
            raise PolicyKGError(f"{where}: parameter {m.group(1)} has unknown type {ptype!r} "
                                f"(one of {', '.join(PARAM_TYPES)})")
        for extra in parts[1:]:
            if extra == "required":
                required = True
            elif extra.startswith("default "):
                default = extra[len("default "):].strip()
            elif extra != "optional":
                raise PolicyKGError(f"{where}: parameter {m.group(1)}: {extra!r} is not 'required', "
                                    "'optional' or 'default X'")
        out.append(Param(m.group(1), ptype, required, default))
    return out


def parse_columns(text: str, where: str) -> list[Column]:
    """`city, cap (decimal), caps (list)` -> Columns."""
    out = []
    for item in _split_top(text):
        m = re.fullmatch(r"([a-z_][a-z0-9_]*)(?:\s*\(([a-z ]+)\))?", item)
        if not m or (m.group(2) and m.group(2) not in COLUMN_TYPES):
            raise PolicyKGError(f"{where}: column {item!r} should read 'name' or 'name (type)', type one of "
                                f"{', '.join(COLUMN_TYPES)}")
        out.append(Column(m.group(1), m.group(2) or "text"))
    return out


def parse_sort(text: str, columns: list[Column], where: str) -> list[tuple[str, bool]]:
    names = {c.name for c in columns}
    out = []
    for item in _split_top(text):
        parts = item.split()
        if not parts or parts[0] not in names or len(parts) > 2 or (len(parts) == 2 and parts[1] not in ("asc", "desc")):
            raise PolicyKGError(f"{where}: sort key {item!r} should be a column name, optionally followed by asc or desc")
        out.append((parts[0], len(parts) == 2 and parts[1] == "desc"))
    return out


def strip_sparql(text: str) -> str:
    """The query with comments, string contents and IRIs blanked (positions kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            end = i + len(quote)
            while end < n and not text.startswith(quote, end):
                end += 2 if text[end] == "\\" else 1
            end = min(n, end + len(quote))
            out.append(quote + " " * max(0, end - i - 2 * len(quote)) + quote)
            i = end
        elif ch == "<":
            m = re.compile(r"<[^<>\"{}|^`\\\s]*>").match(text, i)
            if m:
                out.append(" " * (m.end() - i))
                i = m.end()
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def used_params(text: str, language: str) -> set[str]:
    """The $names a query body uses (outside strings, IRIs and comments)."""
    if language == "sparql":
        body = strip_sparql(text)
    else:
        from graph.guard import strip_cypher

        body = strip_cypher(text)
    return set(_PARAM_USE.findall(body))


def _read(path: Path, comment: str) -> tuple[dict[str, str], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyKGError(f"{path}: cannot read ({exc})") from exc
    return split_header(text, comment)


def load_query(name: str, folder: Path | None = None) -> NamedQuery:
    """Read and check queries/NAME.rq and queries/NAME.cypher."""
    from policykg.config import queries_dir

    folder = folder or queries_dir()
    if not NAME_RE.fullmatch(name or ""):
        raise PolicyKGError(f"{name!r} is not a query name: use lower-case letters, digits and '-'")
    rq, cy = folder / f"{name}.rq", folder / f"{name}.cypher"
    missing = [p.name for p in (rq, cy) if not p.exists()]
    if len(missing) == 2:
        raise PolicyKGError(f"no named query {name!r} in {folder}: known queries: {', '.join(query_names(folder)) or 'none'}")
    if missing:
        raise PolicyKGError(f"named query {name!r} exists in one language only: {missing[0]} is missing in {folder}")
    h_rq, sparql = _read(rq, "#")
    h_cy, cypher = _read(cy, "//")
    for key in HEADER_KEYS:
        if key not in h_rq:
            raise PolicyKGError(f"{rq}: header has no '{key}:' line")
        if h_rq.get(key) != h_cy.get(key):
            raise PolicyKGError(f"{name}: the '{key}:' header lines of {rq.name} and {cy.name} differ: "
                                "make them identical")
    if h_rq["name"] != name:
        raise PolicyKGError(f"{rq}: header says name: {h_rq['name']}, the file is {name}.rq")
    params = parse_params(h_rq["params"], str(rq))
    columns = parse_columns(h_rq["columns"], str(rq))
    q = NamedQuery(name, h_rq["question-zh"], h_rq["question-en"], params, columns,
                   parse_sort(h_rq["sort"], columns, str(rq)), sparql, cypher, {"rq": rq, "cypher": cy})
    declared = {p.name for p in params if p.type != "limit"}
    for path, body, language in ((rq, sparql, "sparql"), (cy, cypher, "cypher")):
        used = used_params(body, language)
        if used != declared:
            extra, unused = sorted(used - declared), sorted(declared - used)
            raise PolicyKGError(f"{path}: parameters used and declared differ (used, not declared: "
                                f"{extra or 'none'}; declared, not used: {unused or 'none'})")
    if not _WHERE.search(strip_sparql(sparql)):
        raise PolicyKGError(f"{rq}: the query needs a 'WHERE {{' group (parameters are bound there)")
    return q


def query_names(folder: Path | None = None) -> list[str]:
    """Every NAME with a NAME.rq or NAME.cypher in the queries folder."""
    from policykg.config import queries_dir

    folder = folder or queries_dir()
    return sorted({p.stem for p in folder.glob("*.rq")} | {p.stem for p in folder.glob("*.cypher")})


def load_all(folder: Path | None = None) -> list[NamedQuery]:
    return [load_query(name, folder) for name in query_names(folder)]


def is_named(arg: str, folder: Path | None = None) -> bool:
    """True when `arg` names a query in queries/ (and is not a file path or '-')."""
    from policykg.config import queries_dir

    if not arg or arg == "-" or not NAME_RE.fullmatch(arg) or Path(arg).exists():
        return False
    folder = folder or queries_dir()
    return (folder / f"{arg}.rq").exists() or (folder / f"{arg}.cypher").exists()


# --- parameters -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BoundParam:
    """A checked parameter value: its SPARQL term and its Cypher value."""

    sparql: str
    cypher: Any


def _bind(param: Param, raw: str | None, where: str) -> BoundParam:
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    if raw is None:
        return BoundParam("UNDEF", None)
    raw = str(raw).strip()
    if param.type == "category":
        from graph.namespaces import CAT
        from ingest.categories import scheme

        known = scheme()
        if not _SLUG.fullmatch(raw) or raw not in known:
            raise PolicyKGError(f"{where}: unknown category {raw!r} for --param {param.name}: one of "
                                f"{', '.join(sorted(known))}")
        iri = URIRef(str(CAT) + raw)
        return BoundParam(iri.n3(), str(iri))
    if param.type == "date":
        if raw == "today":
            day = date.today()
        else:
            try:
                day = date.fromisoformat(raw)
            except ValueError as exc:
                raise PolicyKGError(f"{where}: --param {param.name}={raw!r} is not a date: write YYYY-MM-DD") from exc
        return BoundParam(Literal(day.isoformat(), datatype=XSD.date).n3(), day)
    if param.type in ("int", "limit"):
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise PolicyKGError(f"{where}: --param {param.name}={raw!r} is not a whole number (0 to 999999999)")
        value = int(raw)
        return BoundParam(Literal(value).n3(), value)
    if param.type == "clause":
        if not _CLAUSE_ID.fullmatch(raw):
            raise PolicyKGError(f"{where}: --param {param.name}={raw!r} is not a clause id such as "
                                "wenzhou-2022-60/1.2/c1 (see `policykg clauses`)")
        return BoundParam(Literal(raw).n3(), raw)
    if param.type == "city":
        raw = raw.removesuffix("市")
    if not raw or len(raw) > 200:
        raise PolicyKGError(f"{where}: --param {param.name} must be 1 to 200 characters")
    return BoundParam(Literal(raw).n3(), raw)


def bind_params(q: NamedQuery, given: dict[str, str]) -> dict[str, BoundParam]:
    """Check the given values against the declared parameters and convert them."""
    declared = {p.name: p for p in q.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise PolicyKGError(f"{q.name}: unknown parameter(s) {', '.join(unknown)}: this query takes "
                            f"{', '.join(declared) or 'no parameters'}")
    out = {}
    for p in q.params:
        raw = given.get(p.name, p.default)
        if raw is None and p.required:
            raise PolicyKGError(f"{q.name}: parameter {p.name} is required: add --param {p.name}=...")
        out[p.name] = _bind(p, raw, q.name)
    return out


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


PARAM_VARIABLE = "_param_"


def sparql_with_values(sparql: str, bound: dict[str, BoundParam]) -> str:
    """The query with each `$name` renamed `?_param_name` (so that a parameter never shares a
    variable with a result column: in SPARQL `$city` and `?city` are one variable) and a
    `VALUES` row binding them at the start of its first WHERE group.

    >>> sparql_with_values("SELECT ?v WHERE { ?x ?p $v }", {"v": BoundParam('"a"', "a")})
    'SELECT ?v WHERE { VALUES (?_param_v) { ("a") } ?x ?p ?_param_v }'
    """
    if not bound:
        return sparql
    stripped = strip_sparql(sparql)
    m = _WHERE.search(stripped)
    if not m:
        raise PolicyKGError("the SPARQL query has no 'WHERE {' group to bind its parameters in")
    names = sorted(bound)
    values = (f" VALUES ({' '.join('?' + PARAM_VARIABLE + n for n in names)}) "
              f"{{ ({' '.join(bound[n].sparql for n in names)}) }}")
    edits = [(m.end(), m.end(), values)]
    for use in _PARAM_USE.finditer(stripped):
        if use.group(1) not in bound:
            raise PolicyKGError(f"the SPARQL query uses ${use.group(1)}, which is not a declared parameter")
        edits.append((use.start(), use.end(), f"?{PARAM_VARIABLE}{use.group(1)}"))
    for start, end, text in sorted(edits, reverse=True):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql


# --- running and normalising -----------------------------------------------------------------------

def _canonical_decimal(d: Decimal) -> Decimal:
    d = d.normalize()
    return d.quantize(Decimal(1)) if d.as_tuple().exponent > 0 else d


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


def _cmp(a, b) -> int:
    if a == b:
        return 0
    if a is None:
        return -1
    if b is None:
        return 1
    try:
        return -1 if a < b else 1
    except TypeError:
        return -1 if str(a) < str(b) else 1


def normalise_rows(q: NamedQuery, columns: list[str], rows: list[tuple], backend: str) -> list[tuple]:
    """Rows checked against the declared columns, values normalised, sorted."""
    if list(columns) != q.column_names:
        raise PolicyKGError(f"{q.name} on {backend} returned columns {', '.join(columns)}; the header declares "
                            f"{', '.join(q.column_names)}")
    out = []
    for i, row in enumerate(rows):
        out.append(tuple(normalise_value(v, c.type, f"{q.name} ({backend}) row {i + 1} column {c.name}")
                         for v, c in zip(row, q.columns)))
    index = {c: i for i, c in enumerate(q.column_names)}
    keys = [(index[c], desc) for c, desc in q.sort] + [(i, False) for i in range(len(q.columns))]

    def compare(r1, r2) -> int:
        for i, desc in keys:
            c = _cmp(r1[i], r2[i])
            if c:
                return -c if desc else c
        return 0

    return sorted(out, key=functools.cmp_to_key(compare))


def run_named(name: str, params: dict[str, str] | None = None, backend: str = "rdf", store: Path | None = None,
              neo4j_settings: dict | None = None, timeout_s: float = 60.0,
              limit: int | None = None) -> tuple[list[str], list[tuple]]:
    """Run queries/NAME on 'rdf' (the store) or 'neo4j'; returns (columns, normalised rows).

    `params` are the raw --param values; `limit` caps the rows fetched (a safety net: a capped
    result is cut before sorting, so it is not comparable across backends).
    """
    from graph.guard import check_cypher_readonly, readonly_sparql

    if backend not in BACKENDS:
        raise PolicyKGError(f"unknown backend {backend!r}: use rdf or neo4j")
    q = load_query(name)
    values = bind_params(q, dict(params or {}))
    kinds = {p.name: p.type for p in q.params}
    cut = next((b.cypher for n, b in values.items() if kinds[n] == "limit"), None)
    bound = {n: b for n, b in values.items() if kinds[n] != "limit"}
    if backend == "rdf":
        from graph.store import query
        from policykg.config import default_store

        text = readonly_sparql(sparql_with_values(q.sparql, bound))
        columns, rows = query(store or default_store(), text, timeout_s=timeout_s, limit=limit)
    else:
        from graph.neo4j import run_read, settings_from

        check_cypher_readonly(q.cypher)
        columns, rows, _ = run_read(neo4j_settings or settings_from(), q.cypher,
                                    {k: b.cypher for k, b in bound.items()}, timeout_s=timeout_s, limit=limit,
                                    require_complete_load=True)
    rows = normalise_rows(q, columns, rows, backend)
    return q.column_names, rows if cut is None else rows[:cut]


# --- output -----------------------------------------------------------------------------------------

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
