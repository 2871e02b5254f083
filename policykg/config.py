"""Settings from the environment, with the documented defaults (see README)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path:
    """POLICYKG_HOME, else the checkout this package lives in."""
    return Path(os.environ.get("POLICYKG_HOME", ROOT))


def default_corpus() -> Path:
    return project_root() / "corpus"


def default_store() -> Path:
    return Path(os.environ.get("POLICYKG_STORE", project_root() / "store"))


def ontology_dir() -> Path:
    return ROOT / "ontology"


def queries_dir() -> Path:
    return ROOT / "queries"


def neo4j_settings() -> dict:
    """Bolt URI, user, password and database; defaults match `make neo4j-start`."""
    port = os.environ.get("NEO4J_PORT", "7687")
    return {
        "uri": os.environ.get("NEO4J_URI", f"bolt://127.0.0.1:{port}"),
        "user": os.environ.get("NEO4J_USER", "neo4j"),
        "password": os.environ.get("NEO4J_PASSWORD", "policykg-dev"),
        "database": os.environ.get("NEO4J_DATABASE", "neo4j"),
    }
