"""`policykg ingest FILE...` adds (or replaces) documents in an existing store; `policykg remove`."""
from __future__ import annotations

from pathlib import Path

from policykg import config
from policykg.commands._common import add_overrides, add_store, overrides_of, store_of


def register(sub) -> None:
    p = sub.add_parser("ingest", help="add documents to the store (the same file or 文号 again replaces it)")
    p.add_argument("files", nargs="+", type=Path)
    add_overrides(p)
    p.add_argument("--replace", action="store_true",
                   help="let a file replace a document of another city with the same id or 文号")
    add_store(p)
    p.set_defaults(handler=run_ingest)
    r = sub.add_parser("remove", help="remove a document from the store (by id or 文号)")
    r.add_argument("documents", nargs="+")
    add_store(r)
    r.set_defaults(handler=run_remove)


def run_ingest(args) -> int:
    from policykg.build import update

    lines = update(store_of(args), config.project_root(), add=args.files, overrides=overrides_of(args),
                   replace=args.replace).lines()
    print("\n".join(lines))
    return 0


def run_remove(args) -> int:
    from policykg.build import update

    print("\n".join(update(store_of(args), config.project_root(), remove=args.documents).lines()))
    return 0
