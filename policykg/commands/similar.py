"""`policykg similar CLAUSE_ID`: the most similar clauses of other cities, with score and reasons."""
from __future__ import annotations

import json
import sys

from policykg.commands._common import Terms, add_store, store_of


def register(sub) -> None:
    p = sub.add_parser("similar", help="the most similar clauses of other cities to one clause")
    p.add_argument("clause_id", metavar="CLAUSE_ID", help="e.g. wenzhou-2022-60/1.2/c1 (see `policykg clauses`)")
    p.add_argument("--top", type=int, default=5, help="how many matches (default 5)")
    p.add_argument("--kind", metavar="KIND", choices=Terms("kind"), help="only clauses of this kind: {terms:kind}")
    p.add_argument("--format", choices=["table", "json"], default="table")
    add_store(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from analysis.similar import SimilarityIndex, match_record
    from policykg.build import load_documents
    from policykg.errors import PolicyKGError

    if args.top < 1:
        raise PolicyKGError("--top: must be at least 1")
    index = SimilarityIndex(load_documents(store_of(args)))
    src = index.clause(args.clause_id)
    matches = index.similar(args.clause_id, args.top, args.kind)
    if args.format == "json":
        json.dump({"clause_id": src.id, "text": src.text, "matches": [match_record(m) for m in matches]},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"{src.id}  {src.text}")
    for m in matches:
        print(f"\n{m.score:.3f}  {m.clause_id}  {m.city} {m.document or ''} {m.article}")
        for r in m.reasons:
            print(f"       {r}")
        print(f"       {m.text}")
    return 0
