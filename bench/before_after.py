"""The named queries' latency on one built store, for the before/after table of docs/benchmark.md.

    python -m bench.before_after STORE OUT.json [--neo4j | --neo4j-only]

times every named query of the checkout it runs from (bench.run.named_queries: the bench's
parameters, a paged query's first page of 100 rows) on the store's Oxigraph database, and with
--neo4j loads the store into the Neo4j of NEO4J_* and times the Cypher versions too. Run from a
checkout of the code before a change and from the code after it, on stores built by each from the
same generated documents (bench/generate.py, seed 0), it gives the two columns of the table; the
figures of the code before issue 15 are kept in bench/before-5000.json. The 1-minute load average
is recorded before and after, since the machine may be shared.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def measure(store: Path, embedded: bool, neo4j: bool) -> dict:
    from bench.run import bench_params, machine, named_queries, time_embedded, time_neo4j

    queries = {name: sparql for name, (sparql, _, _) in named_queries(store).items()}
    n_docs = len(json.loads((store / "documents.json").read_text("utf-8")))
    out = {"store": str(store), "documents": n_docs, "machine": machine(), "load_before": os.getloadavg()[0],
           "params": bench_params(store)}
    if embedded:
        out["embedded"] = time_embedded(store, queries)
    if neo4j:
        out["neo4j"] = time_neo4j(store, n_docs, False)
    out["load_after"] = os.getloadavg()[0]
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        sys.stderr.write("usage: python -m bench.before_after STORE OUT.json [--neo4j | --neo4j-only]\n")
        return 2
    only = "--neo4j-only" in argv[2:]
    result = measure(Path(argv[0]), not only, only or "--neo4j" in argv[2:])
    Path(argv[1]).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
