"""`policykg draft --category SLUG`: parameter ranges across cities and a draft clause, as Markdown."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis.draft import draft, draft_record, markdown
from policykg.build import load_documents
from policykg.commands._common import add_store, store_of
from policykg.errors import PolicyKGError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("draft", help="draft a clause by analogy with other cities' precedents (Markdown)")
    p.add_argument("--category", required=True, help="category slug, e.g. independent-site")
    p.add_argument("--like", help="reference city whose precedent sets the style, e.g. 杭州")
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter value with its unit: rate=50%%, cap=300000 (or 30万), award, per_unit, "
                        "threshold (500万美元, 1000万元, 1年), bonus, one_time=true|false, city_share=50; "
                        "default: the median of the model precedent's group")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of headings and notes (zh)")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")
    add_store(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    store = store_of(args)
    if isinstance(store, str):
        raise PolicyKGError(f"--store {store}: drafting reads the clause models of a store folder; "
                            "give the folder the endpoint was built from")
    d = draft(load_documents(store), args.category, args.like, args.settings)
    text = (markdown(d, args.lang) if args.format == "markdown"
            else json.dumps(draft_record(d, args.lang), ensure_ascii=False, indent=1) + "\n")
    if args.out:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise PolicyKGError(f"{args.out}: cannot write ({exc.strerror})") from exc
    else:
        sys.stdout.write(text)
    return 0
