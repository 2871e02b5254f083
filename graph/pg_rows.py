"""The property-graph rows of a store, written by the build beside its Oxigraph database, so that
`policykg neo4j load` neither reads the store back nor maps it (docs/property-graph.md).

`write_rows(store_dir, triples)` maps the store's graph (graph.neo4j: from the triples in memory
when the build has them, else read from the new database) and writes STORE/neo4j-rows.json.gz:
the nodes (IRI, labels, properties), the relationships (type, from IRI, to IRI), the count of
triples and of those not mapped, and the load id (the hash of the whole mapped graph). Dates are
tagged ``{"$date": "2024-06-01"}`` since JSON has none. `read_rows` gives the PropertyGraph back,
or None when the store has no rows (a store built before they existed): the loader then maps it.
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from graph.neo4j import PropertyGraph, map_store, to_property_graph
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


def write_rows(store_dir: Path, triples: Iterable | None = None, model: PGModel | None = None) -> PropertyGraph:
    """Map the store's graph (`triples` if given, else the database in `store_dir`) and write its rows."""
    model = model or derive_model()
    pg = to_property_graph(triples, model) if triples is not None else map_store(store_dir, model)
    data = {"format": FORMAT, "load_id": pg.load_id(), "triples": pg.triples, "skipped": dict(pg.skipped),
            "nodes": [[iri, list(labels), props] for iri, (labels, props) in pg.nodes.items()],
            "relationships": pg.relationships}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_encode)
    with gzip.open(Path(store_dir) / ROWS_FILE, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write(text)
    return pg


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
