"""The embedded persistent store: an Oxigraph database in STORE/oxigraph, no server.

`write_store` bulk-loads a graph into a fresh sibling directory and swaps it in by renaming,
so a failed build leaves the previous store intact. `open_store` gives an rdflib Graph over
the store (through oxrdflib), opened read-only so that any number of readers can share it;
close it to release it (`reading_store` is the same as a `with` block). `query` runs one SPARQL query on
pyoxigraph directly, against a read-only handle kept open for the next query, and returns plain
Python values; `load_graph` copies the store into an in-memory rdflib Graph.
"""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from graph.namespaces import ID, PKG, PREFIXES, RDF, XSD, bind_prefixes
from policykg.errors import PolicyKGError

STORE_SUBDIR = "oxigraph"
# The store's format: what the named queries may rely on the build to have written (the materialised
# values and rankings of graph/digest.py). Raise it whenever those change, so that a store built by
# an earlier version is refused with "rebuild" rather than answered from (wrong totals, empty pages).
STORE_FORMAT = 3
FORMAT_NODE = ID["store"]  # pkg:Store: pkg:storeFormat STORE_FORMAT, written by graph.digest.materialise
NT_PIECE = 8 * 1024 * 1024  # bytes of N-Triples given to Oxigraph's bulk loader at once (StoreWriter)


def store_path(store_dir: Path | str) -> Path:
    """Where the Oxigraph database of a store directory lives."""
    return Path(store_dir) / STORE_SUBDIR


# --- writing ------------------------------------------------------------------------------------

class StoreWriter:
    """Fills a fresh Oxigraph database batch by batch, then swaps it in (see `write_store`).

    For corpora too large to hold as one rdflib graph: `add(graph)` after each batch, then
    `commit()`; on any exception before that, `abort()` removes the new database.
    """

    def __init__(self, store_dir: Path | str):
        import pyoxigraph as ox

        self.ox = ox
        self.store_dir = Path(store_dir)
        self.target = store_path(self.store_dir)
        try:
            self.store_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PolicyKGError(f"cannot create the store directory {store_dir}: {exc.strerror or exc}") from exc
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{STORE_SUBDIR}-new-", dir=self.store_dir))
        self.db = ox.Store(str(self.tmp))

    def add(self, graph: Graph | Iterable[tuple]) -> None:
        """Add the triples of an rdflib Graph, or any iterable of (s, p, o) rdflib terms."""
        ox, graph_name = self.ox, self.ox.DefaultGraph()
        cache: dict = {}

        def term(t):  # IRIs and literals repeat (predicates on every node): convert each once
            converted = cache.get(t)
            if converted is None:
                converted = cache[t] = _to_ox(t, ox)
            return converted

        self.db.bulk_extend(ox.Quad(term(s), term(p), term(o), graph_name) for s, p, o in graph)

    def add_ntriples(self, data: bytes) -> None:
        """Triples serialised as N-Triples (what a worker process sends back), loaded a few
        megabytes at a time: Oxigraph's bulk loader holds about five times what it is given. Data
        with blank nodes is loaded at once, as a label names one node only within one load."""
        fmt = self.ox.RdfFormat.N_TRIPLES
        if b"_:" in data:
            self.db.bulk_load(data, fmt)
            return
        start = 0
        while start < len(data):
            end = data.find(b"\n", start + NT_PIECE)
            end = len(data) if end < 0 else end + 1
            self.db.bulk_load(data[start:end], fmt)
            start = end

    def __len__(self) -> int:
        return len(self.db)

    def commit(self) -> Path:
        try:
            self.db.flush()
            del self.db
            _swap(self.tmp, self.target)
        except BaseException:
            self.abort()
            raise
        return self.target

    def abort(self) -> None:
        self.__dict__.pop("db", None)
        shutil.rmtree(self.tmp, ignore_errors=True)


def write_store(graph: Graph, store_dir: Path | str) -> Path:
    """Replace STORE/oxigraph with the triples of `graph`; returns the database directory.

    The new database is built in a temporary sibling directory and renamed into place; if
    anything fails before that, the temporary directory is removed and the old store stays.
    """
    writer = StoreWriter(store_dir)
    try:
        writer.add(graph)
    except BaseException:
        writer.abort()
        raise
    return writer.commit()


def _swap(new: Path, target: Path) -> None:
    """Rename `new` to `target`, moving an existing `target` aside first and deleting it after."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{STORE_SUBDIR}-old-", dir=target.parent))
        os.rmdir(old)
        os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _to_ox(term, ox):
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(term.datatype))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


# --- reading ------------------------------------------------------------------------------------

def open_read_only(store_dir: Path | str):
    """The store's pyoxigraph Store, read-only; a missing or broken store is one PolicyKGError line."""
    import pyoxigraph as ox

    path = store_path(store_dir)
    if not path.is_dir():
        raise PolicyKGError(f"no store at {store_dir}: run `policykg build`")
    try:
        return ox.Store.read_only(str(path))
    except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged file as RuntimeError "Corruption: ..."
        detail = " ".join(str(exc).split())[:200]
        raise PolicyKGError(
            f"cannot open the store at {path} ({detail}): run `policykg build` to rebuild it") from None


def open_store(store_dir: Path | str) -> Graph:
    """An rdflib Graph over the store's default graph, for reading; close it when done."""
    from oxrdflib import OxigraphStore

    graph = Graph(store=OxigraphStore(store=open_read_only(store_dir)), identifier=DATASET_DEFAULT_GRAPH_ID)
    bind_prefixes(graph)
    return graph


@contextmanager
def reading_store(store_dir: Path | str):
    """`with reading_store(dir) as graph:` an `open_store` graph that is closed on leaving."""
    graph = open_store(store_dir)
    try:
        yield graph
    finally:
        graph.close()


def load_graph(store_dir: Path | str) -> Graph:
    """The whole store as an in-memory rdflib Graph (plain strings stay plain literals)."""
    db = open_read_only(store_dir)
    try:
        graph = Graph()
        bind_prefixes(graph)
        add = graph.add
        for quad in db:
            add((_from_ox(quad.subject), URIRef(quad.predicate.value), _from_ox(quad.object)))
        return graph
    finally:
        del db


def _from_ox(term):
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unexpected term in the store: {term!r}")


def dump(store_dir: Path | str, fmt: str, prefixes: dict[str, str]) -> bytes:
    """The store's default graph serialised by Oxigraph (fmt: 'turtle' or 'ntriples')."""
    import pyoxigraph as ox

    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
    db = open_read_only(store_dir)
    try:
        return db.dump(format=formats[fmt], from_graph=ox.DefaultGraph(), prefixes=prefixes)
    finally:
        del db


# --- querying -----------------------------------------------------------------------------------

_OPEN: dict[str, tuple[tuple[int, int, int], Any]] = {}
_OPEN_LOCK = threading.Lock()


def _reader(store_dir: Path | str):
    """The store opened read-only, kept open for the next query of this process.

    Every write builds a new database directory and renames it into place (StoreWriter), so a
    changed (device, inode, ctime) of STORE/oxigraph means a new store: it is opened again (the
    ctime, which a rename sets, tells a new directory that reuses a freed inode). Opening costs
    20-40 ms at 5,000 documents; the app and the benchmark query the same store many times.
    """
    path = store_path(store_dir)
    try:
        st = os.stat(path)
    except OSError:
        raise PolicyKGError(f"no store at {store_dir}: run `policykg build`") from None
    key, stamp = str(path.resolve()), (st.st_dev, st.st_ino, st.st_ctime_ns)
    with _OPEN_LOCK:
        cached = _OPEN.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        db = open_read_only(store_dir)
        check_format(db, store_dir)
        _OPEN[key] = (stamp, db)
        return db


def format_mark() -> list[tuple]:
    """The triples that say a store is of this version's format (graph.digest.materialise writes them
    at the end of a build)."""
    return [(FORMAT_NODE, RDF.type, PKG.Store), (FORMAT_NODE, PKG.storeFormat, Literal(STORE_FORMAT))]


def check_format(db, store_dir: Path | str) -> None:
    """Refuse, in one line, a build of another format: its pkg:storeFormat is not STORE_FORMAT, or it
    has none but holds materialised values (pkg:sortKey: a build of an earlier version). A graph
    written as it is (write_store: no materialised values, no mark) is queried as it is."""
    import pyoxigraph as ox

    found = [q.object.value for q in db.quads_for_pattern(ox.NamedNode(str(FORMAT_NODE)),
                                                          ox.NamedNode(str(PKG.storeFormat)), None)]
    if found == [str(STORE_FORMAT)]:
        return
    if not found and next(iter(db.quads_for_pattern(None, ox.NamedNode(str(PKG.sortKey)), None)), None) is None:
        return
    was = f"format {found[0]}" if found else "no format mark"
    raise PolicyKGError(f"the store at {store_dir} was built by another version of policykg ({was}; this "
                        f"version reads format {STORE_FORMAT}): run `policykg build` to rebuild it")


def require_current_format(store_dir: Path | str) -> None:
    """check_format for a store folder (for readers that do not query it, e.g. the Neo4j load)."""
    _reader(store_dir)


@functools.lru_cache(maxsize=1)
def _query_prefixes() -> dict[str, str]:
    """The prefixes a query may use without declaring them: rdflib's defaults and the project's."""
    out = {prefix: str(ns) for prefix, ns in Graph().namespaces() if prefix}
    out.update({prefix: str(ns) for prefix, ns in PREFIXES.items()})
    return out


def query(store_dir: Path | str, sparql: str, timeout_s: float | None = None,
          limit: int | None = None) -> tuple[list[str], list[tuple]]:
    """Run one SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) against the store.

    Returns (columns, rows) with Python values: Decimal for xsd:decimal, int, date, bool, str
    (IRIs and strings). ASK gives one column "ask"; CONSTRUCT/DESCRIBE give subject, predicate,
    object. `limit` caps the rows returned; `timeout_s` raises PolicyKGError when exceeded.
    The query runs on pyoxigraph directly (no rdflib terms in between) against a store kept
    open between calls (`_reader`).
    """
    import pyoxigraph as ox

    db = _reader(store_dir)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            result = db.query(sparql, prefixes=_query_prefixes())
            if isinstance(result, ox.QueryBoolean):
                outcome["value"] = (["ask"], [(bool(result),)])
            elif isinstance(result, ox.QuerySolutions):
                names = [v.value for v in result.variables]
                rows: list[tuple] = []
                for solution in result:
                    if limit is not None and len(rows) >= limit:
                        break
                    rows.append(tuple(ox_value(solution[i]) for i in range(len(names))))
                outcome["value"] = (names, rows)
            else:
                triples = sorted(((t.subject, t.predicate, t.object) for t in result),
                                 key=lambda t: tuple(_sort_text(x) for x in t))
                if limit is not None:
                    triples = triples[:limit]
                rows = [tuple(ox_value(x) for x in t) for t in triples]
                outcome["value"] = (["subject", "predicate", "object"], rows)
        except BaseException as exc:  # handed to the caller's thread
            # without its frames: they hold pyoxigraph's results, which may only be freed on this thread
            outcome["error"] = exc.with_traceback(None)

    if timeout_s is None:
        run()
    else:
        worker = threading.Thread(target=run, name="policykg-sparql", daemon=True)
        started = time.monotonic()
        worker.start()
        worker.join(timeout_s)
        if worker.is_alive():
            raise PolicyKGError(
                f"query took longer than {timeout_s:g} s (stopped after "
                f"{time.monotonic() - started:.1f} s): add a LIMIT or narrow the patterns")
    if "error" in outcome:
        exc = outcome["error"]
        if isinstance(exc, SyntaxError):
            raise PolicyKGError(f"SPARQL syntax error: {exc}") from exc
        if isinstance(exc, (OSError, ValueError, RuntimeError, NotImplementedError)) \
                and not isinstance(exc, PolicyKGError):
            raise PolicyKGError(f"SPARQL query failed: {exc}") from exc
        raise exc
    return outcome["value"]


def _sort_text(term) -> str:
    """What rdflib's str() gives for a term: the IRI, the literal's text, the blank node id."""
    return getattr(term, "value", str(term))


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {f"{_XSD}{t}" for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                     "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                     "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}


def ox_value(term) -> Any:
    """A plain Python value for a pyoxigraph term, as `python_value` gives for an rdflib term.

    >>> import pyoxigraph as ox
    >>> ox_value(ox.Literal("0.03", datatype=ox.NamedNode(_XSD + "decimal"))), ox_value(None)
    (Decimal('0.03'), None)
    >>> ox_value(ox.Literal("2024-06-01", datatype=ox.NamedNode(_XSD + "date")))
    datetime.date(2024, 6, 1)
    """
    if term is None:
        return None
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal):
        return term.value if hasattr(term, "value") else str(term)
    text, datatype = term.value, term.datatype.value
    try:
        if datatype == f"{_XSD}decimal":
            return Decimal(text)
        if datatype in _INTEGERS:
            return int(text)
        if datatype == f"{_XSD}boolean":
            return text in ("true", "1")
        if datatype == f"{_XSD}date":
            return date.fromisoformat(text)
        if datatype == f"{_XSD}dateTime":
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        if datatype in (f"{_XSD}double", f"{_XSD}float"):
            return float(text)
    except (ValueError, ArithmeticError):
        pass  # an ill-typed literal stays text, as rdflib leaves it
    return text


def python_value(term) -> Any:
    """A plain Python value for an RDF term (None for an unbound variable).

    >>> python_value(Literal("0.03", datatype=XSD.decimal)), python_value(URIRef("http://x/y"))
    (Decimal('0.03'), 'http://x/y')
    """
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (Decimal, bool, int, date, datetime, float)):
            return value
        return str(term)
    return str(term)
