"""The level of public overseas warehouse a clause pays for is an extracted field: a requirement
of kind `public-warehouse` with `level` city or province (ingest/payout.py, the words in
ontology/lexicon/payout.yaml), in the clause models, the RDF graph (pkg:recognitionLevel), the
`policykg clauses` export and Neo4j; the estimate's warehouse rules read it, not the clause text.

Expected values read by hand from corpus/ (quoted in the rows).
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from analysis.estimate import estimate
from analysis.profile import load_profile
from graph import neo4j as pg_neo4j
from graph.store import query
from ingest.model import Document, from_json, to_json
from tests.conftest import ROOT
from tests.test_neo4j import running_neo4j

# (clause id, levels)
LEVELS = [
    # 杭州 三、（五）"对列入省级公共海外仓建设试点名单的企业，除省级扶持资金外，给予不超过20万元"
    ("hangzhou-2023-9/3.5/c1", ["province"]),
    # 杭州 三、（五）"对列入市级公共海外仓建设试点名单的企业，给予不超过75万元"
    ("hangzhou-2023-9/3.5/c2", ["city"]),
    # 丽水 五"对经认定达到市级公共海外仓建设标准…、运营一年以上的，按建设成本…的50%"
    ("lishui-2021-67/5/c1", ["city"]),
    # 运城 第五条（三）"对新认定的市级跨境电商公共海外仓试点的投资主体，给予30万元奖励"
    ("yuncheng-2024-10/5.3/c2", ["city"]),
    # 运城 第五条（三）"对企业自建或租赁海外仓，面积在500平方米以上（含）…30%": any warehouse, no level
    ("yuncheng-2024-10/5.3/c1", []),
]


def _clauses(docs: list[Document]) -> dict:
    return {c.id: c for d in docs for c in d.clauses}


def _levels(c) -> list[str]:
    return [r.level for r in c.requirements if r.kind == "public-warehouse"]


@pytest.mark.parametrize(("clause_id", "levels"), LEVELS, ids=[x[0] for x in LEVELS])
def test_level_in_the_clause_models(corpus_docs, clause_id, levels):
    c = _clauses(list(corpus_docs.values()))[clause_id]
    assert _levels(c) == levels
    assert all(r.scope == "warehouse" for r in c.requirements if r.kind == "public-warehouse")
    again = _clauses([from_json(to_json(d)) for d in corpus_docs.values()])[clause_id]
    assert _levels(again) == levels


def test_level_in_the_graph_export_and_neo4j(built_store):
    _, rows = query(built_store, """
        PREFIX pkg: <https://w3id.org/policykg/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?id ?level WHERE { ?c pkg:requirement ?r ; dcterms:identifier ?id .
            ?r pkg:requirementKind <https://w3id.org/policykg/requirement/public-warehouse> ; pkg:recognitionLevel ?level .
            FILTER(STRSTARTS(STR(?id), "hangzhou")) }""")
    assert sorted((str(i), str(lv)) for i, lv in rows) == [("hangzhou-2023-9/3.5/c1", "province"),
                                                           ("hangzhou-2023-9/3.5/c2", "city")]
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "clauses", "--format", "jsonl", "--store",
                        str(built_store)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    recs = {x["id"]: x for x in map(json.loads, r.stdout.splitlines())}
    for cid, levels in LEVELS:
        assert [q["level"] for q in recs[cid]["requirements"] if q["kind"] == "public-warehouse"] == levels, cid
    settings = running_neo4j()
    pg_neo4j.load(built_store, settings)
    got = pg_neo4j.run_read(settings, "MATCH (c:Clause)-[:REQUIREMENT]->(r:PayoutRequirement)-[:REQUIREMENT_KIND]->(k:RequirementKind) "
                                      "WHERE c.identifier IN $ids AND k.iri = 'https://w3id.org/policykg/requirement/public-warehouse' "
                                      "RETURN c.identifier, r.recognitionLevel", {"ids": [x[0] for x in LEVELS]})[1]
    assert sorted(got) == sorted((cid, lv) for cid, levels in LEVELS for lv in levels)


def test_the_estimate_reads_the_level_field(corpus_docs):
    """丽水 五 pays 50% of a city public warehouse's building cost (最高不超过50万元), 再增加10万元 for one in
    a Belt and Road country. The example's warehouse 曼谷仓 (build cost 600,000, 800 m², 14 months, Belt
    and Road) made a city public warehouse: 50% × 600,000 = 300,000 < 500,000, + 100,000 = 400,000.
    Set the clause's requirement to province and the same warehouse is not eligible: the rule follows
    the field, not the words 市级公共海外仓."""
    base = load_profile(ROOT / "examples" / "profiles" / "example-enterprise.yaml")
    wh = replace(base.overseas_warehouses[0], public="city")
    profile = replace(base, overseas_warehouses=[wh], cities=["丽水"])
    docs = [from_json(to_json(d)) for d in corpus_docs.values() if d.city == "丽水"]
    cid = "lishui-2021-67/5/c1"
    on = date(2025, 6, 1)
    paid = {i.clause_id: i.amount_cny for i in estimate(docs, profile, on).city("丽水").items}
    assert paid[cid] == Decimal(400000)
    next(r for r in _clauses(docs)[cid].requirements if r.kind == "public-warehouse").level = "province"
    after = estimate(docs, profile, on).city("丽水")
    assert cid not in {i.clause_id for i in after.items}


def test_new_recognition_is_a_field_the_award_reads(corpus_docs):
    """运城 第五条（三）"对新认定的市级跨境电商公共海外仓试点的投资主体，给予30万元奖励。对在"一带一路"国家…的
    公共海外仓试点，奖励额度再增加10万元": a requirement new-recognition of a warehouse. 曼谷仓 as a city
    public warehouse not newly recognised gets nothing; without the requirement in the clause model it
    would get 300,000 + 100,000 (Belt and Road) = 400,000: the award follows the field."""
    docs = [from_json(to_json(d)) for d in corpus_docs.values() if d.city == "运城"]
    cid = "yuncheng-2024-10/5.3/c2"
    c = _clauses(docs)[cid]
    assert [(r.kind, r.scope, r.text) for r in c.requirements if r.kind == "new-recognition"] == \
        [("new-recognition", "warehouse", "新认定的市级跨境电商公共海外仓")]
    base = load_profile(ROOT / "examples" / "profiles" / "example-enterprise.yaml")
    wh = replace(base.overseas_warehouses[0], public="city", newly_recognised=False)
    profile = replace(base, overseas_warehouses=[wh], cities=["运城"])
    on = date(2025, 6, 1)
    assert cid not in {i.clause_id for i in estimate(docs, profile, on).city("运城").items}
    c.requirements = [r for r in c.requirements if r.kind != "new-recognition"]
    paid = {i.clause_id: i.amount_cny for i in estimate(docs, profile, on).city("运城").items}
    assert paid[cid] == Decimal(400000)


def test_the_compare_maxima_table_says_the_level_in_words(corpus_docs):
    """The compare view's table of maxima per city lists the conditions in words in both languages,
    never the requirement's slug (杭州 三、（五）: 省级 and 市级公共海外仓; 运城 第五条（三）: 新认定)."""
    from webapp.views.payout_chart import maxima_html

    docs = list(corpus_docs.values())
    zh = maxima_html(docs, "public-overseas-warehouse", "zh", None)
    en = maxima_html(docs, "public-overseas-warehouse", "en", None)
    assert "省级公共海外仓" in zh and "市级公共海外仓" in zh and "当年新认定" in zh
    assert "a provincial public overseas warehouse" in en and "newly recognised this year" in en
    for slug in ("public-warehouse", "new-recognition", "first-year", "reporting"):
        assert slug not in zh and slug not in en, slug
