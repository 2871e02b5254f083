"""The same graph in Neo4j 5: a built store's RDF as a property graph, loaded and queried over Bolt.

One module per concept, in the order the data flows:
- `mapping`: RDF triples to property-graph rows (nodes by IRI, relationships) with the ontology's
  allow-lists (graph.pg_model);
- `store_reader`: a built store or a SPARQL endpoint read into those rows;
- `rows`: the rows written beside the store by the build, so that a load needs no mapping;
- `writer`: the rows written into Neo4j (schema, batched Cypher, stale removal, the load record);
- `session`: connection settings, the one shared driver per process, read-only Cypher, and every
  driver failure as one PolicyKGError line.

The names below are the package's interface for the rest of policykg. They are imported on first
use (PEP 562), so that importing one module of the package (the build writes its rows with
`graph.neo4j.rows`) does not import the Neo4j driver, which takes a third of a second or more.
"""
from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    "PropertyGraph": "mapping", "to_property_graph": "mapping",
    "LOAD_LABEL": "session", "connect": "session", "run_read": "session", "settings_from": "session",
    "translate": "session",
    "map_remote": "store_reader", "map_store": "store_reader", "store_triples": "store_reader",
    "LoadReport": "writer", "load": "writer", "load_property_graph": "writer", "schema_statements": "writer",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'graph.neo4j' has no attribute {name!r}")
    return getattr(importlib.import_module(f"graph.neo4j.{_HOME[name]}"), name)
