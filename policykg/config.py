"""Settings from the environment, with the documented defaults (see README)."""
from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path:
    """POLICYKG_HOME, else the checkout this package lives in."""
    return Path(os.environ.get("POLICYKG_HOME", ROOT))


def default_corpus() -> Path:
    return project_root() / "corpus"


def default_store() -> Path:
    return Path(os.environ.get("POLICYKG_STORE", project_root() / "store"))


def endpoint_folder(url: str) -> Path:
    """The local folder of a SPARQL endpoint's store when `--models` does not name one:
    var/endpoints/HOST-PORT-DATASET under the project. `policykg build --store URL` writes the
    clause models, texts and a copy of the graph there; the commands that read clause models
    (estimate, clauses, documents, draft, similar) read them from there for `--store URL`.

    >>> endpoint_folder("http://127.0.0.1:3030/policykg").parts[-3:]
    ('var', 'endpoints', '127.0.0.1-3030-policykg')
    """
    where = url.partition("://")[2].split("?")[0]
    return project_root() / "var" / "endpoints" / (re.sub(r"[^A-Za-z0-9._]+", "-", where).strip("-") or "endpoint")


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
