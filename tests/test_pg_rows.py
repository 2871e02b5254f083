"""The property-graph rows the build writes beside the store (graph/neo4j/rows.py) are the store's graph
as `policykg neo4j load` would map it, whether the build had the triples in memory (one batch) or
mapped the new database in a child process (many batches)."""
from __future__ import annotations

from pathlib import Path

import policykg.build as build_module
from graph.neo4j import map_store
from graph.neo4j.rows import read_rows

ROOT = Path(__file__).resolve().parent.parent


def test_rows_are_the_mapped_store_for_one_batch_and_for_many(built_store, tmp_path, monkeypatch):
    one, one_id = read_rows(built_store)
    mapped = map_store(built_store)
    assert one.nodes == mapped.nodes and sorted(one.relationships) == sorted(mapped.relationships)
    assert one_id == mapped.load_id() and one.triples == mapped.triples
    monkeypatch.setattr(build_module, "BATCH", 2)  # the 5 documents in 3 batches: the child process maps
    build_module.build(ROOT / "corpus", tmp_path / "store", ROOT)
    many, many_id = read_rows(tmp_path / "store")
    assert many.nodes == one.nodes and sorted(many.relationships) == sorted(one.relationships) and many_id == one_id
    # materialised values arrive as properties: 温州 一、2 is an incentive in force from 2022-08-25
    wz = next(props for labels, props in many.nodes.values() if props.get("identifier") == "wenzhou-2022-60/1.2/c1")
    assert wz["cityName"] == "温州" and wz["validFrom"].isoformat() == "2022-08-25" and wz["sortKey"] >= 0
    assert any("CoverageCell" in labels for labels, _ in many.nodes.values())


def test_a_store_without_rows_is_read_as_none(tmp_path):
    assert read_rows(tmp_path) is None
