"""The benchmark: build time, peak memory and store size at growing corpus sizes, and the latency
of every named query on the embedded store, on an rdflib in-memory graph and on Neo4j.

For each size N, N synthetic documents (bench.generate) are written to a temporary folder and
`policykg build` runs on them as a subprocess, so the time includes interpreter start-up and the
memory is that process's peak RSS. The real corpus is built the same way for the start-up
target. The results go to docs/benchmark.json and docs/benchmark.md, with the machine's
description so that runs on different machines compare as ratios.
"""
from __future__ import annotations

import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.report import QUERY_LIMIT_S, TARGETS, VIEW_RUNS, estimate, markdown, targets
from policykg import config
from policykg.errors import PolicyKGError

QUERY_BUDGET_S = 5.0  # time spent on one query on one engine, at most (but at least MIN_RUNS)
MIN_RUNS, MAX_RUNS = 3, 30
# The parameters each named query is timed with (a category with many clauses, a date every city's
# policy covers); similar-incentives takes the first incentive of the store with a category and an
# instrument, since synthetic corpora have their own clause ids.
BENCH_PARAMS = {"compare-category": {"category": "independent-site"}, "top-caps": {"category": "exhibition"},
                "in-force-on": {"date": "2024-06-01"}}


# --- the machine ----------------------------------------------------------------------------------

def machine() -> dict:
    """CPU model, cores, memory, OS and Python: what a reader needs to compare two runs."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_gb, "os": platform.platform(),
            "python": platform.python_version(),
            "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None}


# --- timing helpers -------------------------------------------------------------------------------

def run_process(argv: list[str], show_progress: bool) -> dict:
    """Run a command; wall time in s, this child's peak RSS in MB, its stdout. Raises on failure."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=None if show_progress else err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        tail = (stderr.strip() or stdout.strip()).splitlines()[-1:] or ["no output"]
        raise PolicyKGError(f"`{' '.join(argv)}` failed (exit {proc.returncode}): {tail[0]}")
    return {"seconds": round(wall, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "stdout": stdout}


def latency(fn: Callable[[], object], budget_s: float = QUERY_BUDGET_S) -> dict:
    """p50/p95 in ms of repeated calls, within a time budget (at least MIN_RUNS calls)."""
    times: list[float] = []
    started = time.perf_counter()
    result = None
    while len(times) < MAX_RUNS:
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
        if len(times) >= MIN_RUNS and time.perf_counter() - started > budget_s:
            break
        if len(times) == 1 and times[0] > budget_s * 1000:
            break  # one run alone is over budget: one figure is all we can afford
    times.sort()
    out = {"p50_ms": round(statistics.median(times), 2),
           "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 2),
           "runs": len(times)}
    if isinstance(result, int) and not isinstance(result, bool):
        out["rows"] = result  # what one run returned: the size of the answer the time is for
    return out


def dir_size_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024, 2)


def policykg_argv() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policykg.cli"]


# --- named queries ----------------------------------------------------------------------------------

def bench_params(store: Path) -> dict[str, dict[str, str]]:
    """The --param values each named query is timed with on this store (see BENCH_PARAMS).

    similar-incentives takes the first incentive (by id) that has an instrument and a category,
    read from the store's clause models: a SPARQL ORDER BY over every incentive of 5,000
    documents would itself take longer than the query limit.
    """
    from policykg.build import DOCUMENTS

    params = {name: dict(values) for name, values in BENCH_PARAMS.items()}
    ids = sorted(c["id"] for d in json.loads((store / DOCUMENTS).read_text("utf-8")) for c in d["clauses"]
                 if c["kind"] == "incentive" and c["instrument"] and c["categories"])
    if ids:
        params["similar-incentives"] = {"clause": ids[0]}
    return params


def named_queries(store: Path) -> dict[str, tuple[str, str, dict]]:
    """Every named query with its parameters bound: name -> (SPARQL text, Cypher text, Cypher parameters)."""
    from graph import named_queries as nq

    params = bench_params(store)
    out = {}
    for q in nq.load_all(config.queries_dir()):
        try:  # a paged query's defaults: its first page of 100 rows
            bound = nq.bind_params(q, params.get(q.name, {}))
        except PolicyKGError:
            continue  # a required parameter the bench has no value for: the query is not timed
        out[q.name] = (nq.sparql_with_values(q.sparql, bound), q.cypher, {n: b.cypher for n, b in bound.items()})
    return out


def sparql_queries(store: Path) -> dict[str, str]:
    """The named SPARQL queries with their bench parameters bound, by name."""
    return {name: sparql for name, (sparql, _, _) in named_queries(store).items()}


class OverLimit(Exception):
    """One run of a query took longer than QUERY_LIMIT_S."""


def within_limit(fn: Callable[[], object], limit_s: float = QUERY_LIMIT_S) -> Callable[[], object]:
    """`fn` run in a worker thread and given up after `limit_s` (the thread is left to finish alone)."""
    import threading

    def run() -> object:
        outcome: dict = {}

        def work() -> None:
            try:
                outcome["value"] = fn()
            except BaseException as exc:  # handed to the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="policykg-bench-query", daemon=True)
        worker.start()
        worker.join(limit_s)
        if worker.is_alive():
            raise OverLimit(f"over {limit_s:g} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    return run


def _measure(fn: Callable[[], object]) -> dict:
    try:
        return latency(within_limit(fn))
    except OverLimit as exc:
        return {"over_s": QUERY_LIMIT_S, "error": str(exc)}
    except Exception as exc:  # a broken query is a finding of the benchmark, not its end
        return {"error": " ".join(str(exc).split())[:200]}


def time_embedded(store: Path, queries: dict[str, str]) -> dict:
    from graph.store import query

    def runner(text: str) -> Callable[[], object]:
        return lambda: len(query(store, text)[1])

    return {name: _measure(runner(q)) for name, q in queries.items()}


def time_rdflib(store: Path, queries: dict[str, str], n_docs: int) -> tuple[float | None, dict]:
    """Load the store into an in-memory rdflib Graph (seconds), then time the same queries.

    All of it happens in a forked child, so that this process never holds the graph: at 5,000
    documents it is tens of millions of Python objects, and a garbage collection over them would
    stop whatever is timed next.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return _time_rdflib_here(store, queries, n_docs)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_send_result, args=(send, _time_rdflib_here, store, queries, n_docs))
    child.start()
    send.close()
    try:
        return receive.recv()
    except EOFError:
        child.join()
        reason = {"error": f"the rdflib process ended (exit code {child.exitcode})"}
        return None, {name: reason for name in queries}
    finally:
        child.join()


def _send_result(conn, fn, *args) -> None:
    conn.send(fn(*args))
    conn.close()


def _time_rdflib_here(store: Path, queries: dict[str, str], n_docs: int) -> tuple[float | None, dict]:
    """time_rdflib in this process. rdflib's engine needs seconds to minutes per query at 500 and
    5,000 documents, and a Python thread cannot be stopped: each run is made in a forked child
    (which shares the loaded graph copy-on-write) and killed at QUERY_LIMIT_S, so that a runaway
    query does not slow the next."""
    from graph.store import load_graph

    t0 = time.perf_counter()
    graph = load_graph(store)
    load_s = time.perf_counter() - t0

    def runner(text: str, g) -> Callable[[], object]:
        return lambda: len(list(g.query(text)))

    timings = {name: _measure_forked(runner(q, graph)) for name, q in queries.items()}
    del graph
    return round(load_s, 3), timings


def _measure_forked(fn: Callable[[], object]) -> dict:
    """Like _measure, but every run happens in a forked child that is killed after QUERY_LIMIT_S."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return _measure(fn)
    ctx = multiprocessing.get_context("fork")
    seconds: list[float] = []

    def one_run() -> object:
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_timed_child, args=(fn, send), daemon=True)
        child.start()
        send.close()
        try:
            if not receive.poll(QUERY_LIMIT_S):
                raise OverLimit(f"over {QUERY_LIMIT_S:g} s")
            outcome = receive.recv()
        except EOFError:
            outcome = ("error", f"the query process died (exit {child.exitcode})")
        finally:
            receive.close()
            if child.is_alive():
                child.kill()
            child.join()
        if outcome[0] == "error":
            raise RuntimeError(outcome[1])
        seconds.append(outcome[1])
        return outcome[2]

    try:
        timing = latency(one_run)
    except OverLimit as exc:
        return {"over_s": QUERY_LIMIT_S, "error": str(exc)}
    except Exception as exc:  # a broken query is a finding of the benchmark, not its end
        return {"error": " ".join(str(exc).split())[:200]}
    # the child's own clock: the run without the fork around it
    times = sorted(t * 1000 for t in seconds)
    timing["p50_ms"] = round(statistics.median(times), 2)
    timing["p95_ms"] = round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 2)
    return timing


def _timed_child(fn: Callable[[], object], send) -> None:
    """In a forked child: run fn once and send ("ok", seconds, result) or ("error", text)."""
    try:
        t0 = time.perf_counter()
        result = fn()
        send.send(("ok", time.perf_counter() - t0, result))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        send.send(("error", " ".join(str(exc).split())[:200]))
    finally:
        send.close()


# --- Neo4j ------------------------------------------------------------------------------------------

def neo4j_status() -> str | None:
    """None when Neo4j can be measured, else why not (the report prints it)."""
    try:
        mod = importlib.import_module("graph.neo4j")
    except ImportError:
        return "not measured: graph/neo4j.py is not in this checkout"
    if not callable(getattr(mod, "load", None)):
        return "not measured: graph.neo4j has no load(store, settings)"
    conf = config.neo4j_settings()
    try:
        import neo4j

        with neo4j.GraphDatabase.driver(conf["uri"], auth=(conf["user"], conf["password"])) as driver:
            driver.verify_connectivity()
    except Exception:
        return "not measured: Neo4j not running (make neo4j-start)"
    return None


def time_neo4j(store: Path, n_docs: int, show_progress: bool) -> dict:
    """Load a built store into Neo4j (seconds, documents/s), then time the .cypher queries."""
    from tqdm import tqdm

    from graph.neo4j import load, run_read

    conf = config.neo4j_settings()
    t0 = time.perf_counter()
    with tqdm(desc=f"neo4j load {n_docs}", unit="row", disable=not show_progress, leave=False) as bar:
        load(store, conf, progress=bar.update)
    load_s = time.perf_counter() - t0
    def runner(cypher: str, params: dict) -> Callable[[], object]:
        return lambda: run_read(conf, cypher, params, timeout_s=QUERY_LIMIT_S)

    timings = {name: _measure(runner(q, p)) for name, (_, q, p) in named_queries(store).items()}
    return {"load_s": round(load_s, 2), "docs_per_s": round(n_docs / load_s, 1) if load_s else None,
            "queries": timings}


# --- one size ---------------------------------------------------------------------------------------

def measure_size(n: int, work: Path, corpus: Path, seed: int, show_progress: bool) -> dict:
    from bench.generate import generate

    folder = work / f"corpus-{n}"
    store = work / f"store-{n}"
    t0 = time.perf_counter()
    generate(n, folder, corpus, seed=seed, progress=show_progress)
    gen_s = time.perf_counter() - t0
    result = _build_and_query(folder, store, n, show_progress)
    result["generate_s"] = round(gen_s, 2)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)
    return result


def _build_and_query(folder: Path, store: Path, n: int, show_progress: bool) -> dict:
    build = run_process(policykg_argv() + ["build", "--corpus", str(folder), "--store", str(store)],
                        show_progress)
    triples = next((int(line.split(":")[1]) for line in build["stdout"].splitlines()
                    if line.startswith("triples:")), None)
    result = {"documents": n, "build_s": build["seconds"], "peak_rss_mb": build["peak_rss_mb"],
              "store_mb": dir_size_mb(store), "triples": triples}
    queries = sparql_queries(store)
    result["params"] = bench_params(store)
    result["embedded"] = time_embedded(store, queries)
    result["rdflib_load_s"], result["rdflib"] = time_rdflib(store, queries, n)
    why = neo4j_status()
    try:
        result["neo4j"] = {"status": why} if why else time_neo4j(store, n, show_progress)
    except PolicyKGError as exc:
        result["neo4j"] = {"status": f"not measured: {exc}"}
    result["compare_view"] = time_compare_view(store) if n >= 500 else {"status": "not measured below 500 documents"}
    return result


def time_compare_view(store: Path) -> dict:
    """The compare view rendered server-side (bench/app_render.py: Streamlit's AppTest, warm caches,
    a fresh session per run), in a child process: {"p50_ms", "p90_ms"} or {"status": why not}."""
    script = Path(__file__).resolve().parent / "app_render.py"
    done = subprocess.run([sys.executable, str(script), "--view", "compare", "--runs", str(VIEW_RUNS),
                           "--store", str(store), "--budget-ms", str(TARGETS["compare_view_ms"])],
                          capture_output=True, text=True, timeout=1800)
    try:
        figures = json.loads(done.stdout.strip().splitlines()[-1])["script_ms"]
    except (IndexError, ValueError, KeyError):
        return {"status": "not measured: " + " ".join((done.stderr or done.stdout).split())[-200:]}
    return {"p50_ms": figures["median"], "p90_ms": figures["p90"]}


def measure_corpus(corpus: Path, work: Path) -> dict:
    """The real corpus built by a fresh process: the start-up target."""
    store = work / "store-corpus"
    build = run_process(policykg_argv() + ["build", "--corpus", str(corpus), "--store", str(store)], False)
    shutil.rmtree(store, ignore_errors=True)
    return {"build_s": build["seconds"], "peak_rss_mb": build["peak_rss_mb"]}


# --- targets and report -----------------------------------------------------------------------------

def bench(sizes: list[int], out: Path, seed: int = 0, corpus: Path | None = None,
          estimate_to: Sequence[int] = (), progress: bool = True) -> dict:
    """Measure every size, write out/benchmark.json and out/benchmark.md; returns the report."""
    corpus = corpus or config.default_corpus()
    show = progress and sys.stderr.isatty()
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp:
        work = Path(tmp)
        corpus_result = measure_corpus(corpus, work)
        results = []
        iterator: Iterable[int] = sorted(sizes)
        if progress:
            from tqdm import tqdm

            iterator = tqdm(iterator, desc="bench sizes", unit="size", disable=not show)
        for n in iterator:
            results.append(measure_size(n, work, corpus, seed, show))
    report = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "sizes": sorted(sizes),
              "seed": seed, "machine": machine(), "corpus": corpus_result, "results": results}
    report["estimates"] = [{"documents": n, **{k: v for k, v in (estimate(results, n) or {}).items() if k != "from"}}
                           for n in estimate_to if n not in sizes and estimate(results, n)]
    report["targets"] = targets(corpus_result, results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmark.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    (out / "benchmark.md").write_text(markdown(report), "utf-8")
    return report
