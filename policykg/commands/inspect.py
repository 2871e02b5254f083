"""`policykg inspect FILE`: what a document would become (structure, place and how it was found,
validity, funding rules, every clause with its fields, numbers not understood, warnings), without
touching the store."""
from __future__ import annotations

import json
from pathlib import Path

from policykg import config
from policykg.commands._common import add_overrides, overrides_of


def register(sub) -> None:
    p = sub.add_parser("inspect", help="show what a document would become, without adding it to the store")
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_overrides(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from ingest.review import as_dict, as_text, review_file
    from policykg.errors import PolicyKGError

    if not args.file.is_file():
        raise PolicyKGError(f"{args.file}: no such file")
    review = review_file(args.file, config.project_root(), overrides_of(args))
    if args.format == "json":
        print(json.dumps(as_dict(review), ensure_ascii=False, indent=1))
    else:
        print("\n".join(as_text(review)))
    return 0
