"""The derived list literals (graph/digest.py) say what the structured nodes say.

compare-category and similar-incentives read pkg:capList, pkg:awardList ... instead of aggregating
each clause's nodes; here every incentive of the corpus is aggregated from its nodes the slow way
(tests/structured-lists.rq) and compared with its literals, list by list. The materialised values and
the similar-incentives rankings are checked the same way, and the rankings on a small example worked
by hand (small_docs).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from graph import named_queries as nq
from graph.digest import city_runs, clause_order, similar_rankings, similar_totals, similar_triples
from graph.iris import clause_iri
from graph.named_queries import normalise_value
from graph.namespaces import ID, RDF, XSD
from graph.namespaces import PKG as PKG_NS
from graph.store import query
from ingest.model import Clause, Document, Span, Validity
from policykg import storedir
from policykg.build import write

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


def test_in_force_on_reads_the_marks_as_the_build_writes_them():
    """queries/in-force-on.rq spells the marks' width and spacing as numbers: they are the build's."""
    from graph import digest
    from graph.named_queries import load_query

    text = load_query("in-force-on").sparql
    assert digest.MARK_EVERY == 100 and text.count("FLOOR($offset / 100)") >= 2
    assert digest.MARK_WIDTH == 8 and "STRLEN(?marks) / 8" in text and "?first * 8 + 1, 8" in text


def test_no_incentive_in_force_gives_no_spans():
    from datetime import date

    from graph.digest import force_spans

    assert force_spans([_doc("c", "C号", None, date(2024, 1, 1), 3)]) == []


# --- the similar-incentives rankings (graph/digest.py, similar_triples) -----------------------------

def small_docs():
    """Five documents, one clause each or more: 丽水 ls/1/c1 (exhibition), ls/1/c2 (exhibition, talent);
    温州 wz/1/c1 (exhibition), wz/1/c2 (talent), wz/1/c3 (exhibition, proportional); 杭州 hz/1/c1 (talent,
    exhibition); un/1/c1 (exhibition) of an unknown city; fo/1/c1 (exhibition) of a city named in Latin
    letters. Every instrument is fixed but wz/1/c3's."""
    def clause(doc_id, n, categories, instrument="fixed"):
        return Clause(id=f"{doc_id}/1/c{n}", doc_id=doc_id, article="一、", article_key="1", kind="incentive",
                      text=f"第{n}项", span=Span(0, 3), categories=categories, instrument=instrument)

    def doc(doc_id, city, number, clauses):
        return Document(id=doc_id, file=f"synthetic/{doc_id}.txt", sha256="0" * 64, city=city, number=number,
                        title=None, issuer=None, validity=Validity(), clauses=clauses)

    return [doc("ls", "丽水", "丽1", [clause("ls", 1, ["exhibition"]), clause("ls", 2, ["exhibition", "talent"])]),
            doc("wz", "温州", "温1", [clause("wz", 1, ["exhibition"]), clause("wz", 2, ["talent"]),
                                     clause("wz", 3, ["exhibition"], "proportional")]),
            doc("hz", "杭州", "杭1", [clause("hz", 1, ["talent", "exhibition"])]),
            doc("un", None, "未1", [clause("un", 1, ["exhibition"])]),
            doc("fo", "Foo", "F1", [clause("fo", 1, ["exhibition"])])]


def test_similar_rankings_worked_by_hand():
    docs = small_docs()
    # sort keys: the unknown city first, then by city name as code points: Foo, 丽 (U+4E3D), 杭 (U+676D), 温 (U+6E29)
    order = clause_order(docs)
    assert [key for key, _ in sorted(order.items(), key=lambda item: item[1])] == [
        ("un", "un/1/c1"), ("fo", "fo/1/c1"), ("ls", "ls/1/c1"), ("ls", "ls/1/c2"), ("hz", "hz/1/c1"),
        ("wz", "wz/1/c1"), ("wz", "wz/1/c2"), ("wz", "wz/1/c3")]
    rankings = similar_rankings(docs)
    clause = {c.id: clause_iri(d.id, c.article_key, c.id) for d in docs for c in d.clauses}
    # the unknown city's incentive has no city name: it is in no ranking
    assert {key: [c for _, _, c in entries] for key, entries in rankings.items()} == {
        ("exhibition", "fixed"): [clause[c] for c in ("fo/1/c1", "ls/1/c1", "ls/1/c2", "hz/1/c1", "wz/1/c1")],
        ("talent", "fixed"): [clause[c] for c in ("ls/1/c2", "hz/1/c1", "wz/1/c2")],
        ("exhibition", "proportional"): [clause["wz/1/c3"]]}
    assert city_runs(rankings["exhibition", "fixed"]) == {"Foo": (0, 1), "丽水": (1, 2), "杭州": (3, 1), "温州": (4, 1)}
    assert city_runs(rankings["talent", "fixed"]) == {"丽水": (0, 1), "杭州": (1, 1), "温州": (2, 1)}
    totals = {c: similar_totals(docs, rankings)[iri] for c, iri in clause.items()}
    assert totals == {
        "ls/1/c1": 3,  # fo, hz, wz/1/c1
        "ls/1/c2": 4,  # fo, hz (exhibition and talent: counted once), wz/1/c1, wz/1/c2
        "hz/1/c1": 5,  # fo, ls/1/c1, ls/1/c2, wz/1/c1, wz/1/c2
        "wz/1/c1": 4,  # fo, ls/1/c1, ls/1/c2, hz
        "wz/1/c2": 2,  # ls/1/c2, hz
        "wz/1/c3": 0,  # the only proportional one
        "un/1/c1": 5,  # an unknown city (未知) is no city of the ranking: all five
        "fo/1/c1": 0}  # a city labelled in English only: the query matches none (its city has no zh label)


def test_similar_triples_spell_the_entries_runs_and_totals():
    triples = set(similar_triples(small_docs()))
    ranking = f"{ID}ranking/similar-incentives/exhibition/fixed"
    assert (URIRef(ranking), PKG_NS.rankingTotal, Literal(5, datatype=XSD.integer)) in triples
    assert (URIRef(ranking + "/2"), PKG_NS.rankedItem, clause_iri("ls", "1", "ls/1/c2")) in triples
    run = URIRef(ranking + "/city/%E4%B8%BD%E6%B0%B4")  # 丽水, percent-encoded as SPARQL's ENCODE_FOR_URI does
    assert {(p, o) for s, p, o in triples if s == run} == {
        (RDF.type, PKG_NS.RankRun), (PKG_NS.cityName, Literal("丽水")),
        (PKG_NS.runStart, Literal(1, datatype=XSD.integer)), (PKG_NS.runLength, Literal(2, datatype=XSD.integer))}
    assert (clause_iri("hz", "1", "hz/1/c1"), PKG_NS.similarTotal, Literal(5, datatype=XSD.integer)) in triples
    # 3 rankings (type, total), 9 entries (type, item), 8 runs (type, city, start, length), 8 totals
    assert len(triples) == 3 * 2 + 9 * 2 + 8 * 4 + 8


def test_similar_totals_and_rankings_say_what_the_structure_gives(built_store):
    # the total the query used to count: incentives of another city with one of the clause's own
    # categories and its instrument
    counted = {r["given"]: r["n"] for r in rows_of(built_store, f"""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?given (COUNT(DISTINCT ?counted) AS ?n) WHERE {{
          ?given a <{PKG}Clause> ; <{PKG}instrument> ?i ; <{PKG}category> ?k ;
                 <{PKG}document>/<{PKG}city>/rdfs:label ?city .
          FILTER (LANG(?city) = "zh")
          ?counted a <{PKG}Incentive> ; <{PKG}category> ?k ; <{PKG}instrument> ?i ; <{PKG}cityName> ?name .
          FILTER (?name != STR(?city)) }} GROUP BY ?given""")}
    stored = {r["c"]: r["n"] for r in rows_of(built_store, f"SELECT ?c ?n WHERE {{ ?c <{PKG}similarTotal> ?n }}")}
    assert {c: n for c, n in stored.items() if n} == counted and len(counted) > 50  # 56 in the corpus
    # every ranking: its entries in sort-key order, the incentives with its category and instrument
    entries = rows_of(built_store, f"""
        SELECT ?ranking ?entry ?key ?city WHERE {{
          ?ranking a <{PKG}Ranking> . FILTER (CONTAINS(STR(?ranking), "/similar-incentives/"))
          ?ranking <{PKG}rankingTotal> ?total .
          ?entry <{PKG}rankedItem> ?c . FILTER (STRSTARTS(STR(?entry), CONCAT(STR(?ranking), "/")))
          ?c <{PKG}sortKey> ?key ; <{PKG}cityName> ?city }}""")
    by_ranking: dict[str, list] = {}
    for r in entries:
        by_ranking.setdefault(r["ranking"], []).append((int(r["entry"].rsplit("/", 1)[1]), r["key"], r["city"]))
    members = rows_of(built_store, f"""
        SELECT ?slug ?instrument (COUNT(?c) AS ?n) WHERE {{
          ?c a <{PKG}Incentive> ; <{PKG}category> ?k ; <{PKG}instrument> ?i ; <{PKG}cityName> ?city .
          BIND (STRAFTER(STR(?k), "/category/") AS ?slug) BIND (STRAFTER(STR(?i), "/instrument/") AS ?instrument)
        }} GROUP BY ?slug ?instrument""")
    assert {f"{ID}ranking/similar-incentives/{m['slug']}/{m['instrument']}": m["n"] for m in members} == \
        {ranking: len(places) for ranking, places in by_ranking.items()}
    runs = {(r["ranking"], r["city"]): (r["start"], r["length"]) for r in rows_of(built_store, f"""
        SELECT ?ranking ?city ?start ?length WHERE {{ ?run a <{PKG}RankRun> ; <{PKG}cityName> ?city ;
          <{PKG}runStart> ?start ; <{PKG}runLength> ?length . BIND (STRBEFORE(STR(?run), "/city/") AS ?ranking) }}""")}
    for ranking, places in by_ranking.items():
        places.sort()
        assert [p for p, _, _ in places] == list(range(len(places)))
        assert [k for _, k, _ in places] == sorted(k for _, k, _ in places)
        for city in {c for _, _, c in places}:
            at = [p for p, _, c in places if c == city]
            assert runs[ranking, city] == (at[0], len(at))


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    """A store built from small_docs() by the build's own writer (graph, materialised values, rankings)."""
    store = tmp_path_factory.mktemp("small") / "store"
    with storedir.writing(store):
        write(small_docs(), {}, store, time.perf_counter())
    return store


def test_similar_incentives_pages_on_the_small_store(small_store):
    def page(**params):
        found = nq.run_page("similar-incentives", params, "rdf", small_store)
        return [r[3] for r in found.rows], found.total

    assert page(clause="un/1/c1") == (["fo/1/c1", "ls/1/c1", "ls/1/c2", "hz/1/c1", "wz/1/c1"], 5)  # unknown city: all
    assert page(clause="fo/1/c1") == ([], 0)  # its city has no zh label
    assert page(clause="hz/1/c1", city="Foo") == (["fo/1/c1"], 1)
    assert page(clause="ls/1/c1", limit="1", offset="1") == (["hz/1/c1"], 3)  # its own run (丽水) skipped
    assert page(clause="wz/1/c1", limit="2", offset="1") == (["ls/1/c1", "ls/1/c2"], 4)
    assert page(clause="ls/1/c2", limit="2", offset="1") == (["hz/1/c1", "wz/1/c1"], 4)  # two keys merged
    assert page(clause="hz/1/c1", city="丽水", limit="1", offset="1") == (["ls/1/c2"], 2)  # in both runs: once
    assert page(clause="hz/1/c1", city="杭州") == ([], 0)
    assert page(clause="wz/1/c3") == ([], 0)
