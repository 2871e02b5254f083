"""`policykg estimate PROFILE`: per city, what the incentives would pay an enterprise, explained."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from policykg.commands._common import add_store, store_of


def register(sub) -> None:
    p = sub.add_parser("estimate", help="subsidy estimate per city for an enterprise profile (YAML or JSON)")
    p.add_argument("profile", type=Path, metavar="PROFILE", help="profile file; format in docs/estimate.md")
    p.add_argument("--city", action="append", default=[], help="only this city (repeatable), e.g. 温州")
    p.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="the date the estimate holds on (default: the profile's as_of, else today); "
                        "a policy not in force on it pays nothing")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--lang", choices=["en", "zh"], default="en",
                   help="language of the report's words and amounts (default en: 'CNY 2 million (200万元)')")
    add_store(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from analysis.estimate import estimate, estimate_record, estimate_table
    from analysis.profile import load_profile
    from policykg.build import load_documents
    from policykg.errors import PolicyKGError

    profile = load_profile(args.profile)
    if args.as_of:
        try:
            profile.as_of = date.fromisoformat(args.as_of)
        except ValueError:
            raise PolicyKGError(f"--as-of {args.as_of}: expected a date YYYY-MM-DD, e.g. 2025-06-01") from None
    docs = load_documents(store_of(args))
    if args.city:
        known = sorted({d.city_shown for d in docs})
        wanted = [c.removesuffix("市") for c in args.city]
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise PolicyKGError(f"--city {unknown[0]}: no document of this city in the store; cities: "
                                f"{', '.join(known)}")
        profile.cities = wanted
    est = estimate(docs, profile)
    if args.format == "json":
        json.dump(estimate_record(est, args.lang), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(estimate_table(est, args.lang))
    return 0
