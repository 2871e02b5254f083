"""Extraction time against text length: one line without punctuation (as a PDF-to-text dump or a
scraper can deliver), 10k/20k/40k/80k characters by default.

Times the field rules (ingest.fields.extract on the whole line as one provision), the funding
reader (ingest.funding.read_funding) and the whole ingest of a document whose one numbered item is
that line (ingest.pipeline.ingest_text: normalising, structure, clauses, fields, funding), each
the best of three runs, and prints the time per 10k characters: flat in the size when the work is
linear, doubling with each doubling when quadratic.

    .venv/bin/python -m bench.extract_linear [--sizes 10000,20000,40000,80000]
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from ingest.fields import extract
from ingest.funding import read_funding
from ingest.model import Span
from ingest.normalize import normalize
from ingest.pipeline import ingest_text

# corpus wordings with their punctuation removed: grant verbs, caps, thresholds, rates, bonus,
# stacking and a funding split, all in one run-on line
PIECE = ("对自建独立站且年出口额达200万美元以上的企业按实际投入经费的50%给予补助单个独立站补助最高不超过20万元"
         "入驻企业达30家以上的园区一次性奖励50万元一带一路沿线国家项目再增加10万元与本市其他政策就高不重复享受"
         "所需资金由市级财政和各区财政按5比5比例分担每进口1美元补助0.3元")


HEAD = "绍兴市人民政府办公室\n关于促进跨境电商发展的若干意见\n一、支持企业做大做强\n1."


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
    print(f"{'characters':>10} {'fields s':>9} {'funding s':>9} {'ingest s':>9}   per 10k characters:"
          f" {'fields':>7} {'funding':>7} {'ingest':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        text = line_of(size)
        norm = normalize(text)
        times = [best_of(lambda text=text: extract(text, lambda i, j: Span(i, j))),
                 best_of(lambda norm=norm: read_funding(norm, "bench")),
                 best_of(lambda text=text: ingest_text(HEAD + text + "。\n", "bench.txt", "bench"))]
        per = " ".join(f"{t * 10_000 / size:>7.3f}" for t in times)
        print(f"{size:>10} " + " ".join(f"{t:>9.3f}" for t in times) + f"   {'':>20}{per}")


if __name__ == "__main__":
    main()
