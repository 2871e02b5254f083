"""The development servers that `make services-start` runs answer for real: Neo4j over Bolt, Fuseki over HTTP."""
from __future__ import annotations

import json
import os
import socket
import urllib.parse
import urllib.request
import uuid

import neo4j
import pytest

from policykg.config import neo4j_settings

FUSEKI_HOST = "127.0.0.1"


def fuseki_port() -> int:
    """FUSEKI_PORT, as in mk/fuseki.mk (default 3030)."""
    return int(os.environ.get("FUSEKI_PORT", "3030"))


def require_port(host: str, port: int, what: str, target: str) -> None:
    """Fails the test, saying how to start the server, when nothing listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=3):
            listening = True
    except OSError:
        listening = False
    if not listening:
        pytest.fail(f"{what} is not running on {host}:{port}: run `make {target}`", pytrace=False)


def running_neo4j() -> dict:
    """neo4j_settings(), after checking that its Bolt address accepts connections."""
    conf = neo4j_settings()
    address = urllib.parse.urlsplit(conf["uri"])
    require_port(address.hostname or "127.0.0.1", address.port or 7687, "Neo4j", "neo4j-start")
    return conf


def running_fuseki() -> str:
    """The /policykg dataset's base URL, after checking that Fuseki accepts connections."""
    port = fuseki_port()
    require_port(FUSEKI_HOST, port, "Fuseki", "fuseki-start")
    return f"http://{FUSEKI_HOST}:{port}/policykg"


def test_neo4j_login_with_configured_password_runs_a_query():
    neo4j_conf = running_neo4j()
    auth = (neo4j_conf["user"], neo4j_conf["password"])
    with neo4j.GraphDatabase.driver(neo4j_conf["uri"], auth=auth) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query("RETURN 1 AS one", database_=neo4j_conf["database"])
    assert [record["one"] for record in records] == [1]


def test_neo4j_wrong_password_is_refused():
    neo4j_conf = running_neo4j()
    auth = (neo4j_conf["user"], neo4j_conf["password"] + "-wrong")
    with neo4j.GraphDatabase.driver(neo4j_conf["uri"], auth=auth) as driver:
        with pytest.raises(neo4j.exceptions.AuthError):
            driver.verify_connectivity()


def sparql_update(base: str, update: str) -> int:
    body = urllib.parse.urlencode({"update": update}).encode()
    request = urllib.request.Request(
        f"{base}/update", data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def sparql_select(base: str, query: str) -> list[dict]:
    url = f"{base}/query?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return json.load(response)["results"]["bindings"]


def test_fuseki_update_then_select_returns_the_triple():
    fuseki_url = running_fuseki()
    subject = f"urn:policykg:test:{uuid.uuid4()}"
    triple = f'<{subject}> <http://www.w3.org/2000/01/rdf-schema#label> "跨境电商补贴"@zh'
    select = f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}"
    assert sparql_update(fuseki_url, f"INSERT DATA {{ {triple} }}") in (200, 204)
    try:
        rows = sparql_select(fuseki_url, select)
        assert rows == [{
            "p": {"type": "uri", "value": "http://www.w3.org/2000/01/rdf-schema#label"},
            "o": {"type": "literal", "xml:lang": "zh", "value": "跨境电商补贴"},
        }]
    finally:
        sparql_update(fuseki_url, f"DELETE DATA {{ {triple} }}")
    assert sparql_select(fuseki_url, select) == []
