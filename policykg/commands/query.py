"""`policykg query`: run a named query of queries/ on either backend, or one read-only SPARQL query
(a file, or - for stdin) against the store."""
from __future__ import annotations

import sys

from policykg.commands._common import TABLE_FORMATS, add_output, add_store, read_query_file, store_of
from policykg.commands.named import add_named_options, run_named_args
from policykg.errors import PolicyKGError

FORMATS = TABLE_FORMATS


def register(sub) -> None:
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
    from policykg.commands._output import render

    if is_named(args.file):
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
