"""The property-graph rows of a store, written by the build beside its Oxigraph database, so that
`policykg neo4j load` neither reads the store back nor maps it (docs/property-graph.md).

`write_rows(store_dir, triples)` maps the store's graph (graph.neo4j.mapping: from the triples in memory
when the build has them, else read from the new database) and writes STORE/neo4j-rows.json.gz:
the nodes (IRI, labels, properties), the relationships (type, from IRI, to IRI), the count of
triples and of those not mapped, and the load id (the hash of the whole mapped graph). Dates are
tagged ``{"$date": "2024-06-01"}`` since JSON has none. `read_rows` gives the PropertyGraph back,
or None when the store has no rows (a store built before they existed): the loader then maps it.
"""
from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from graph.neo4j.mapping import PropertyGraph, to_property_graph
from graph.neo4j.store_reader import map_store
from graph.pg_model import PGModel, derive_model
from policykg.errors import PolicyKGError

ROWS_FILE = "neo4j-rows.json.gz"
FORMAT = 1


def _encode(value):
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not a property value")


def _decode(obj: dict):
    if len(obj) == 1:
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
        if "$datetime" in obj:
            return datetime.fromisoformat(obj["$datetime"])
    return obj


CHUNK = 10000  # nodes or relationships encoded at once: the file is written without one huge string


def write_rows(store_dir: Path, triples: Iterable | None = None, model: PGModel | None = None) -> None:
    """Map the store's graph and write its rows: from `triples` in this process, or, without them,
    from the database in `store_dir` in a fresh child process, so that the mapped graph of a large
    store never adds to the building process's memory."""
    if triples is not None:
        _write(Path(store_dir), to_property_graph(triples, model or derive_model()))
        return
    done = subprocess.run([sys.executable, "-c", "import sys; from graph.neo4j.rows import map_and_write; "
                           "map_and_write(sys.argv[1])", str(store_dir)], capture_output=True, text=True)
    if done.returncode != 0:
        why = " ".join(done.stderr.split())[-300:]
        raise PolicyKGError(f"{store_dir}: mapping the store for Neo4j failed ({why}): rebuild with `policykg build`")


def map_and_write(store_dir: str) -> None:
    """The child process of `write_rows`: map the store in `store_dir` and write its rows."""
    _write(Path(store_dir), map_store(Path(store_dir), derive_model()))


def _write(store_dir: Path, pg: PropertyGraph) -> None:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_encode).encode
    head = {"format": FORMAT, "load_id": pg.load_id(), "triples": pg.triples, "skipped": dict(pg.skipped)}
    nodes = iter(pg.nodes.items())
    with gzip.open(store_dir / ROWS_FILE, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write(dumps(head)[:-1] + ',"nodes":[')
        first = True
        while rows := [[iri, list(labels), props] for iri, (labels, props) in itertools.islice(nodes, CHUNK)]:
            out.write(("" if first else ",") + dumps(rows)[1:-1])
            first = False
        out.write('],"relationships":[')
        for i in range(0, len(pg.relationships), CHUNK):
            out.write(("," if i else "") + dumps(pg.relationships[i:i + CHUNK])[1:-1])
        out.write("]}")


def read_rows(store_dir: Path) -> tuple[PropertyGraph, str] | None:
    """(the mapped graph, its load id) from STORE/neo4j-rows.json.gz, or None when there is none."""
    path = Path(store_dir) / ROWS_FILE
    if not path.is_file():
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.loads(f.read(), object_hook=_decode)
        if data.get("format") != FORMAT:
            return None
        pg = PropertyGraph(triples=data["triples"])
        pg.skipped.update(data["skipped"])
        pg.nodes = {iri: (tuple(labels), props) for iri, labels, props in data["nodes"]}
        pg.relationships = [tuple(r) for r in data["relationships"]]
        return pg, data["load_id"]
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise PolicyKGError(f"{path}: unreadable property-graph rows ({exc}): rebuild with `policykg build`") from exc
