"""Ingest: policy files in, clause models out (read, normalise, structure, clauses, fields)."""
