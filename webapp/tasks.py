"""The app's heavy work as plain functions, each run in a worker process by webapp.worker:
reading an upload, adding it to the store, estimating, and the console's queries.

No Streamlit here: a worker imports only the pipeline. Arguments and results are pickled; the
settings come from the app's process as arguments (a worker's environment is the forkserver's).
"""
from __future__ import annotations

from pathlib import Path


def preview(path: Path, root: Path):
    """The review (ingest.review) of the document the pipeline reads from an uploaded file
    (PolicyKGError when it cannot)."""
    from ingest.review import review_file

    return review_file(path, root)


def add_to_store(store: Path, path: Path, root: Path, replace: bool = False):
    """policykg.build.update with this one file (under the store's write lock); its report."""
    from policykg.build import update

    return update(store, root, add=[path], replace=replace)


def estimate(store: str, profile_json: str) -> dict:
    """analysis.estimate over the store's documents for a profile, as its JSON record."""
    import json

    from analysis.estimate import estimate as run_estimate
    from analysis.estimate import estimate_record
    from analysis.profile import parse_profile
    from policykg.build import load_documents

    return estimate_record(run_estimate(load_documents(Path(store)), parse_profile(json.loads(profile_json))))


def sparql(store: Path, text: str, timeout_s: float, limit: int) -> tuple[list[str], list[tuple], bool]:
    """A read-only SPARQL query on the store: (columns, at most `limit` rows, whether cut)."""
    from graph.guard import readonly_sparql
    from graph.store import query

    columns, rows = query(store, readonly_sparql(text), timeout_s=timeout_s, limit=limit + 1)
    return columns, rows[:limit], len(rows) > limit


def cypher(settings: dict, text: str, params: dict, timeout_s: float,
           limit: int) -> tuple[list[str], list[tuple], bool]:
    """A read-only Cypher query on Neo4j (`settings`: policykg.config.neo4j_settings()), refused
    by its plan before it runs when the plan is not read-only: (columns, rows, whether cut)."""
    from graph.guard import check_cypher_plan, check_cypher_readonly
    from graph.neo4j import run_read

    check_cypher_readonly(text)
    return run_read(settings, text, params, timeout_s=timeout_s, limit=limit, plan_check=check_cypher_plan)


def named_page(name: str, params: dict, backend: str, store: Path, settings: dict | None, timeout_s: float):
    """A page of a named query of queries/ with its parameters bound as values (graph.named_queries.Page)."""
    from graph.named_queries import run_page

    return run_page(name, params, backend="rdf" if backend == "sparql" else "neo4j", store=store,
                    neo4j_settings=settings if backend == "cypher" else None, timeout_s=timeout_s)
