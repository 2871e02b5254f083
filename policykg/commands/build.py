"""`policykg build`: ingest a corpus folder into the store and print the report.

The store is a folder, or a SPARQL 1.1 endpoint: then the clause models, texts and a copy of the
graph are written to a local folder (--models DIR, default var/endpoints/HOST-PORT-DATASET) and the
graph replaces the endpoint's default graph; `--store URL` on the other commands reads them there.
"""
from __future__ import annotations

import sys
from pathlib import Path

from policykg import config
from policykg.commands._common import add_store, store_of


def register(sub) -> None:
    p = sub.add_parser("build", help="ingest every document of a folder into the store, validate, report",
                       description="Ingest every document of a folder into the store, validate it with SHACL and "
                                   "report. With --store http://HOST:PORT/DATASET (a SPARQL 1.1 endpoint such as "
                                   "Fuseki) the clause models, texts and a copy of the graph are written to a local "
                                   "folder (--models DIR, default var/endpoints/HOST-PORT-DATASET under the project) "
                                   "and the graph replaces the endpoint's default graph; estimate, clauses, "
                                   "documents, draft and similar with the same --store read the clause models there.")
    p.add_argument("--corpus", type=Path, default=None, help="folder of documents (default: corpus/)")
    p.add_argument("--keep-going", action="store_true",
                   help="build every document that can be built, list each refused file with its reason "
                        "and exit 1 (default: any refused file stops the build and the store is left as it was)")
    add_store(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from policykg.build import build

    report = build(args.corpus or config.default_corpus(), store_of(args), config.project_root(), progress=True,
                   keep_going=args.keep_going)
    print("\n".join(report.lines()))
    if report.refused:
        print(f"policykg: error: {len(report.refused)} file(s) refused, the others were built (see above)",
              file=sys.stderr)
        return 1
    return 0
