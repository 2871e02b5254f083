"""Benchmark: how long the app takes to render a view server-side with warm caches.

Runs app.py with Streamlit's AppTest for the deep link of a view. The first runs import
everything and fill st.cache_resource/st.cache_data; after WARMUP of them, each of RUNS new
sessions is timed (a fresh AppTest each, so session state starts empty, as for a new tab).

Two figures per run: `script_ms`, the server-side render (app.py executed top to bottom, every
st.* call building and queueing its protobuf delta), timed around Streamlit's own
exec_func_with_error_handling; and `apptest_ms`, the whole AppTest.run(), which also includes
the test harness's per-run work (AppTest re-scans every installed package for custom components
on each run; a real server does that once at start). `baseline_ms` is apptest_ms of a
one-line script, i.e. that harness overhead. Prints medians and p90s in ms as JSON; exits 1 when
the median script_ms exceeds --budget-ms.

Usage: .venv/bin/python bench/app_render.py [--view compare] [--runs 30] [--store DIR] [--budget-ms 300]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKS = {
    "compare": {"view": "compare", "category": "independent-site"},
    "overview": {"view": "overview"},
    "document": {"view": "document", "doc": "wenzhou-2022-60", "clause": "wenzhou-2022-60/1.2/c1"},
    "timeline": {"view": "timeline"},
    "estimate": {"view": "estimate"},
    "draft": {"view": "draft", "category": "independent-site"},
    "graph": {"view": "graph", "category": "independent-site"},
}
WARMUP = 3


SCRIPT_MS: list[float] = []


def time_the_script() -> None:
    """Wrap the function Streamlit's ScriptRunner executes the page with, recording its duration."""
    from streamlit.runtime.scriptrunner import script_runner

    inner = script_runner.exec_func_with_error_handling

    def timed(func, ctx):
        t0 = time.perf_counter()
        try:
            return inner(func, ctx)
        finally:
            SCRIPT_MS.append((time.perf_counter() - t0) * 1000)

    script_runner.exec_func_with_error_handling = timed


def one_run(script: Path, params: dict) -> tuple[float, float]:
    """(apptest_ms, script_ms) of one fresh session."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=120)
    at.query_params.update(params)
    SCRIPT_MS.clear()
    t0 = time.perf_counter()
    at.run()
    ms = (time.perf_counter() - t0) * 1000
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return ms, sum(SCRIPT_MS)


def summary(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {"median": round(statistics.median(xs), 1), "p90": round(xs[min(len(xs) - 1, int(0.9 * len(xs)))], 1),
            "min": round(xs[0], 1), "max": round(xs[-1], 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--view", choices=sorted(LINKS), default="compare")
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--store", type=Path, default=None, help="a built store (default: build one from corpus/)")
    p.add_argument("--budget-ms", type=float, default=300.0)
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            from policykg.build import build

            store = Path(tmp) / "store"
            build(ROOT / "corpus", store, ROOT)
        os.environ["POLICYKG_STORE"] = str(store)
        os.environ.pop("NEO4J_URI", None)
        import logging

        logging.getLogger("streamlit").setLevel(logging.ERROR)
        time_the_script()
        link = LINKS[args.view]
        cold = one_run(ROOT / "app.py", link)
        for _ in range(WARMUP - 1):
            one_run(ROOT / "app.py", link)
        runs = [one_run(ROOT / "app.py", link) for _ in range(args.runs)]
        trivial = Path(tmp) / "trivial.py"
        trivial.write_text("import streamlit as st\nst.title('x')\n", encoding="utf-8")
        for _ in range(WARMUP):
            one_run(trivial, {})
        baseline = [one_run(trivial, {})[0] for _ in range(args.runs)]
    script = summary([r[1] for r in runs])
    result = {"view": args.view, "runs": args.runs, "cold_script_ms": round(cold[1], 1),
              "script_ms": script, "apptest_ms": summary([r[0] for r in runs]),
              "baseline_ms": summary(baseline), "budget_ms": args.budget_ms}
    print(json.dumps(result))
    return 0 if script["median"] <= args.budget_ms else 1


if __name__ == "__main__":
    sys.exit(main())
