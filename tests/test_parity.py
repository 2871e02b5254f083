"""Every named query gives identical rows on both backends: SPARQL on the Oxigraph store and Cypher on
the real Neo4j of `make neo4j-start` loaded from that store, after the normalisation of
graph/named_queries.py (documented in docs/property-graph.md). A query that exists in one
language only, or that has no parity case here, fails.
"""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from graph import named_queries as nq
from graph import neo4j as pg_neo4j
from policykg.errors import PolicyKGError

ROOT = Path(__file__).resolve().parent.parent

# Parameters for each query: together they use every parameter of every query.
CASES = {
    "compare-category": [{"category": "independent-site"}, {"category": "public-overseas-warehouse"},
                         {"category": "overseas-warehouse"}, {"category": "exhibition"}, {"category": "talent"},
                         {"category": "service-provider"}, {"category": "import"}],
    "coverage-matrix": [{}],
    "top-caps": [{"category": "exhibition"}, {"category": "overseas-warehouse", "n": "3"},
                 {"category": "logistics", "n": "100"}],
    "in-force-on": [{"date": "2022-10-01"}, {"date": "2024-06-01"}, {"date": "2025-06-01", "category": "talent"}],
    "cross-references": [{}],
    "funding-rules": [{}, {"city": "杭州"}, {"city": "运城市"}],
    "similar-incentives": [{"clause": "wenzhou-2022-60/1.2/c1"}, {"clause": "hangzhou-2023-9/2.3/c1"},
                           {"clause": "yuncheng-2024-10/3.1/c1"}],
}


@pytest.fixture(scope="module")
def neo4j_loaded(built_store) -> dict:
    """NEO4J_* settings with the corpus store loaded; fails (never skips) without a server."""
    settings = pg_neo4j.settings_from()
    problem = None
    try:
        pg_neo4j.load(built_store, settings)
    except PolicyKGError as exc:
        problem = str(exc)
    if problem:
        pytest.fail(f"Neo4j is not running: run `make neo4j-start` ({problem})", pytrace=False)
    return settings


def test_every_query_is_a_pair_with_parity_cases():
    names = nq.query_names()
    for name in names:
        nq.load_query(name)  # raises when NAME.rq or NAME.cypher is missing or the headers differ
    assert set(CASES) == set(names), "add parity cases for every named query"
    for name, cases in CASES.items():
        used = {k for case in cases for k in case}
        declared = {p.name for p in nq.load_query(name).params}
        assert used == declared, f"{name}: cases should use every parameter ({declared})"


@pytest.mark.parametrize("name, params", [(n, p) for n, cases in CASES.items() for p in cases],
                         ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()) or "-")
def test_same_rows_on_both_backends(built_store, neo4j_loaded, name, params):
    columns_rdf, rdf = nq.run_named(name, params, "rdf", built_store)
    columns_neo4j, neo4j = nq.run_named(name, params, "neo4j", built_store, neo4j_loaded)
    assert columns_rdf == columns_neo4j
    assert rdf, f"{name} {params} returns no rows: a vacuous parity case"
    assert neo4j == rdf


def test_number_of_queries_with_parity(built_store, neo4j_loaded):
    same = []
    for name, cases in CASES.items():
        if all(nq.run_named(name, p, "rdf", built_store) == nq.run_named(name, p, "neo4j", built_store, neo4j_loaded)
               for p in cases):
            same.append(name)
    print(f"\nqueries with parity: {len(same)} of {len(nq.query_names())}")
    assert len(same) == len(nq.query_names()) >= 7


def test_neo4j_answers_match_the_corpus(built_store, neo4j_loaded):
    columns, rows = nq.run_named("compare-category", {"category": "independent-site"}, "neo4j", built_store, neo4j_loaded)
    wz = next(dict(zip(columns, r)) for r in rows if r[0] == "温州")
    # 温州 一、2: 50% of the cost, at most 20万元 per site, for exports of 200万美元 or more
    assert (wz["rates"], wz["caps"], wz["thresholds"]) == ((Decimal(50),), ("200000 CNY per website",),
                                                            ("exports >= 2000000 USD",))
    columns, rows = nq.run_named("funding-rules", {"city": "温州"}, "neo4j", built_store, neo4j_loaded)
    local = [dict(zip(columns, r)) for r in rows if r[3] == "local"]
    assert {a for r in local for a in r["applies_to"]} == {"一、1", "一、2", "一、4", "一、7"}  # 由属地政府承担


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_cli_prints_the_same_on_both_backends(built_store, neo4j_loaded, fmt):
    common = ["compare-category", "--param", "category=public-overseas-warehouse", "--store", str(built_store),
              "--format", fmt]
    rdf = run_cli("named", *common, "--backend", "rdf")
    neo4j = run_cli("named", *common, "--backend", "neo4j")
    assert rdf.returncode == 0 and neo4j.returncode == 0, rdf.stderr + neo4j.stderr
    assert neo4j.stdout == rdf.stdout
    # 杭州 (五): 不超过 20 万元 / 不超过 75 万元; 丽水 五、; 运城 第五条（三）
    for city in ("杭州", "丽水", "运城"):
        assert city in rdf.stdout


def test_policykg_query_name_runs_on_both_backends(built_store, neo4j_loaded):
    common = ["compare-category", "--param", "category=public-overseas-warehouse", "--store", str(built_store)]
    rdf = run_cli("query", *common, "--backend", "rdf")
    neo4j = run_cli("query", *common, "--backend", "neo4j")
    assert rdf.returncode == 0 and neo4j.returncode == 0, rdf.stderr + neo4j.stderr
    assert neo4j.stdout == rdf.stdout and "75" in rdf.stdout
