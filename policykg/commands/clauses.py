"""`policykg clauses`: one record per clause, as JSON Lines or CSV (the public export contract)."""
from __future__ import annotations

import csv
import json
import sys

from policykg.commands._common import Terms, add_store, store_of

CSV_FIELDS = ["id", "city", "document", "article", "kind", "categories", "instrument", "rates_percent",
              "amounts", "thresholds", "one_time", "max_per_enterprise_cny", "ceiling_only", "count_limits",
              "requirements", "funding", "text", "source"]


def register(sub) -> None:
    p = sub.add_parser("clauses", help="export clauses (JSON Lines or CSV)")
    add_store(p)
    p.add_argument("--city", help="only this city (e.g. 温州)")
    p.add_argument("--category", metavar="SLUG", choices=Terms("category"),
                   help="only clauses in this category or a narrower one: {terms:category}")
    p.add_argument("--kind", metavar="KIND", choices=Terms("kind"), help="only this kind: {terms:kind}")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.set_defaults(handler=run)


def records(store, city=None, category=None, kind=None) -> list[dict]:
    from policykg.build import load_documents
    from policykg.records import clause_record

    out = []
    for doc in load_documents(store):
        if city and doc.city_shown != city.removesuffix("市"):
            continue
        for c in doc.clauses:
            rec = clause_record(doc, c)
            if category and category not in rec["categories"]:
                continue
            if kind and rec["kind"] != kind:
                continue
            out.append(rec)
    return out


def run(args) -> int:
    recs = records(store_of(args), args.city, args.category, args.kind)
    if args.format == "jsonl":
        for r in recs:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    else:
        w = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in recs:
            w.writerow({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                        for k, v in r.items()})
    return 0
