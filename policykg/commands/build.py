"""`policykg build`: ingest a corpus folder into the store and print the report."""
from __future__ import annotations

from pathlib import Path

from policykg import config
from policykg.commands._common import add_store, store_of


def register(sub) -> None:
    p = sub.add_parser("build", help="ingest every document of a folder into the store, validate, report")
    p.add_argument("--corpus", type=Path, default=None, help="folder of documents (default: corpus/)")
    add_store(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    store = store_of(args)
    if isinstance(store, str):  # a SPARQL 1.1 endpoint
        from graph.remote import build as build_remote

        report = build_remote(args.corpus or config.default_corpus(), store, config.project_root(), progress=True)
    else:
        from policykg.build import build

        report = build(args.corpus or config.default_corpus(), store, config.project_root(), progress=True)
    print("\n".join(report.lines()))
    return 0
