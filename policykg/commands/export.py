"""`policykg export`: write the whole stored graph as Turtle or JSON-LD (to a file or stdout)."""
from __future__ import annotations

import sys
from pathlib import Path

from policykg.commands._common import add_store, store_of
from policykg.errors import PolicyKGError

FORMATS = ("turtle", "jsonld")


def register(sub) -> None:
    p = sub.add_parser("export", help="export the stored RDF graph as Turtle or JSON-LD")
    add_store(p)
    p.add_argument("--format", choices=FORMATS, default="turtle", help="output format (default: turtle)")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                   help="write to FILE instead of stdout")
    p.set_defaults(handler=run)


def run(args) -> int:
    from policykg.build import local_folder

    data = export_bytes(local_folder(store_of(args)), args.format)  # an endpoint's: its local copy
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        args.output.write_bytes(data)
    except OSError as exc:
        raise PolicyKGError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    return 0


def export_bytes(store: Path, fmt: str) -> bytes:
    """The store's graph serialised: Turtle by Oxigraph, JSON-LD by rdflib with our prefixes as @context."""
    from graph.namespaces import PREFIXES
    from graph.store import dump, load_graph

    if fmt == "turtle":  # instance IRIs (id:) stay whole: their slashes would need escaping
        return dump(store, "turtle", {k: v for k, v in PREFIXES.items() if k not in ("id", "sh")})
    graph = load_graph(store)
    context = {k: v for k, v in PREFIXES.items() if k != "sh"}
    return graph.serialize(format="json-ld", context=context, indent=1).encode("utf-8")
