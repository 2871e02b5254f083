"""`policykg build`: ingest a corpus folder into the store and print the report."""
from __future__ import annotations

import sys
from pathlib import Path

from policykg import config
from policykg.commands._common import add_store, store_of


def register(sub) -> None:
    p = sub.add_parser("build", help="ingest every document of a folder into the store, validate, report")
    p.add_argument("--corpus", type=Path, default=None, help="folder of documents (default: corpus/)")
    p.add_argument("--keep-going", action="store_true",
                   help="build every document that can be built, list each refused file with its reason "
                        "and exit 1 (default: any refused file stops the build and the store is left as it was)")
    add_store(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    store = store_of(args)
    if isinstance(store, str):  # a SPARQL 1.1 endpoint
        from graph.remote import build as build_remote

        report = build_remote(args.corpus or config.default_corpus(), store, config.project_root(), progress=True,
                              keep_going=args.keep_going)
    else:
        from policykg.build import build

        report = build(args.corpus or config.default_corpus(), store, config.project_root(), progress=True,
                       keep_going=args.keep_going)
    print("\n".join(report.lines()))
    if report.refused:
        print(f"policykg: error: {len(report.refused)} file(s) refused, the others were built (see above)",
              file=sys.stderr)
        return 1
    return 0
