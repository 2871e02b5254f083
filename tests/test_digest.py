"""The derived list literals (graph/digest.py) say what the structured nodes say.

compare-category and similar-incentives read pkg:capList, pkg:awardList ... instead of aggregating
each clause's nodes; here every incentive of the corpus is aggregated from its nodes the slow way
(tests/structured-lists.rq) and compared with its literals, list by list.
"""
from __future__ import annotations

from pathlib import Path

from graph.named_queries import normalise_value
from graph.store import query

HERE = Path(__file__).parent
LISTS = {"rates": ("rateList", "decimal list"), "caps": ("capList", "list"), "awards": ("awardList", "list"),
         "tiers": ("tierList", "list"), "thresholds": ("thresholdList", "list"),
         "bonuses": ("bonusList", "list"), "funding": ("fundingList", "list")}
PKG = "https://w3id.org/policykg/ontology#"


def test_every_incentive_lists_what_its_nodes_say(built_store):
    columns, rows = query(built_store, (HERE / "structured-lists.rq").read_text(encoding="utf-8"))
    structured = {}
    for row in rows:
        values = dict(zip(columns, row))
        structured[values["clause"]] = {name: normalise_value(values[name], kind) for name, (_, kind) in LISTS.items()}
    assert len(structured) > 80  # the corpus has 96 incentives

    select = " ".join(f"?{name}" for name in LISTS)
    optionals = " ".join(f"OPTIONAL {{ ?c <{PKG}{prop}> ?{name} }}" for name, (prop, _) in LISTS.items())
    columns, rows = query(built_store, f"SELECT ?clause {select} WHERE {{ ?c a <{PKG}Incentive> ; "
                                       f"<http://purl.org/dc/terms/identifier> ?clause . {optionals} }}")
    derived = {}
    for row in rows:
        values = dict(zip(columns, row))
        derived[values["clause"]] = {name: normalise_value(values[name], kind) for name, (_, kind) in LISTS.items()}
    assert derived.keys() == structured.keys()
    for clause, lists in structured.items():
        assert derived[clause] == lists, clause
    # the lists are not all empty: the corpus has caps, awards, thresholds and funding rules
    for name in ("rates", "caps", "awards", "thresholds", "funding"):
        assert any(lists[name] for lists in derived.values()), name


def test_a_hand_read_cap_and_threshold(built_store):
    # 温州 一、2 (corpus/wenzhou-2022-60.txt, lines 28-34): 按独立站建设及运维实际投入经费的 50%给予补助，
    # ……单个独立站补助最高不超过 20万元
    columns, rows = query(built_store, f"SELECT ?caps WHERE {{ ?c <{PKG}capList> ?caps ; "
                                       f"<{PKG}category> <https://w3id.org/policykg/category/independent-site> ; "
                                       f"<{PKG}document>/<{PKG}city>/<http://www.w3.org/2000/01/rdf-schema#label> '温州'@zh }}")
    caps = {item for (text,) in rows for item in text.split("|")}
    assert "200000 CNY per website" in caps, caps


# --- the materialised values (graph/digest.py, materialised_triples) ------------------------------

def rows_of(store, text: str) -> list[dict]:
    columns, rows = query(store, text)
    return [dict(zip(columns, r)) for r in rows]


def test_coverage_cells_say_what_the_structure_aggregates(built_store):
    structured = {(r["city"], r["category"]): (r["incentives"], r["highest_cap"])
                  for r in rows_of(built_store, (HERE / "coverage-from-structure.rq").read_text(encoding="utf-8"))}
    cells = {(r["city"], r["slug"]): (r["n"], r["cap"]) for r in rows_of(built_store, f"""
        SELECT ?city ?slug ?n ?cap WHERE {{
          ?cell a <{PKG}CoverageCell> ; <{PKG}cityName> ?city ; <{PKG}cellCategory> ?concept ;
                <{PKG}incentiveCount> ?n .
          OPTIONAL {{ ?cell <{PKG}highestCap> ?cap }}
          BIND (STRAFTER(STR(?concept), "/category/") AS ?slug) }}""")}
    assert len(cells) == len(structured) == 5 * 29  # every city x every concept of categories.ttl
    assert cells == structured
    # 杭州 公共海外仓: 不超过 75 万元 is the highest cap; 温州 has none
    assert cells[("杭州", "public-overseas-warehouse")] == (2, 750000)
    assert cells[("温州", "public-overseas-warehouse")] == (0, None)


def test_each_incentive_carries_its_categories_with_the_broader_ones_its_city_and_dates(built_store):
    by_path = {(r["c"], r["concept"]) for r in rows_of(built_store, f"""
        SELECT DISTINCT ?c ?concept WHERE {{ ?c a <{PKG}Incentive> ; <{PKG}category> ?direct .
          ?direct <http://www.w3.org/2004/02/skos/core#broader>* ?concept }}""")}
    stored = {(r["c"], r["concept"]) for r in rows_of(built_store, f"SELECT ?c ?concept WHERE {{ ?c <{PKG}inCategory> ?concept }}")}
    assert stored == by_path and len(stored) > 100  # 137 in the corpus
    mismatched = rows_of(built_store, f"""
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?c WHERE {{ ?c a <{PKG}Incentive> ; <{PKG}document> ?doc .
          ?doc <{PKG}city>/<http://www.w3.org/2000/01/rdf-schema#label> ?city .
          OPTIONAL {{ ?doc eli:first_date_entry_in_force ?from }} OPTIONAL {{ ?doc eli:date_no_longer_in_force ?to }}
          OPTIONAL {{ ?c <{PKG}cityName> ?name }} OPTIONAL {{ ?c <{PKG}validFrom> ?validFrom }}
          OPTIONAL {{ ?c <{PKG}validTo> ?validTo }}
          FILTER (!BOUND(?name) || ?name != STR(?city) || COALESCE(?from != ?validFrom, BOUND(?from) || BOUND(?validFrom))
                  || COALESCE(?to != ?validTo, BOUND(?to) || BOUND(?validTo))) }}""")
    assert mismatched == []


def test_sort_keys_rank_clauses_by_city_document_and_id(built_store):
    rows = rows_of(built_store, f"""
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?key ?city ?number ?id WHERE {{ ?c <{PKG}sortKey> ?key ; <http://purl.org/dc/terms/identifier> ?id ;
          <{PKG}document> ?doc . ?doc <{PKG}city>/<http://www.w3.org/2000/01/rdf-schema#label> ?city .
          OPTIONAL {{ ?doc eli:id_local ?number }} }}""")
    assert len(rows) == 225  # every clause of the corpus
    by_key = [(r["city"], r["number"], r["id"]) for r in sorted(rows, key=lambda r: r["key"])]
    assert by_key == sorted(by_key) and sorted(r["key"] for r in rows) == list(range(225))


def test_category_ranks_number_each_category_in_sort_key_order(built_store):
    """compare-category's ranking: in every category, the incentives with pkg:inCategory numbered
    SLUG/0, SLUG/1, ... in sort-key order, each once, and the category's total."""
    members = rows_of(built_store, f"""
        SELECT ?slug ?clause ?key WHERE {{ ?c <{PKG}inCategory> ?k ; <{PKG}sortKey> ?key ;
          <http://purl.org/dc/terms/identifier> ?clause . BIND (STRAFTER(STR(?k), "/category/") AS ?slug) }}""")
    ranked = rows_of(built_store, f"""
        SELECT ?rank ?clause WHERE {{ ?c <{PKG}categoryRank> ?rank ; <http://purl.org/dc/terms/identifier> ?clause }}""")
    totals = {r["ranking"].rsplit("/", 1)[1]: r["total"] for r in rows_of(built_store, f"""
        SELECT ?ranking ?total WHERE {{ ?ranking <{PKG}rankingTotal> ?total .
          FILTER (CONTAINS(STR(?ranking), "/ranking/compare-category/")) }}""")}
    expected: dict[str, list[str]] = {}
    for r in sorted(members, key=lambda r: r["key"]):
        expected.setdefault(r["slug"], []).append(r["clause"])
    found: dict[str, dict[int, str]] = {}
    for r in ranked:
        slug, place = r["rank"].rsplit("/", 1)
        assert int(place) not in found.setdefault(slug, {}), r["rank"]  # one incentive per place
        found[slug][int(place)] = r["clause"]
    assert {slug: [places[i] for i in range(len(places))] for slug, places in found.items()} == expected
    assert {slug: n for slug, n in totals.items() if n} == {slug: len(c) for slug, c in expected.items()}
    assert len(expected["independent-site"]) == 5  # one independent-site clause in each of the five documents


def test_cited_documents_carry_every_title_they_are_cited_by(built_store):
    titles = {r["ref"]: normalise_value(r["titles"], "list") for r in rows_of(built_store, """
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?ref (GROUP_CONCAT(DISTINCT STR(?title); separator="|") AS ?titles)
        WHERE { ?x eli:cites ?ref . ?ref eli:title ?title } GROUP BY ?ref""")}
    stored = {r["ref"]: normalise_value(r["list"], "list") for r in rows_of(built_store, f"""
        SELECT ?ref ?list WHERE {{ ?ref <{PKG}titleList> ?list }}""")}
    assert stored == titles and len(stored) >= 5


# --- validity spans (graph/digest.py, force_spans) ---------------------------------------------------

def _doc(name: str, number: str, start, end, incentives: int, measures: int = 0):
    from datetime import date  # noqa: F401

    from ingest.model import Clause, Document, Span, Validity

    clauses = [Clause(id=f"c{k}", doc_id=name, article="一", article_key="1", text="", span=Span(0, 0),
                      kind="incentive" if k < incentives else "measure")
               for k in range(incentives + measures)]
    return Document(id=name, file=f"{name}.txt", sha256="", city="甲", number=number, title=None, issuer=None,
                    validity=Validity(effective=start, expiry=end), clauses=clauses)


def test_validity_spans_count_and_mark_the_incentives_in_force(monkeypatch):
    from datetime import date

    from graph import digest

    monkeypatch.setattr(digest, "MARK_EVERY", 2)
    # sort keys (city, number, clause id): A's c0 c1 c2 = 0 1 2 (c2 a measure: never counted), B's c0 c1 = 3 4,
    # C's c0 = 5 (no date in force: never counted)
    docs = [_doc("a", "A号", date(2024, 1, 1), date(2024, 12, 31), 2, measures=1),
            _doc("b", "B号", date(2024, 6, 1), None, 2),
            _doc("c", "C号", None, None, 1)]
    spans = [(str(day), n, marks) for day, n, marks in digest.force_spans(docs)]
    # from 2024-01-01: A's two (keys 0 1): marks at in-force numbers 0 -> key 0, then the last + 1 = 2
    # from 2024-06-01: A's two and B's two (0 1 3 4): numbers 0 and 2 -> keys 0 and 3, last + 1 = 5
    # from 2025-01-01 (the day after A lapses): B's two (3 4): number 0 -> key 3, last + 1 = 5
    assert spans == [("2024-01-01", 2, [0, 2]), ("2024-06-01", 4, [0, 3, 5]), ("2025-01-01", 2, [3, 5])]


def test_no_incentive_in_force_gives_no_spans():
    from datetime import date

    from graph.digest import force_spans

    assert force_spans([_doc("c", "C号", None, date(2024, 1, 1), 3)]) == []
