"""What the build does to stay within its memory budget (5,000 documents under 2 GB) changes nothing
it writes: documents.json one document at a time, the materialised triples in chunks, N-Triples
bulk-loaded in pieces, the graph batches on the ingest's worker processes, and the rows mapper
sharing each node's IRI string among its relationships."""
from __future__ import annotations

import json
from pathlib import Path

import graph.digest as digest
import graph.store as store_module
import policykg.build as build_module
from graph.neo4j import map_store
from graph.neo4j.rows import read_rows
from graph.store import StoreWriter, open_read_only
from ingest.model import to_json
from policykg.build import load_documents, write_documents

ROOT = Path(__file__).resolve().parent.parent


def triples_of(store: Path) -> list[str]:
    return sorted(str(q.triple) for q in open_read_only(store))


def test_documents_json_is_the_one_shot_dump_written_a_document_at_a_time(corpus_docs, tmp_path):
    docs = list(corpus_docs.values())
    path = tmp_path / "documents.json"
    for some in (docs, docs[:1], []):
        write_documents(path, some)
        assert path.read_text("utf-8") == json.dumps([to_json(d) for d in some], ensure_ascii=False, indent=1)
    assert path.read_text("utf-8") == "[]"
    write_documents(path, docs)
    assert [d.id for d in load_documents(tmp_path)] == [d.id for d in docs]


def test_ntriples_loaded_in_pieces_are_the_triples_loaded_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "NT_PIECE", 10)  # every line a piece of its own
    lines = b"".join(b'<http://e/s%d> <http://e/p> "%d" .\n' % (i, i) for i in range(3))
    writer = StoreWriter(tmp_path / "iris")
    writer.add_ntriples(lines)
    assert len(writer) == 3
    writer.abort()
    # a blank node is named by its label within one load only: data with one is loaded at once,
    # so its two triples keep one subject
    writer = StoreWriter(tmp_path / "blank")
    writer.add_ntriples(b'_:a <http://e/p> "1" .\n_:a <http://e/q> "2" .\n')
    assert len(writer) == 2 and len({q.subject for q in writer.db}) == 1
    writer.abort()


def test_materialise_adds_every_derived_triple_in_chunks_and_gives_them_again(corpus_docs, tmp_path, monkeypatch):
    docs = list(corpus_docs.values())
    expected = list(digest.derived_triples(docs))
    monkeypatch.setattr(digest, "CHUNK", 7)
    writer = StoreWriter(tmp_path / "store")
    derived = digest.materialise(writer, docs)
    assert len(writer) == len(set(expected)) > 7 * 10
    assert list(derived) == expected  # read again: the single-batch build maps them for the rows
    writer.abort()


def test_relationships_hold_the_node_iri_strings_themselves(built_store):
    pg = map_store(built_store)
    nodes = {id(iri) for iri in pg.nodes}
    assert len(pg.relationships) > 1000
    assert all(id(s) in nodes and id(o) in nodes for _, s, o in pg.relationships)


def test_batches_graphed_on_the_ingest_workers_build_the_same_store(built_store, tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)  # the 5 files ingested by the worker pool
    monkeypatch.setattr(build_module, "BATCH", 2)  # and graphed by the same workers in 3 batches
    report = build_module.build(ROOT / "corpus", tmp_path / "store", ROOT)
    assert report.documents == 5 and report.conforms
    assert triples_of(tmp_path / "store") == triples_of(built_store)
    assert read_rows(tmp_path / "store")[1] == read_rows(built_store)[1]  # the load id: the same rows
