"""`policykg named`: list the named comparative queries of queries/, or run one on either backend.

`policykg named` lists every query with its question (Chinese and English) and parameters;
`policykg named NAME --param k=v --backend rdf|neo4j --format table|csv|json` runs one; a paged
query prints one page (`--param limit=100 --param offset=0` by default) and says on stderr which
rows of how many it printed. The same
options serve `policykg query NAME` (policykg/commands/query.py hands a NAME over to
`run_named_args`). Rows are normalised (graph.named_queries), so both backends print the same, and
printed by policykg/commands/_output.py, the writer `policykg query` uses too.
"""
from __future__ import annotations

import sys

from policykg.commands._common import TABLE_FORMATS, add_output, add_store, store_of
from policykg.errors import PolicyKGError

FORMATS = TABLE_FORMATS


def register(sub) -> None:
    p = sub.add_parser("named", help="list the named comparative queries, or run one (SPARQL or Cypher)")
    p.add_argument("name", nargs="?", metavar="NAME", help="a query of queries/ (omit to list them)")
    add_store(p)
    add_output(p)
    add_named_options(p)
    p.set_defaults(handler=run)


def add_named_options(p) -> None:
    """--param, --backend and the Neo4j connection options of a named query."""
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="a parameter of the named query, e.g. category=independent-site (repeatable)")
    p.add_argument("--backend", choices=("rdf", "neo4j"), default="rdf",
                   help="run the SPARQL version on the store (rdf, default) or the Cypher version on Neo4j")
    p.add_argument("--uri", help="Neo4j Bolt URI (default: $NEO4J_URI or bolt://127.0.0.1:$NEO4J_PORT)")
    p.add_argument("--user", help="Neo4j user (default: $NEO4J_USER or neo4j)")
    p.add_argument("--password", help="Neo4j password (default: $NEO4J_PASSWORD or the local server's)")
    p.add_argument("--database", help="Neo4j database (default: $NEO4J_DATABASE or neo4j)")


def parse_params(pairs: list[str]) -> dict[str, str]:
    """['category=x', 'n=3'] -> {'category': 'x', 'n': '3'}; one clear error for anything else."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise PolicyKGError(f"--param {pair!r} should read KEY=VALUE, e.g. --param category=independent-site")
        if key in out:
            raise PolicyKGError(f"--param {key} is given twice: give it once")
        out[key] = value
    return out


def run(args) -> int:
    if not args.name:
        return list_queries()
    return run_named_args(args, args.name)


def list_queries() -> int:
    from graph.named_queries import load_all

    for q in load_all():
        params = ", ".join(f"{p.name} ({p.type}{', required' if p.required else ''}"
                           f"{f', default {p.default}' if p.default else ''})" for p in q.params) or "none"
        sys.stdout.write(f"{q.name}\n  {q.question_zh}\n  {q.question_en}\n  params: {params}\n")
    return 0


def run_named_args(args, name: str) -> int:
    """Run the named query `name` with the options of `add_named_options` and print it."""
    from graph.named_queries import run_page
    from policykg.commands._output import render

    settings = None
    if args.backend == "neo4j":
        from graph.neo4j import settings_from

        settings = settings_from(args.uri, args.user, args.password, args.database)
    page = run_page(name, parse_params(args.param), args.backend, store_of(args), settings, timeout_s=args.timeout)
    sys.stdout.write(render(page.columns, page.rows, args.format))
    if page.total is not None:  # on stderr, so that the output stays the rows only
        more = page.rows and page.offset + len(page.rows) < page.total
        sys.stderr.write(page.summary() + (f" (next page: --param offset={page.offset + len(page.rows)})" if more else "")
                         + "\n")
    return 0
