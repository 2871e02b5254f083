"""Extraction time against text length: one line without punctuation (as a PDF-to-text dump or a
scraper can deliver), 10k/20k/40k/80k characters by default.

Times the field rules (ingest.fields.extract on the whole line as one provision) and the funding
reader (ingest.funding.read_funding), each the best of three runs, and prints the time per 10k
characters: flat in the size when the work is linear, doubling with each doubling when quadratic.

    .venv/bin/python -m bench.extract_linear [--sizes 10000,20000,40000,80000]
"""
from __future__ import annotations

import argparse
import time
from typing import Callable

from ingest.fields import extract
from ingest.funding import read_funding
from ingest.model import Span
from ingest.normalize import normalize

# corpus wordings with their punctuation removed: grant verbs, caps, thresholds, rates, bonus,
# stacking and a funding split, all in one run-on line
PIECE = ("对自建独立站且年出口额达200万美元以上的企业按实际投入经费的50%给予补助单个独立站补助最高不超过20万元"
         "入驻企业达30家以上的园区一次性奖励50万元一带一路沿线国家项目再增加10万元与本市其他政策就高不重复享受"
         "所需资金由市级财政和各区财政按5比5比例分担每进口1美元补助0.3元")


def line_of(size: int) -> str:
    """A line of `size` characters without 。，；."""
    return (PIECE * (size // len(PIECE) + 1))[:size]


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,20000,40000,80000")
    args = parser.parse_args(argv)
    print(f"{'characters':>10} {'fields s':>9} {'funding s':>9} {'fields s/10k':>12} {'funding s/10k':>13}")
    for size in (int(s) for s in args.sizes.split(",")):
        text = line_of(size)
        norm = normalize(text)
        fields_s = best_of(lambda: extract(text, lambda i, j: Span(i, j)))
        funding_s = best_of(lambda: read_funding(norm, "bench"))
        per = 10_000 / size
        print(f"{size:>10} {fields_s:>9.3f} {funding_s:>9.3f} {fields_s * per:>12.3f} {funding_s * per:>13.3f}")


if __name__ == "__main__":
    main()
