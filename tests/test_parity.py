"""Every named query gives identical rows on both backends: SPARQL on the Oxigraph store and Cypher on
the real Neo4j of `make neo4j-start` loaded from that store, after the normalisation of
graph/named_queries.py (documented in docs/property-graph.md). A query that exists in one
language only, or that has no parity case here, fails.
"""
from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from graph import named_queries as nq
from graph import neo4j as pg_neo4j
from policykg import storedir
from policykg.build import write
from policykg.errors import PolicyKGError
from tests.test_digest import small_docs

ROOT = Path(__file__).resolve().parent.parent

# Parameters for each query: together they use every parameter of every query. ALL: one page
# holding every row (the corpus has fewer than 1,000 of each), so that whole answers are compared.
ALL = {"limit": "1000"}
CASES = {
    "compare-category": [{"category": "independent-site"}, {"category": "public-overseas-warehouse", **ALL},
                         {"category": "overseas-warehouse", **ALL}, {"category": "exhibition", **ALL},
                         {"category": "talent", **ALL}, {"category": "service-provider", **ALL},
                         {"category": "import", **ALL}, {"category": "exhibition", "city": "温州", **ALL},
                         {"category": "exhibition", "limit": "2", "offset": "3"}],
    "coverage-matrix": [ALL, {}, {"city": "杭州", **ALL}, {"category": "overseas-warehouse", **ALL},
                        {"limit": "7", "offset": "140"}],
    "top-caps": [{"category": "exhibition"}, {"category": "overseas-warehouse", "limit": "3"},
                 {"category": "logistics", "limit": "100"}, {"category": "exhibition", "city": "运城", **ALL},
                 {"category": "exhibition", "limit": "2", "offset": "2"}],
    "in-force-on": [{"date": "2022-10-01", **ALL}, {"date": "2024-06-01", **ALL},
                    {"date": "2025-06-01", "category": "talent", **ALL}, {"date": "2024-06-01", "city": "杭州", **ALL},
                    {"date": "2024-06-01", "limit": "5", "offset": "20"}],
    "cross-references": [ALL, {"limit": "4", "offset": "4"}],
    "funding-rules": [ALL, {"city": "杭州"}, {"city": "运城市"}, {"limit": "3", "offset": "9"}],
    "similar-incentives": [{"clause": "lishui-2021-67/2/c1"}, {"clause": "hangzhou-2023-9/2.3/c1"}, {"clause": "wenzhou-2022-60/1.2/c1"},
                           {"clause": "yuncheng-2024-10/3.1/c1", "city": "杭州"},
                           {"clause": "wenzhou-2022-60/1.2/c1", "limit": "1", "offset": "1"},
                           # two categories: the first offset + limit of each, merged
                           {"clause": "hangzhou-2023-9/2.4/c3", **ALL}, {"clause": "hangzhou-2023-9/2.4/c3", "limit": "3", "offset": "2"},
                           # three categories, one incentive (运城 第三条（二）) sharing two of them: listed once
                           {"clause": "wenzhou-2022-60/2.9/c1", **ALL}, {"clause": "wenzhou-2022-60/2.9/c1", "city": "运城"},
                           {"clause": "wenzhou-2022-60/2.9/c1", "city": "运城", "limit": "1", "offset": "1"},
                           {"clause": "taizhou-2024-26/annex.1.3/c1", "city": "杭州"},
                           # one category, its own city's run in the middle of the ranking (台州, 温州 x3, 运城 x3)
                           {"clause": "wenzhou-2022-60/1.4/c1", "limit": "2", "offset": "1"},
                           {"clause": "wenzhou-2022-60/1.4/c1", "city": "运城", "limit": "2", "offset": "1"}],
}
# Pages with no rows, and their totals (hand-counted from the cases above): past the end, the clause's own
# city as the filter, a city past the end of its run, and a clause whose category and instrument no
# other city has (丽水 二、 postage, by reference; 温州 一、1 import, per unit).
EMPTY = {
    "similar-incentives": [({"clause": "hangzhou-2023-9/2.4/c3", "offset": "7"}, 7),
                           ({"clause": "wenzhou-2022-60/1.4/c1", "offset": "50", "limit": "3"}, 4),
                           ({"clause": "wenzhou-2022-60/1.2/c1", "city": "温州"}, 0),
                           ({"clause": "wenzhou-2022-60/2.9/c1", "city": "运城", "offset": "3"}, 3),
                           ({"clause": "lishui-2021-67/2/c4"}, 0), ({"clause": "wenzhou-2022-60/1.1/c1"}, 0),
                           ({"clause": "wenzhou-2022-60/1.1/c1", "city": "杭州"}, 0)],
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
    rdf = nq.run_page(name, params, "rdf", built_store)
    neo4j = nq.run_page(name, params, "neo4j", built_store, neo4j_loaded)
    assert rdf.columns == neo4j.columns
    assert rdf.rows, f"{name} {params} returns no rows: a vacuous parity case"
    assert neo4j.rows == rdf.rows  # the same rows in the same order
    assert neo4j.total == rdf.total >= len(rdf.rows)


@pytest.mark.parametrize("name, params, total", [(n, p, t) for n, cases in EMPTY.items() for p, t in cases],
                         ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items())
                         if isinstance(v, dict) else str(v))
def test_empty_pages_and_their_totals_on_both_backends(built_store, neo4j_loaded, name, params, total):
    for backend, settings in (("rdf", None), ("neo4j", neo4j_loaded)):
        page = nq.run_page(name, params, backend, built_store, settings)
        assert (page.rows, page.total) == ([], total), backend


@pytest.mark.parametrize("name, params", [(n, cases[0]) for n, cases in CASES.items()], ids=list(CASES))
def test_pages_put_together_are_the_whole_answer_on_both_backends(built_store, neo4j_loaded, name, params):
    """Paging through a query 2 rows at a time gives every row once, in the order of the whole answer,
    and the same total on every page; past the end, no rows and still the total."""
    whole = {key: value for key, value in params.items() if key not in ("limit", "offset")}
    for backend, settings in (("rdf", None), ("neo4j", neo4j_loaded)):
        everything = nq.run_page(name, {**whole, **ALL}, backend, built_store, settings)
        assert everything.total == len(everything.rows) > 2, f"{name}: too few rows to page"
        pages, offset = [], 0
        while offset < everything.total:
            page = nq.run_page(name, {**whole, "limit": "2", "offset": str(offset)}, backend, built_store, settings)
            assert page.total == everything.total and 1 <= len(page.rows) <= 2
            pages += page.rows
            offset += 2
        assert pages == everything.rows, f"{name} on {backend}: the pages differ from the whole answer"
        past = nq.run_page(name, {**whole, "limit": "3", "offset": str(offset + 5)}, backend, built_store, settings)
        assert (past.rows, past.total) == ([], everything.total)
        nothing = nq.run_page(name, {**whole, "limit": "0"}, backend, built_store, settings)
        assert (nothing.rows, nothing.total) == ([], everything.total)


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


def test_similar_incentives_of_unknown_and_latin_named_cities_on_both_backends(built_store, neo4j_loaded, tmp_path):
    """The small store of tests/test_digest.py (a city unknown, one named in Latin letters, incentives in
    two of a clause's rankings), every clause, city and page alike on both backends; the corpus is
    loaded again afterwards for the tests that follow."""
    store = tmp_path / "store"
    with storedir.writing(store):
        write(small_docs(), {}, store, time.perf_counter())
    try:
        pg_neo4j.load(store, neo4j_loaded)
        with_rows = 0
        for clause in ("ls/1/c1", "ls/1/c2", "hz/1/c1", "wz/1/c1", "wz/1/c2", "wz/1/c3", "un/1/c1", "fo/1/c1"):
            for city in (None, "丽水", "温州", "Foo", "未知"):
                for limit, offset in (("100", "0"), ("2", "1"), ("1", "3")):
                    params = {"clause": clause, "limit": limit, "offset": offset, **({"city": city} if city else {})}
                    rdf = nq.run_page("similar-incentives", params, "rdf", store)
                    neo4j = nq.run_page("similar-incentives", params, "neo4j", store, neo4j_loaded)
                    assert (neo4j.rows, neo4j.total) == (rdf.rows, rdf.total), params
                    with_rows += bool(rdf.rows)
        assert with_rows > 20
    finally:
        pg_neo4j.load(built_store, neo4j_loaded)
