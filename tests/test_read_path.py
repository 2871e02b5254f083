"""One read path: what the app's compare, overview and timeline views show (webapp/data.py, from the
clause models) is what the named queries answer (compare-category, coverage-matrix, in-force-on,
from the graph), on the corpus and on 500 generated documents (bench/generate.py, seed 0).
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from graph import named_queries as nq
from webapp import data

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("independent-site", "public-overseas-warehouse", "overseas-warehouse", "exhibition", "talent",
              "logistics")
DAYS = (date(2022, 10, 1), date(2024, 6, 1), date(2025, 6, 1))


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory) -> Path:
    from bench.generate import generate
    from policykg.build import build

    work = tmp_path_factory.mktemp("generated")
    generate(500, work / "corpus", ROOT / "corpus", seed=0)
    build(work / "corpus", work / "store", ROOT)
    return work / "store"


@pytest.fixture(params=["corpus", "generated"])
def store(request, built_store) -> Path:
    return built_store if request.param == "corpus" else request.getfixturevalue("generated_store")


def every_row(name: str, params: dict, store: Path) -> list[dict]:
    """Every row of a named query, page by page."""
    rows, offset = [], 0
    while True:
        page = nq.run_page(name, {**params, "limit": "1000", "offset": str(offset)}, "rdf", store)
        rows += [dict(zip(page.columns, r)) for r in page.rows]
        offset += len(page.rows)
        if not page.rows or offset >= (page.total or 0):
            return rows


def test_the_compare_view_shows_what_compare_category_answers(store):
    corpus = data.load_corpus(store)
    for category in CATEGORIES:
        expected = every_row("compare-category", {"category": category}, store)
        shown, offset = [], 0
        while True:
            blocks, total, cities = data.comparison_page(corpus, category, date(2024, 6, 1), offset=offset, limit=40)
            shown += [it for b in blocks for it in b["items"]]
            offset += 40
            if offset >= total:
                break
        assert total == len(expected) and cities == len({r["city"] for r in expected}), category
        # the same clauses, in the same order, with the same city, document, article and dates
        assert [(it["city"], it["number"], it["article"], it["clause"]) for it in shown] == \
            [(r["city"], r["document"], r["article"], r["clause"]) for r in expected], category
        for it, r in zip(shown, expected):
            assert it["instrument"] == r["instrument"] and it["one_time"] == r["one_time"], it["clause"]
            assert {a["value"] for a in it["caps"]} == {Decimal(c.split(" ")[0]) for c in r["caps"]}, it["clause"]
            assert {x["percent"] for x in it["rates"]} == set(r["rates"]), it["clause"]


def test_the_overview_counts_what_coverage_matrix_counts(store):
    corpus = data.load_corpus(store)
    cells = data.matrix(corpus)
    for r in every_row("coverage-matrix", {}, store):
        cell = cells.get(r["category"], {}).get(r["city"])
        assert (cell["n"] if cell else 0) == r["incentives"], (r["city"], r["category"])
        if r["highest_cap"] is not None:  # the view shows the highest cap or award: never less
            assert cell["top"] >= r["highest_cap"], (r["city"], r["category"])


def test_the_timeline_counts_what_in_force_on_answers(store):
    corpus = data.load_corpus(store)
    for day in DAYS:
        rows = every_row("in-force-on", {"date": day.isoformat()}, store)
        expected = sorted((r["city"], r["document"], r["clause"]) for r in rows)
        shown = sorted((d.city, d.number, c.id) for d in corpus.docs if data.status(d.validity, day) == "in-force"
                       for c in d.clauses if c.kind == "incentive")
        assert shown == expected, day


def test_the_maxima_and_the_curve_cover_the_page_of_cards(store):
    """The like-for-like measures under the cards are those of the page's clauses and cities: at 500
    documents the first page of independent-site is 100 of its clauses, and the maxima table lists
    exactly those (the curve's lines are the page's cities)."""
    from analysis.payout_curve import curve
    from webapp.views.payout_chart import maxima_html

    corpus = data.load_corpus(store)
    day = date(2024, 6, 1)
    blocks, total, _ = data.comparison_page(corpus, "independent-site", day)
    clauses = frozenset(it["clause"] for b in blocks for it in b["items"])
    cities = [b["city"] for b in blocks]
    docs = [d for city in cities for d in corpus.docs_of(city)]
    assert len(clauses) == min(total, data.PAGE_SIZE)
    listed = set(re.findall(r'data-clause="([^"]+)"', maxima_html(docs, "independent-site", "en", clauses)))
    assert listed == clauses
    assert [cv.city for cv in curve(docs, "independent-site", day)] == sorted({d.city_shown for d in docs})


# --- in-force-on's pages: the build's validity spans (graph/digest.py) cut every page right -----------

def in_force_in_order(corpus, day: date) -> list[str]:
    """The oracle, from the clause models alone: the incentives in force on `day` (their document in
    force from its first day to its last, both included), in the declared order: city, document
    number, clause id (and the document id, for two documents of one number)."""
    found = [((d.city is not None, d.city or ""), (d.number is not None, d.number or ""), c.id, d.id)
             for d in corpus.docs if d.validity.effective and d.validity.effective <= day
             and (d.validity.expiry is None or d.validity.expiry >= day)
             for c in d.clauses if c.kind == "incentive"]
    return [clause for _, _, clause, _ in sorted(found)]


def page_of(store: Path, params: dict, sparql: str | None = None) -> nq.Page:
    """One page of in-force-on, from the query file or from `sparql` (a variant of it)."""
    if sparql is None:
        return nq.run_page("in-force-on", params, "rdf", store)
    from graph.store import query

    q = nq.load_query("in-force-on")
    columns, rows = query(store, nq.sparql_with_values(sparql, nq.bind_params(q, params)))
    rows, total = nq.normalise_page(q, columns, rows, "rdf")
    return nq.Page(q.column_names, rows, total, int(params.get("limit", 100)), int(params.get("offset", 0)))


# Days before any policy, inside several, on a first and a last day, after all; pages from the first
# row, across a mark (every 100th), not on a mark, of one row, of thousands, at and beyond the end.
PAGE_DAYS = (date(2015, 1, 1), date(2021, 3, 1), date(2022, 10, 1), date(2024, 6, 1), date(2026, 12, 31),
             date(2040, 1, 1))
PAGES = ((0, 100), (0, 1), (37, 5), (99, 2), (100, 100), (150, 250), (0, 3000))


def test_every_page_of_in_force_on_is_the_oracles(generated_store):
    corpus = data.load_corpus(generated_store)
    # the query as written, and with every window read from the sort keys (the branch for windows of
    # 10,000 keys or more, which 500 documents never reach)
    text = nq.load_query("in-force-on").sparql
    scanned = text.replace("FILTER (?size < 10000)", "FILTER (?size < 0)").replace("FILTER (?size >= 10000)",
                                                                                  "FILTER (?size >= 0)")
    assert scanned.count("?size < 0") == scanned.count("?size >= 0") == 2
    for day in PAGE_DAYS:
        expected = in_force_in_order(corpus, day)
        pages = PAGES + ((max(len(expected) - 1, 0), 10), (len(expected), 10), (len(expected) + 7, 1))
        for offset, limit in pages:
            params = {"date": day.isoformat(), "offset": str(offset), "limit": str(limit)}
            for sparql in (None, scanned):
                page = page_of(generated_store, params, sparql)
                assert page.total == len(expected), (params, sparql is None)
                assert [r[5] for r in page.rows] == expected[offset:offset + limit], (params, sparql is None)
