"""`policykg neo4j`: load the store's graph into Neo4j, print the property-graph model, run read-only Cypher.

  policykg neo4j load [--store DIR] [--uri bolt://...] [--user U] [--password P] [--database D]
  policykg neo4j model [--update DOC]  the labels, relationship types and properties (Markdown)
  policykg neo4j cypher FILE|-         one read-only Cypher query, in a READ session

Connection options fall back to NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE, then
to the local server of `make neo4j-start`, so `make neo4j-start && policykg neo4j load` works.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from policykg.commands._common import add_store, read_query_file, store_of


def _connection(p) -> None:
    p.add_argument("--uri", help="Bolt URI, bolt:// or neo4j:// for a cluster (default: $NEO4J_URI or "
                                 "bolt://127.0.0.1:$NEO4J_PORT)")
    p.add_argument("--user", help="user (default: $NEO4J_USER or neo4j)")
    p.add_argument("--password", help="password (default: $NEO4J_PASSWORD or the local server's)")
    p.add_argument("--database", help="database (default: $NEO4J_DATABASE or neo4j)")


def register(sub) -> None:
    p = sub.add_parser("neo4j", help="load the graph into Neo4j; print its property-graph model; run read-only Cypher")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    load = actions.add_parser("load", help="load the store's graph into Neo4j (idempotent; removes stale nodes)")
    add_store(load)
    _connection(load)
    load.add_argument("--batch-size", type=int, default=10000, metavar="N",
                      help="rows per UNWIND transaction (default: 10000)")
    load.set_defaults(handler=run_load)

    model = actions.add_parser("model", help="print the property-graph model derived from the ontology (Markdown)")
    model.add_argument("--update", type=Path, metavar="DOC",
                       help="instead, rewrite the model section of DOC (e.g. docs/property-graph.md)")
    model.set_defaults(handler=run_model)

    cypher = actions.add_parser("cypher", help="run one read-only Cypher query (a file, or - for stdin)")
    cypher.add_argument("file", metavar="FILE", help="a Cypher file, or - to read it from stdin")
    _connection(cypher)
    cypher.add_argument("--format", choices=("table", "csv", "json"), default="table")
    cypher.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                        help="server-side transaction timeout (default: 60)")
    cypher.add_argument("--limit", type=int, default=10000, metavar="ROWS",
                        help="print at most this many rows (default: 10000)")
    cypher.set_defaults(handler=run_cypher)


def _settings(args) -> dict:
    from graph.neo4j import settings_from

    return settings_from(args.uri, args.user, args.password, args.database)


@contextmanager
def _bars():
    """Progress bars on stderr for a load that lasts more than a few seconds: triples read from
    the store, then rows (nodes and relationships) written to Neo4j. Yields their two callbacks."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def bar(name: str, unit: str, total: int | None) -> tqdm:
        if name not in bars:
            bars[name] = tqdm(total=total, desc=name, unit=unit, unit_scale=True, delay=2, leave=False)
        return bars[name]

    def reading(done: int, total: int) -> None:
        b = bar("read store", "triple", total)
        b.total = total
        b.update(done - b.n)

    def writing(rows: int) -> None:
        if "read store" in bars:
            bars.pop("read store").close()
        bar("write neo4j", "row", None).update(rows)

    try:
        yield reading, writing
    finally:
        for b in bars.values():
            b.close()


def run_load(args) -> int:
    from graph.neo4j import load
    from policykg.errors import PolicyKGError

    if args.batch_size < 1:
        raise PolicyKGError("--batch-size must be at least 1")
    settings = _settings(args)
    with _bars() as (reading, writing):
        report = load(store_of(args), settings, batch_size=args.batch_size, progress=writing, read_progress=reading)
    print(f"loaded into {settings['uri']} (database {settings['database']})")
    print("\n".join(report.lines()))
    return 0


MODEL_BEGIN, MODEL_END = "<!-- model:begin -->\n", "<!-- model:end -->"


def run_model(args) -> int:
    from graph.pg_model import markdown
    from policykg.errors import PolicyKGError

    if not args.update:
        sys.stdout.write(markdown())
        return 0
    try:
        text = args.update.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyKGError(f"cannot read {args.update}: {exc.strerror or exc}") from exc
    start, end = text.find(MODEL_BEGIN), text.find(MODEL_END)
    if start < 0 or end < start:
        raise PolicyKGError(f"{args.update} has no '{MODEL_BEGIN.strip()}' ... '{MODEL_END}' section to update")
    args.update.write_text(text[:start + len(MODEL_BEGIN)] + markdown() + text[end:], encoding="utf-8")
    print(f"updated the model section of {args.update}")
    return 0


def run_cypher(args) -> int:
    from graph.guard import check_cypher_plan, check_cypher_readonly
    from graph.neo4j import run_read
    from policykg.commands._output import render

    text = read_query_file(args.file, "Cypher")
    check_cypher_readonly(text)
    columns, rows, truncated = run_read(_settings(args), text, timeout_s=args.timeout, limit=args.limit,
                                        plan_check=check_cypher_plan)
    sys.stdout.write(render(columns, [tuple(_cell(v) for v in row) for row in rows], args.format))
    if truncated:
        print(f"policykg: showing the first {args.limit} rows; raise --limit to see more", file=sys.stderr)
    return 0


def _cell(value):
    """Lists and maps (nodes, relationships) as compact JSON text; other values unchanged."""
    import json
    from datetime import date

    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True,
                          default=lambda v: v.isoformat() if isinstance(v, date) else str(v))
    return value
