"""The same graph in Neo4j 5: a built store's RDF as a property graph, loaded and queried over Bolt.

One module per concept, in the order the data flows:
- `mapping`: RDF triples to property-graph rows (nodes by IRI, relationships) with the ontology's
  allow-lists (graph.pg_model);
- `store_reader`: a built store or a SPARQL endpoint read into those rows;
- `rows`: the rows written beside the store by the build, so that a load needs no mapping;
- `writer`: the rows written into Neo4j (schema, batched Cypher, stale removal, the load record);
- `session`: connection settings, the one shared driver per process, read-only Cypher, and every
  driver failure as one PolicyKGError line.

The names below are the package's interface for the rest of policykg.
"""
from graph.neo4j.mapping import PropertyGraph, to_property_graph
from graph.neo4j.session import LOAD_LABEL, connect, run_read, settings_from, translate
from graph.neo4j.store_reader import map_remote, map_store, store_triples
from graph.neo4j.writer import LoadReport, load, load_property_graph, schema_statements

__all__ = [
    "LOAD_LABEL", "LoadReport", "PropertyGraph", "connect", "load", "load_property_graph", "map_remote",
    "map_store", "run_read", "schema_statements", "settings_from", "store_triples", "to_property_graph",
    "translate",
]
