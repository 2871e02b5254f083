"""Time `policykg neo4j load` on the corpus and on an N-fold copy of it (default 100).

The copy is made on the mapped property graph: every node minted for a document (IRIs under
https://w3id.org/policykg/id/) is repeated N times under id/copy-K/, and the shared ontology
individuals (categories, instruments, per bases, metrics) stay shared, as they would in a real
N-times-larger corpus. The Neo4j of NEO4J_URI/NEO4J_PORT is used and its policykg nodes are
replaced (the last load wins; load the corpus again afterwards). Usage:

    .venv/bin/python bench/neo4j_load.py [--store DIR] [--copies 100] [--batch-size 10000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.namespaces import ID  # noqa: E402
from graph.neo4j import PropertyGraph, load_property_graph, map_store, settings_from  # noqa: E402
from graph.pg_model import derive_model  # noqa: E402


def replicate(pg: PropertyGraph, copies: int) -> PropertyGraph:
    """`copies` copies of every document-minted node and relationship; shared nodes once."""
    prefix = str(ID)

    def iri(value: str, k: int) -> str:
        return f"{prefix}copy-{k}/{value[len(prefix):]}" if value.startswith(prefix) else value

    out = PropertyGraph(triples=pg.triples * copies, skipped=pg.skipped)
    for k in range(copies):
        for node, (labels, props) in pg.nodes.items():
            new = iri(node, k)
            if new not in out.nodes:
                out.nodes[new] = (labels, {**props, "iri": new})
        out.relationships.extend((t, iri(s, k), iri(o, k)) for t, s, o in pg.relationships)
    out.relationships = sorted(set(out.relationships))
    return out


def timed_load(pg: PropertyGraph, settings: dict, model, batch_size: int, what: str) -> None:
    t0 = time.perf_counter()
    report = load_property_graph(pg, settings, model, batch_size)
    seconds = time.perf_counter() - t0
    print(f"{what}: {report.nodes} nodes, {report.relationships} relationships, {report.stale_nodes} stale "
          f"nodes removed: {seconds:.2f} s ({report.nodes / seconds:.0f} nodes/s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--store", type=Path, default=None, help="a built store (default: build corpus/ into a temp dir)")
    p.add_argument("--copies", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=10000)
    args = p.parse_args(argv)

    store = args.store
    if store is None:
        import tempfile

        from policykg.build import build

        store = Path(tempfile.mkdtemp(prefix="policykg-bench-")) / "store"
        build(ROOT / "corpus", store, ROOT)
    settings = settings_from()
    model = derive_model()

    t0 = time.perf_counter()
    pg = map_store(store, model)
    print(f"mapped the corpus ({pg.triples} triples) in {time.perf_counter() - t0:.2f} s")
    timed_load(pg, settings, model, args.batch_size, "corpus, first load")
    timed_load(pg, settings, model, args.batch_size, "corpus, again (no change)")

    t0 = time.perf_counter()
    big = replicate(pg, args.copies)
    print(f"made a {args.copies}x copy in {time.perf_counter() - t0:.2f} s")
    timed_load(big, settings, model, args.batch_size, f"{args.copies}x copy, first load")
    timed_load(big, settings, model, args.batch_size, f"{args.copies}x copy, again (no change)")
    timed_load(pg, settings, model, args.batch_size, "corpus after the copy (removes the copies)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
