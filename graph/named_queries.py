"""Named comparative queries: queries/NAME.rq and queries/NAME.cypher, run on either backend.

Each query is a pair of files with the same header comment (``# `` lines in .rq, ``// `` lines in
.cypher)::

    name: top-caps
    question-zh: 某一类别中最高的补助上限是哪些？
    question-en: Which are the highest caps in a category?
    params: category (category, required), limit (limit, default 100), offset (offset, default 0)
    columns: city, document, article, clause, cap (decimal), per, per_year (bool), text
    sort: cap desc, city, document, clause

Parameters are written ``$name`` in both languages. Cypher receives them as query parameters.
SPARQL has none, so the runner renames each ``$name`` to the variable ``?_param_name`` (in SPARQL
``$city`` and ``?city`` would be one variable) and binds it with a ``VALUES`` row inserted at the
start of every ``WHERE { ... }`` group (a sub-select sees only its own variables); the values are
RDF terms made by rdflib from checked input (an IRI from a known category slug, a typed literal),
never text pasted into the query. An optional parameter left out is ``UNDEF`` in SPARQL and null
in Cypher. The ``limit`` and ``offset`` parameters (types of the same names) are whole numbers
checked by the runner, written as digits in SPARQL's ``LIMIT $limit OFFSET $offset``.

Paging: a query with a ``limit`` parameter returns one page of rows in a stable order that the
query computes from stored sort keys (pkg:sortKey), and, as one more column after the declared
ones, ``total``: how many rows there are in all. An empty page is one row with only the total.
`run_page` gives a `Page` (columns, rows, total, limit, offset); the runner never sorts again.

Rows from both backends are normalised the same way before they are compared or printed
(docs/property-graph.md): decimals as Decimal (money is exact in both stores), ``int`` and
``bool`` as such, dates as ISO strings, missing values as None, list columns (a SPARQL
``GROUP_CONCAT(...; separator="|")`` or a Cypher list) as sorted tuples without duplicates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from graph.query_values import normalise_value
from graph.sparql_text import strip_sparql
from policykg.errors import PolicyKGError

PARAM_TYPES = ("category", "clause", "city", "date", "int", "text", "limit", "offset")
PAGE_TYPES = ("limit", "offset")  # written as digits into SPARQL, never bound with VALUES
TOTAL_COLUMN = "total"
MAX_LIMIT = 10000
COLUMN_TYPES = ("text", "decimal", "int", "bool", "date", "list", "decimal list")
HEADER_KEYS = ("name", "question-zh", "question-en", "params", "columns", "sort")
BACKENDS = ("rdf", "neo4j")
NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_CLAUSE_ID = re.compile(r"[^\s<>\"{}|\\^`]+")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_OUTSIDE = re.compile(r"(?<![?$\w])(?:SERVICE|FROM)\b", re.I)  # federated or other graphs: never in a named query


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


@dataclass(frozen=True)
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

    @property
    def paged(self) -> bool:
        """True when the query returns a page (it has a limit parameter) and the total count."""
        return any(p.type == "limit" for p in self.params)


@dataclass(frozen=True)
class Page:
    """One page of a named query's rows, normalised, in the query's order, and the total count
    (None for a query without paging, whose rows are all of them)."""

    columns: list[str]
    rows: list[tuple]
    total: int | None
    limit: int | None = None
    offset: int = 0

    def summary(self) -> str:
        """``rows 101-200 of 2206`` (or ``no rows of 2206`` past the end)."""
        if self.total is None:
            return f"{len(self.rows)} rows"
        if not self.rows:
            return f"no rows of {self.total} (offset {self.offset})"
        return f"rows {self.offset + 1}-{self.offset + len(self.rows)} of {self.total}"


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


_LOADED: dict[tuple[Path, Path], tuple[tuple, NamedQuery]] = {}


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return ()
    return st.st_mtime_ns, st.st_size, st.st_ino


def load_query(name: str, folder: Path | None = None) -> NamedQuery:
    """Read and check queries/NAME.rq and queries/NAME.cypher. The checked query is kept for the
    next call while neither file changes (reading and checking a long query takes ms, and the app
    and the benchmark run the same queries again and again)."""
    from policykg.config import queries_dir

    folder = folder or queries_dir()
    if not NAME_RE.fullmatch(name or ""):
        raise PolicyKGError(f"{name!r} is not a query name: use lower-case letters, digits and '-'")
    rq, cy = folder / f"{name}.rq", folder / f"{name}.cypher"
    stamp = (_stamp(rq), _stamp(cy))
    held = _LOADED.get((rq, cy))
    if held is not None and held[0] == stamp and all(stamp):
        return held[1]
    q = _load_query(name, rq, cy)
    _LOADED[(rq, cy)] = (stamp, q)
    return q


def _load_query(name: str, rq: Path, cy: Path) -> NamedQuery:
    """load_query's reading and checking."""
    folder = rq.parent
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
    kinds = [p.type for p in params]
    if kinds.count("limit") > 1 or kinds.count("offset") > 1 or ("limit" in kinds) != ("offset" in kinds):
        raise PolicyKGError(f"{rq}: a paged query declares one limit and one offset parameter, or neither")
    if "total" in {c.name for c in columns}:
        raise PolicyKGError(f"{rq}: '{TOTAL_COLUMN}' is the runner's column for the total count: rename the column")
    declared = {p.name for p in params}
    for path, body, language in ((rq, sparql, "sparql"), (cy, cypher, "cypher")):
        used = used_params(body, language)
        if used != declared:
            extra, unused = sorted(used - declared), sorted(declared - used)
            raise PolicyKGError(f"{path}: parameters used and declared differ (used, not declared: "
                                f"{extra or 'none'}; declared, not used: {unused or 'none'})")
    if not _WHERE.search(strip_sparql(sparql)):
        raise PolicyKGError(f"{rq}: the query needs a 'WHERE {{' group (parameters are bound there)")
    if outside := _OUTSIDE.search(strip_sparql(sparql)):
        raise PolicyKGError(f"{rq}: a named query reads the store's own graph: remove {outside.group(0).upper()}")
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
    """A checked parameter value: its SPARQL term and its Cypher value; `inline` for a limit or
    offset, whose SPARQL form is digits written into the query (LIMIT and OFFSET take no variable)."""

    sparql: str
    cypher: Any
    inline: bool = False


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
    if param.type in ("int", "limit", "offset"):
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise PolicyKGError(f"{where}: --param {param.name}={raw!r} is not a whole number (0 to 999999999)")
        value = int(raw)
        if param.type == "limit" and value > MAX_LIMIT:
            raise PolicyKGError(f"{where}: --param {param.name}={value} is more than {MAX_LIMIT} rows a page: "
                                "page with offset")
        if param.type in PAGE_TYPES:
            return BoundParam(str(value), value, inline=True)
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
    `VALUES` row binding them at the start of every WHERE group (a sub-select sees only its own
    variables). Inline parameters (limit, offset: checked whole numbers) are written as their
    digits instead, since LIMIT and OFFSET take no variable.

    >>> sparql_with_values("SELECT ?v WHERE { ?x ?p $v }", {"v": BoundParam('"a"', "a")})
    'SELECT ?v WHERE { VALUES (?_param_v) { ("a") } ?x ?p ?_param_v }'
    >>> sparql_with_values("SELECT * WHERE { ?x ?p ?o } LIMIT $n", {"n": BoundParam("5", 5, inline=True)})
    'SELECT * WHERE { ?x ?p ?o } LIMIT 5'
    """
    if not bound:
        return sparql
    stripped = strip_sparql(sparql)
    groups = list(_WHERE.finditer(stripped))
    if not groups:
        raise PolicyKGError("the SPARQL query has no 'WHERE {' group to bind its parameters in")
    names = sorted(n for n in bound if not bound[n].inline)
    edits = []
    if names:
        values = (f" VALUES ({' '.join('?' + PARAM_VARIABLE + n for n in names)}) "
                  f"{{ ({' '.join(bound[n].sparql for n in names)}) }}")
        edits += [(m.end(), m.end(), values) for m in groups]
    for use in _PARAM_USE.finditer(stripped):
        name = use.group(1)
        if name not in bound:
            raise PolicyKGError(f"the SPARQL query uses ${name}, which is not a declared parameter")
        if bound[name].inline:
            if not re.fullmatch(r"[0-9]+", bound[name].sparql):
                raise PolicyKGError(f"${name} must be a whole number")
            edits.append((use.start(), use.end(), bound[name].sparql))
        else:
            edits.append((use.start(), use.end(), f"?{PARAM_VARIABLE}{name}"))
    for start, end, text in sorted(edits, reverse=True):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql


# --- running and normalising -----------------------------------------------------------------------

def _empty(row: tuple, q: NamedQuery) -> bool:
    """The row an empty page consists of: every declared column unbound (lists empty, counts 0)."""
    return all(v is None or v == () or (type(v) is int and v == 0) for v in row)


def normalise_page(q: NamedQuery, columns: list[str], rows: list[tuple], backend: str) -> tuple[list[tuple], int | None]:
    """Rows checked against the declared columns (and `total` for a paged query), values
    normalised, in the order the query gave them; and the total count (None when not paged)."""
    expected = q.column_names + ([TOTAL_COLUMN] if q.paged else [])
    if list(columns) != expected:
        raise PolicyKGError(f"{q.name} on {backend} returned columns {', '.join(columns)}; the header declares "
                            f"{', '.join(expected)}")
    out, total = [], None
    for i, row in enumerate(rows):
        values = tuple(normalise_value(v, c.type, f"{q.name} ({backend}) row {i + 1} column {c.name}")
                       for v, c in zip(row, q.columns))
        if q.paged:
            count = normalise_value(row[-1], "int", f"{q.name} ({backend}) row {i + 1} column {TOTAL_COLUMN}")
            if total is not None and count != total:
                raise PolicyKGError(f"{q.name} on {backend}: the rows give different totals ({total}, {count})")
            total = count
            if _empty(values, q):
                continue
        out.append(values)
    if q.paged and total is None:
        total = 0  # no row at all: nothing matched the query's first pattern
    return out, total


def normalise_rows(q: NamedQuery, columns: list[str], rows: list[tuple], backend: str) -> list[tuple]:
    """The normalised rows of `normalise_page`, without the total."""
    return normalise_page(q, columns, rows, backend)[0]


def run_page(name: str, params: dict[str, str] | None = None, backend: str = "rdf",
             store: Path | str | None = None,
             neo4j_settings: dict | None = None, timeout_s: float = 60.0) -> Page:
    """Run queries/NAME on 'rdf' (the store) or 'neo4j'; returns one normalised Page.

    `params` are the raw --param values (limit and offset included: default 100 and 0).
    """
    from graph.guard import check_cypher_readonly

    if backend not in BACKENDS:
        raise PolicyKGError(f"unknown backend {backend!r}: use rdf or neo4j")
    q = load_query(name)
    values = bind_params(q, dict(params or {}))
    kinds = {p.name: p.type for p in q.params}
    limit = next((b.cypher for n, b in values.items() if kinds[n] == "limit"), None)
    offset = next((b.cypher for n, b in values.items() if kinds[n] == "offset"), 0)
    if backend == "rdf":
        from graph.remote import RemoteStore, is_remote
        from graph.store import query
        from policykg.config import default_store

        # A query file is checked when it is loaded (no SERVICE, no FROM), and the stores run queries
        # only, never updates. The rdflib parser of graph.guard is not used: it does not know the
        # LATERAL join (SEP-0006, in Oxigraph and Jena) that the paged queries look entries up with.
        text = sparql_with_values(q.sparql, values)
        if is_remote(store):  # --store http://HOST:PORT/DATASET, as every other query command takes
            columns, rows = RemoteStore(str(store), timeout_s=timeout_s).query(text)
        else:
            columns, rows = query(store or default_store(), text, timeout_s=timeout_s)
    else:
        from graph.neo4j import run_read, settings_from

        check_cypher_readonly(q.cypher)
        columns, rows, _ = run_read(neo4j_settings or settings_from(), q.cypher,
                                    {k: b.cypher for k, b in values.items()}, timeout_s=timeout_s,
                                    require_complete_load=True)
    rows, total = normalise_page(q, columns, rows, backend)
    return Page(q.column_names, rows, total, limit, offset)


def run_named(name: str, params: dict[str, str] | None = None, backend: str = "rdf",
              store: Path | str | None = None,
              neo4j_settings: dict | None = None, timeout_s: float = 60.0) -> tuple[list[str], list[tuple]]:
    """`run_page` as (columns, rows): one page of rows, in the query's order."""
    page = run_page(name, params, backend, store, neo4j_settings, timeout_s)
    return page.columns, page.rows
