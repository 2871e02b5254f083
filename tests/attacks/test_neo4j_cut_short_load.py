"""Issue 14 attack 7: Neo4j stopped a few seconds into a first load. Before, the graph kept 864 of
its nodes, 1,704 of 2,296 relationships, no constraints and the same load id as a complete load,
and compare-category silently answered differently on Neo4j. Now the constraints are there before
the first node, named queries on Neo4j say the graph is incomplete, and the next
`policykg neo4j load` says what it found and repairs it.

Runs against the real Neo4j of `make neo4j-start` (NEO4J_PORT): it stops that server with
`make neo4j-stop` in the middle of the load and starts it again with `make neo4j-start`.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph import neo4j as pg_neo4j
from graph.pg_model import RESOURCE_LABEL, derive_model
from policykg.errors import PolicyKGError

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


def make(target: str) -> None:
    done = subprocess.run(["make", "--no-print-directory", target], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def count(driver, settings, cypher: str) -> int:
    return driver.execute_query(cypher, database_=settings["database"]).records[0][0]


def empty_the_database(settings) -> None:
    """No policykg node, no load record, none of the loader's constraints and indexes."""
    with pg_neo4j.connect(settings) as driver:
        driver.execute_query(f"MATCH (n) WHERE n:{RESOURCE_LABEL} OR n:{pg_neo4j.LOAD_LABEL} DETACH DELETE n",
                             database_=settings["database"])
        present = {r["name"]: r["owner"] for r in driver.execute_query(
            "SHOW INDEXES YIELD name, owningConstraint RETURN name, owningConstraint AS owner",
            database_=settings["database"]).records}
        for name in pg_neo4j.schema_statements(derive_model()):
            if name in present:
                kind = "CONSTRAINT" if present[name] else "INDEX"
                driver.execute_query(f"DROP {kind} {name} IF EXISTS", database_=settings["database"])


def test_a_load_cut_short_by_a_stopped_server_is_reported_and_repaired(built_store):
    settings = pg_neo4j.settings_from()
    try:
        empty_the_database(settings)
    except PolicyKGError as exc:
        pytest.fail(f"Neo4j is not running: run `make neo4j-start` ({exc})", pytrace=False)
    expected = cli("query", "compare-category", "--param", "category=independent-site", "--store", str(built_store),
                   "--format", "csv")
    assert expected.returncode == 0, expected.stderr

    # small batches: the corpus loads in a second or two in batches of 10,000, which leaves no time
    # to stop the server in the middle; batches of 20 make the same load last long enough
    load = subprocess.Popen([sys.executable, "-m", "policykg.cli", "neo4j", "load", "--store", str(built_store),
                             "--batch-size", "20"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    started = time.monotonic()
    try:
        with pg_neo4j.connect(settings) as driver:
            # Stop the server once nodes are being written, 2 to 5 s into the load.
            while time.monotonic() - started < 60:
                time.sleep(0.2)
                nodes = count(driver, settings, f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n)")
                if nodes and time.monotonic() - started >= 2:
                    break
            constraints = {r["name"] for r in driver.execute_query(
                "SHOW CONSTRAINTS YIELD name RETURN name", database_=settings["database"]).records}
        assert nodes, "the load wrote no node within 60 s"
        assert time.monotonic() - started < 5 or load.poll() is None
        make("neo4j-stop")
        _, err = load.communicate(timeout=120)
    finally:
        if load.poll() is None:
            load.kill()
            load.wait()
        make("neo4j-start")
    # The unique constraints were there while the first nodes were being written.
    schema = pg_neo4j.schema_statements(derive_model())
    assert {name for name, statement in schema.items() if "CONSTRAINT" in statement} <= constraints
    assert load.returncode != 0
    last = err.strip().splitlines()[-1]  # the lines before it are the progress bar
    assert last.startswith("policykg: error: lost the connection to Neo4j") and "run the load again" in last, err
    assert "Traceback" not in err

    with pg_neo4j.connect(settings) as driver:
        left = count(driver, settings, f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n)")
    assert 0 < left < len(pg_neo4j.map_store(built_store).nodes)
    partial = cli("query", "compare-category", "--param", "category=independent-site", "--backend", "neo4j",
                  "--format", "csv")
    assert partial.returncode != 0 and partial.stdout == ""
    assert partial.stderr.strip() == (
        f"policykg: error: the graph in Neo4j is incomplete: a load was cut short ({left} nodes of load "
        f"{pg_neo4j.map_store(built_store).load_id()}); run `policykg neo4j load` to repair it")

    repair = cli("neo4j", "load", "--store", str(built_store))
    assert repair.returncode == 0, repair.stderr
    assert f"repaired: a load was cut short ({left} nodes of load" in repair.stdout
    answered = cli("query", "compare-category", "--param", "category=independent-site", "--backend", "neo4j",
                   "--format", "csv")
    assert answered.returncode == 0, answered.stderr
    assert answered.stdout == expected.stdout  # the same rows as the RDF store gives
    again = cli("neo4j", "load", "--store", str(built_store))
    assert again.returncode == 0 and "repaired:" not in again.stdout
