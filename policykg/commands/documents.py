"""`policykg documents`: per document its city, number, title, issuer, dates and funding rules."""
from __future__ import annotations

import json

from policykg.commands._common import add_store, store_of


def register(sub) -> None:
    p = sub.add_parser("documents", help="list the documents of the store")
    add_store(p)
    p.add_argument("--format", choices=["json"], default="json")
    p.set_defaults(handler=run)


def run(args) -> int:
    from policykg.build import load_documents
    from policykg.records import document_record

    print(json.dumps([document_record(d) for d in load_documents(store_of(args))], ensure_ascii=False, indent=2))
    return 0
