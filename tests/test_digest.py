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
