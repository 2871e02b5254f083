"""Graph: clause models in, RDF (and its Neo4j and networkx projections) out."""
