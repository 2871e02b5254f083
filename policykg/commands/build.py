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
    from policykg.build import build

    report = build(args.corpus or config.default_corpus(), store_of(args), config.project_root(),
                   progress=True)
    print("\n".join(report.lines()))
    return 0
