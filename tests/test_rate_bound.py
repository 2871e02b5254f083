"""A rate's bound is an extracted field: `Rate.maximum` is true where the clause states the rate as a
ceiling (给予不超过60%, 最高按70%), so rate x base is only the most it pays. It is set by ingest
(ingest/fields.py, words in ontology/lexicon/rate.yaml), kept in the clause models, the RDF graph
(pkg:maximum), the `policykg clauses` export, and read by the estimate instead of the clause text.

Expected values read by hand from corpus/ (quoted in the rows).
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from analysis.estimate import estimate
from analysis.profile import load_profile
from graph import neo4j as pg_neo4j
from graph.store import query
from ingest.model import Document, from_json, to_json
from policykg.build import load_documents
from tests.conftest import ROOT
from tests.test_neo4j import running_neo4j

# (clause id, percent, maximum)
RATES = [
    # 台州 附件4（三）"对企业投保的出口信保保费给予不超过60%的资金扶持": a ceiling
    ("taizhou-2024-26/annex.4.3/c2", 60, True),
    # 杭州 二、（三）"给予不超过注册当年境外商标注册费用70%的一次性资金扶持": a ceiling, 不超过 before the base
    ("hangzhou-2023-9/2.3/c1", 70, True),
    # 杭州 二、（四）"最高按展位费的70%给予资金扶持": a ceiling
    ("hangzhou-2023-9/2.4/c3", 70, True),
    # 丽水 二"给予技术服务费、推广费等支出费用50%补助": granted as stated
    ("lishui-2021-67/2/c3", 50, False),
    # 温州 一、2"按独立站建设及运维实际投入经费的50%给予补助": granted as stated (20万 is a cap on the amount)
    ("wenzhou-2022-60/1.2/c1", 50, False),
]


def _clauses(docs: list[Document]) -> dict:
    return {c.id: c for d in docs for c in d.clauses}


@pytest.mark.parametrize(("clause_id", "percent", "maximum"), RATES, ids=[r[0] for r in RATES])
def test_rate_bound_in_the_clause_models(corpus_docs, clause_id, percent, maximum):
    c = _clauses(list(corpus_docs.values()))[clause_id]
    assert [(r.percent, r.maximum) for r in c.rates] == [(Decimal(percent), maximum)]
    again = _clauses([from_json(to_json(d)) for d in corpus_docs.values()])[clause_id]
    assert [r.maximum for r in again.rates] == [maximum]


def test_rate_bound_in_the_store_graph_and_export(built_store):
    models = _clauses(load_documents(built_store))
    assert {cid: [r.maximum for r in models[cid].rates] for cid, _, _ in RATES} == \
        {cid: [m] for cid, _, m in RATES}
    _, rows = query(built_store, """
        PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT ?t ?p WHERE { ?c pkg:rate ?r ; pkg:text ?t . ?r pkg:maximum true ; pkg:percent ?p .
            FILTER(CONTAINS(STR(?t), "出口信保保费")) }""")
    assert [Decimal(str(r[1])) for r in rows] == [Decimal(60)]
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "clauses", "--format", "jsonl", "--store",
                        str(built_store)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    recs = {x["id"]: x for x in map(json.loads, r.stdout.splitlines())}
    for cid, percent, maximum in RATES:
        assert [(x["percent"], x["maximum"]) for x in recs[cid]["rates"]] == [(percent, maximum)], cid


def test_the_estimate_reads_the_field_not_the_text(corpus_docs):
    """The same clause text, the field set the other way: the estimate follows the field.

    台州 附件4（三）: 60% × premium 150,000 = 90,000; as a ceiling it is up to 90,000 only, as a rate
    granted it is a certain 90,000 (examples/profiles/example-enterprise.yaml, 2025-06-01)."""
    profile, on = load_profile(ROOT / "examples" / "profiles" / "example-enterprise.yaml"), date(2025, 6, 1)
    docs = [from_json(to_json(d)) for d in corpus_docs.values() if d.city == "台州"]
    cid = "taizhou-2024-26/annex.4.3/c2"

    def item():
        return next(i for i in estimate(docs, profile, on).city("台州").items if i.clause_id == cid)

    first = item()
    assert (first.amount_cny, first.up_to_cny, first.bound) == (None, Decimal(90000), "maximum")
    _clauses(docs)[cid].rates[0].maximum = False
    flipped = item()
    assert (flipped.amount_cny, flipped.bound) == (Decimal(90000), "exact")


def test_rate_bound_in_neo4j(built_store):
    """The same field on the property graph's Rate nodes, loaded into a real Neo4j."""
    settings = running_neo4j()
    pg_neo4j.load(built_store, settings)
    rows = pg_neo4j.run_read(settings, "MATCH (c:Clause)-[:RATE]->(r:Rate) WHERE c.identifier IN $ids "
                                       "RETURN c.identifier, r.percent, r.maximum", {"ids": [x[0] for x in RATES]})[1]
    assert sorted(rows) == sorted((cid, str(Decimal(p)), m) for cid, p, m in RATES)
