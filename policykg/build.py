"""Build a store from a corpus folder: ingest every file, make the RDF graph, validate it
with SHACL, and write everything to a new generation that replaces the store's content at once.

A store folder holds (each a link into its current generation, see policykg.storedir):
  documents.json  the clause models (ingest.model), the input of analyses and exports
  oxigraph/       the RDF graph in an embedded Oxigraph store (graph.store)
  texts/          the text extracted from PDF, DOCX and HTML inputs (provenance offsets)
Build, ingest and remove hold the store's write lock, so a second writer waits or fails with
"store busy (pid N)" and no document is lost.

One build path for both kinds of target: `build(corpus, store)` with a folder builds that folder;
with a SPARQL endpoint (a URL, or a graph.remote.Endpoint that names its local folder) it builds
the endpoint's local folder the same way, so the clause models are always written beside the
graph, and then replaces the endpoint's default graph with the folder's graph (`push_store`).
"""
from __future__ import annotations

import gc
import itertools
import json
import multiprocessing
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from graph.remote import Endpoint, RemoteStore, is_remote
from graph.store import dump
from ingest.model import Document, from_json, to_json
from policykg import storedir
from policykg.errors import PolicyKGError, ValidationFailed
from policykg.lifetime import end_with_parent

DOCUMENTS = "documents.json"


@dataclass
class BuildReport:
    documents: int = 0
    clauses: int = 0
    incentives: int = 0
    triples: int = 0
    conforms: bool = True
    messages: list[str] = field(default_factory=list)
    uncovered: list[dict] = field(default_factory=list)  # money/percent outside every clause
    unparsed: list[dict] = field(default_factory=list)  # inside a clause, not understood
    warnings: list[str] = field(default_factory=list)  # per document: unstructured, no city, ...
    refused: list[str] = field(default_factory=list)  # --keep-going: "FILE: reason" per refused file
    seconds: float = 0.0
    endpoint: str = ""  # a SPARQL endpoint built: its URL (the clause models are in `folder`)
    folder: str = ""

    def lines(self) -> list[str]:
        out = [f"documents: {self.documents}", f"clauses: {self.clauses}", f"incentives: {self.incentives}",
               f"triples: {self.triples}",
               f"SHACL: {'conforms' if self.conforms else f'{len(self.messages)} violation(s)'}"]
        out += [f"  {m}" for m in self.messages[:20]]
        out.append(f"money amounts and percentages outside every clause: {len(self.uncovered)}")
        out += [f"  {u['file']}:{u['start']}-{u['end']} {u['text']}" for u in self.uncovered]
        out.append(f"money amounts and percentages inside a clause but not parsed: {len(self.unparsed)}")
        out += [f"  {u['clause']} {u['text']}" for u in self.unparsed]
        out.append(f"warnings: {len(self.warnings)}")
        out += [f"  {w}" for w in self.warnings]
        if self.refused:
            out.append(f"refused files: {len(self.refused)}")
            out += [f"  {r}" for r in self.refused]
        if self.endpoint:
            out.append(f"SPARQL endpoint: {self.endpoint} ({self.triples} triples)")
            out.append(f"clause models, texts and a copy of the graph: {self.folder}")
        out.append(f"built in {self.seconds:.2f} s")
        return out


PARALLEL_FROM = 40  # files; below this, starting worker processes costs more than it saves
BATCH = 200  # documents per graph batch: bounds memory on large corpora


def _ingest_many(paths: list[Path], root: Path, ids: list[str], keep_going: bool) -> list[tuple | str]:
    return [_ingest_one(p, root, i, keep_going) for p, i in zip(paths, ids)]


def _ingest_one(path: Path, root: Path, doc_id: str, keep_going: bool, source=None) -> tuple | str:
    """ingest_file's result, or (with keep_going) the reason the file was refused."""
    from ingest.pipeline import ingest_file

    try:
        return ingest_file(path, root, doc_id=doc_id, source=source)
    except PolicyKGError as exc:
        if not keep_going:
            raise
        return str(exc)


def _read_all(files: list[Path], keep_going: bool) -> list:
    """Every file read (and its sidecar checked), or with keep_going the reason it cannot be."""
    from ingest.overrides import read_sidecar
    from ingest.read import read_source

    out: list = []
    for path in files:
        try:
            read_sidecar(path)
            out.append(read_source(path))
        except PolicyKGError as exc:
            if not keep_going:
                raise
            out.append(str(exc))
    return out


def unique_ids(files: list[Path]) -> list[str]:
    """Document ids from file names, made unique: a later file whose name gives a taken id
    ('温州 2022(60).txt' and '温州-2022-60.md') gets a suffix from its own name."""
    import hashlib

    from ingest.files import doc_id_for

    seen: set[str] = set()
    out = []
    for path in files:
        doc_id = doc_id_for(path)
        if doc_id in seen:
            doc_id = f"{doc_id}-{hashlib.sha256(path.name.encode('utf-8')).hexdigest()[:8]}"
        seen.add(doc_id)
        out.append(doc_id)
    return out


def ingest_folder(corpus: Path, root: Path, progress: bool = False, keep_going: bool = False,
                  pool: Executor | None = None) -> tuple[list[Document], dict[str, str], list[str]]:
    """Ingest every supported file; returns the documents, the extracted texts by doc id and (with
    keep_going) one "FILE: reason" line per refused file; without it the first refusal is raised.

    With `pool` (see `workers`), the files are ingested 25 at a time by its worker processes.
    """
    from ingest.files import corpus_files

    files = corpus_files(corpus)
    ids = unique_ids(files)
    bar = None
    if progress and len(files) > 50:
        from tqdm import tqdm

        bar = tqdm(total=len(files), desc="ingest", unit="doc")
    results: list = []
    if pool is not None:
        chunks = [(files[i:i + 25], ids[i:i + 25]) for i in range(0, len(files), 25)]
        for part in pool.map(_ingest_many, [c[0] for c in chunks], [root] * len(chunks),
                             [c[1] for c in chunks], [keep_going] * len(chunks)):
            results += part
            if bar:
                bar.update(len(part))
    else:
        sources = _read_all(files, keep_going)  # an unreadable file is refused before any ingest
        for path, doc_id, src in zip(files, ids, sources):
            results.append(src if isinstance(src, str) else _ingest_one(path, root, doc_id, keep_going, src))
            if bar:
                bar.update(1)
    if bar:
        bar.close()
    docs, extracted, refused = [], {}, []
    for path, result in zip(files, results):
        if isinstance(result, str):
            refused.append(result if str(path) in result else f"{path}: {result}")
            continue
        doc, text, was_extracted = result
        if was_extracted:
            extracted[doc.id] = text
            doc.file = f"texts/{doc.id}.txt"
        docs.append(doc)
    return docs, extracted, refused


def build(corpus: Path, store: Path | str, root: Path, progress: bool = False,
          keep_going: bool = False) -> BuildReport:
    """Ingest a whole folder into a new store: a folder, or a SPARQL endpoint (see the module
    docstring; an endpoint that cannot be reached fails before anything is built, and one that is
    not pushed to keeps its graph). Without `keep_going` any refused file stops the build and
    leaves the store as it was; with it, every other document is built and the report lists the
    refused files (the caller exits non-zero)."""
    if not is_remote(store):
        return _build_folder(corpus, Path(store), root, progress, keep_going)
    endpoint = store if isinstance(store, Endpoint) else Endpoint(str(store))
    RemoteStore(endpoint).count()  # a wrong URL or a stopped server fails here, in one line
    report = _build_folder(corpus, endpoint.folder, root, progress, keep_going)
    t0 = time.perf_counter()
    report.triples = push_store(endpoint.folder, endpoint)
    report.seconds += time.perf_counter() - t0
    report.endpoint, report.folder = str(endpoint), str(endpoint.folder)
    return report


def _build_folder(corpus: Path, store: Path, root: Path, progress: bool, keep_going: bool) -> BuildReport:
    from ingest.files import corpus_files

    t0 = time.perf_counter()
    files = len(corpus_files(corpus))
    validator = Validator() if files <= BATCH else None
    pool = workers() if files >= PARALLEL_FROM else None
    try:
        docs, extracted, refused = ingest_folder(corpus, root, progress, keep_going, pool)
        while True:
            if not docs:
                raise PolicyKGError(f"{corpus}: no document could be built:\n" + "\n".join(refused))
            try:
                with storedir.writing(store):
                    report = write(docs, extracted, store, t0, progress, validator, pool)
                break
            except ValidationFailed as exc:
                bad = _violating(docs, str(exc)) if keep_going else {}
                if not bad:
                    raise
                refused += [f"{d.file}: does not conform to ontology/shapes.ttl: {bad[d.id]}" for d in docs
                            if d.id in bad]
                docs = [d for d in docs if d.id not in bad]
                validator = None  # used up: the next attempt validates afresh
        report.refused = refused
        return report
    finally:
        if validator:
            validator.close()
        if pool:
            pool.shutdown()


def workers() -> ProcessPoolExecutor | None:
    """One worker process per core (None on one core) for both the ingest and the graph batches.
    Its processes start at its first task, the ingest, while this process is small: forked later,
    each would also count every clause model of the corpus in its own memory."""
    return ProcessPoolExecutor(max_workers=os.cpu_count()) if (os.cpu_count() or 1) > 1 else None


def _violating(docs: list[Document], messages: str) -> dict[str, str]:
    """Document id -> its first violation, for the documents whose nodes the SHACL messages name
    (every node's IRI carries its document's id as a path segment)."""
    from graph.rdf import segment

    out = {}
    for doc in docs:
        token = re.compile(rf"/{re.escape(segment(doc.id))}(?:[/\s:)]|$)")
        hit = next((m for m in messages.splitlines() if m.startswith("Violation") and token.search(m)), None)
        if hit:
            out[doc.id] = hit.strip()
    return out


def update(store: Path | str, root: Path, add: Sequence[Path] = (), remove: Sequence[str] = (),
           overrides=None, replace: bool = False) -> BuildReport:
    """Add files to an existing store, or remove documents by id, holding the write lock; for a
    SPARQL endpoint, to its local folder, whose graph then replaces the endpoint's.

    A file replaces the stored document ingested from the same file or with the same 文号 only
    when both are of the same city; a document of another city is replaced only with `replace`
    (else PolicyKGError). `overrides` (ingest.overrides) replace what is read from each file.
    """
    t0 = time.perf_counter()
    _documents_path(store)  # a missing store is reported before anything is locked or made
    folder = local_folder(store)
    if is_remote(store):
        RemoteStore(str(store)).count()
    validator = Validator()
    try:
        with storedir.writing(folder):
            report = _update(folder, root, list(add), list(remove), t0, validator, overrides, replace)
    finally:
        validator.close()
    if is_remote(store):
        report.triples = push_store(folder, str(store))
        report.endpoint, report.folder = str(store), str(folder)
    return report


def replaced_by(doc: Document, docs) -> list[Document]:
    """The stored documents `doc` would replace: those with its id or its 文号."""
    return [d for d in docs if d.id == doc.id or (doc.number and d.number == doc.number)]


def refuse_other_city(doc: Document, old: list[Document], source: str) -> None:
    """PolicyKGError when `doc` would replace a document of another city (see `update`)."""
    other = [d for d in old if d.city != doc.city]
    if other:
        names = ", ".join(f"{d.city} {d.number or d.id} ({d.id})" for d in other)
        raise PolicyKGError(f"{source}: this {doc.city or 'unknown city'} document ({doc.number or doc.id}) would "
                            f"replace {names}: check its 文号, or add --replace to replace it")


def _free_id(doc_id: str, path: Path, file: str, docs: dict[str, Document]) -> str:
    """`doc_id`, unless another file's document has it: then one with a suffix from this file."""
    import hashlib

    old = docs.get(doc_id)
    if old is None or old.file == file or old.file == f"texts/{doc_id}.txt":
        return doc_id
    return f"{doc_id}-{hashlib.sha256(str(path.resolve()).encode('utf-8')).hexdigest()[:8]}"


def _update(store: Path, root: Path, add, remove, t0: float, validator: Validator, overrides=None,
            replace: bool = False) -> BuildReport:
    from ingest.files import doc_id_for
    from ingest.pipeline import file_label, ingest_file

    docs = {d.id: d for d in load_documents(store)}
    extracted = {}
    texts = store / "texts"
    for d in docs.values():
        if d.file.startswith("texts/") and (texts / f"{d.id}.txt").exists():
            extracted[d.id] = (texts / f"{d.id}.txt").read_text("utf-8")
    for doc_id in remove:
        key = doc_id if doc_id in docs else next((d.id for d in docs.values() if d.number == doc_id), None)
        if key is None:
            raise PolicyKGError(f"no document '{doc_id}' in {store}: see `policykg documents`")
        docs.pop(key)
        extracted.pop(key, None)
    for path in add:
        if not path.is_file():
            raise PolicyKGError(f"{path}: no such file")
        doc_id = _free_id(doc_id_for(path), path, file_label(path, root), docs)
        doc, text, was_extracted = ingest_file(path, root, overrides, doc_id=doc_id)
        if was_extracted:
            extracted[doc.id] = text
            doc.file = f"texts/{doc.id}.txt"
        else:
            extracted.pop(doc.id, None)
        old = replaced_by(doc, docs.values())
        if not replace:
            refuse_other_city(doc, old, str(path))
        for d in old:
            docs.pop(d.id)  # the same document (same file or 文号) replaces it
            extracted.pop(d.id, None)
        docs[doc.id] = doc
    return write(list(docs.values()), extracted, store, t0, validator=validator)


def write(docs: list[Document], extracted: dict[str, str], store: Path, t0: float,
          progress: bool = False, validator: Validator | None = None, pool: Executor | None = None) -> BuildReport:
    """Graph and validate batch by batch into a new generation, then publish it; the old one
    stays on any failure (a violation included). Memory holds one batch's graph at a time.
    More than one batch is graphed by the worker processes of `pool`, or of a pool made here.
    Call with the store's write lock held (storedir.writing)."""
    from graph.digest import materialise
    from graph.neo4j.rows import write_rows
    from graph.rdf import citations, documents_to_graph
    from graph.store import StoreWriter

    report = summarise(docs)
    store = Path(os.path.abspath(store))
    try:
        staging = storedir.new_generation(store)
    except OSError as exc:
        raise PolicyKGError(f"cannot write the store at {store}: {exc.strerror or exc}") from exc
    try:
        cited = citations(docs)
        batches = [docs[i:i + BATCH] for i in range(0, len(docs), BATCH)] or [[]]
        graph = verdict = None
        if len(batches) == 1:  # validated in a forked child while this process writes the store
            if validator is None:
                validator = Validator()
            verdict = validator.check(batches[0], cited)
            graph = documents_to_graph(batches[0], cited)
        writer = StoreWriter(staging)
        try:
            bar = None
            if progress and len(batches) > 1:
                from tqdm import tqdm

                bar = tqdm(total=len(docs), desc="graph", unit="doc")
            if graph is not None:
                writer.add(graph)
            else:  # one worker process per core builds, validates and serialises a batch
                with nullcontext(pool) if pool else ProcessPoolExecutor(max_workers=os.cpu_count()) as executor:
                    for n, conforms, messages, data in executor.map(_graph_batch, batches, [cited] * len(batches)):
                        _check(conforms, messages)
                        report.messages += messages
                        writer.add_ntriples(data)
                        if bar:
                            bar.update(n)
            if bar:
                bar.close()
            derived = materialise(writer, docs)
            report.triples = len(writer)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        write_rows(staging, None if graph is None else itertools.chain(graph, derived))
        write_documents(staging / DOCUMENTS, docs)
        (staging / "texts").mkdir()
        if extracted:
            for doc_id, text in extracted.items():
                (staging / "texts" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        if verdict is not None:  # the staging folder is complete; it replaces the store only if valid
            report.conforms, messages = verdict(graph)
            _check(report.conforms, messages)
            report.messages += messages
        storedir.publish(store, staging)
    except OSError as exc:  # a full disk, a folder that cannot be written
        shutil.rmtree(staging, ignore_errors=True)
        where = f" ({exc.filename})" if exc.filename else ""
        raise PolicyKGError(f"cannot write the store at {store}: {exc.strerror or exc}{where}; "
                            f"the store is unchanged") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report.seconds = time.perf_counter() - t0
    return report


class Validator:
    """SHACL validation of one batch of documents in a forked child process, started early.

    Made before ingest, the child imports pySHACL and parses the shapes and the ontology while
    this process ingests; `check(docs, cited)` sends it the clause models, from which it builds
    the same graph (the build is deterministic) and validates it while this process builds its
    own copy and writes the store. The returned function waits for (conforms, messages). Where
    the platform cannot fork, or if the child dies, the graph is validated in this process.
    """

    def __init__(self):
        self.child = self.conn = None
        self.answered = False
        if "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")
            self.conn, child_end = ctx.Pipe()
            self.child = ctx.Process(target=_validator_child, args=(child_end, self.conn, os.getpid()), daemon=True)
            self.child.start()
            child_end.close()

    def check(self, docs: list[Document], cited: dict) -> Callable[[object], tuple[bool, list[str]]]:
        sender = None
        if self.conn is not None:  # sent from a thread: the child reads only once it is warm
            conn = self.conn

            def send() -> None:
                try:
                    conn.send((docs, cited))
                except (OSError, ValueError):
                    pass  # the child is gone: wait() validates here

            sender = threading.Thread(target=send, name="policykg-shacl-send", daemon=True)
            sender.start()

        def wait(graph) -> tuple[bool, list[str]]:
            verdict = None
            if sender is not None:
                sender.join()
                try:
                    verdict = self.conn.recv()
                    self.answered = True
                except (EOFError, OSError):
                    verdict = None
            self.close()
            if verdict is None or isinstance(verdict, BaseException):
                from graph.shacl import validate

                return validate(graph)  # here, so that an error is raised (and reported) here
            return verdict

        return wait

    def close(self) -> None:
        """Stop the child: once it has answered it exits by itself; before that (a refused build)
        it is terminated at once rather than left to finish warming up."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.child is not None:
            if not self.answered and self.child.is_alive():
                self.child.terminate()
            self.child.join(timeout=5)
            if self.child.is_alive():
                self.child.kill()
                self.child.join()
            self.child = None


def _validator_child(conn, parent_end, parent_pid: int) -> None:
    """The forked child's entry: end with the parent (even one killed with kill -9), drop its copy
    of the parent's end of the pipe (so that the parent closing its end is seen here as the end
    of input), then serve one validation."""
    end_with_parent(parent_pid)
    parent_end.close()
    _validator_main(conn)


def _validator_main(conn) -> None:
    """The child of Validator: warm up, wait for (docs, cited), send (conforms, messages)."""
    try:
        import pyshacl  # noqa: F401 - imported now, while the parent ingests

        from graph.rdf import documents_to_graph, ontology_graph
        from graph.shacl import shapes_graph, validate

        shapes_graph()
        ontology_graph()
        try:
            docs, cited = conn.recv()
        except (EOFError, OSError):
            return  # the parent did not need a validation (a large corpus, or an error)
        try:
            conn.send(validate(documents_to_graph(docs, cited)))
        except BaseException as exc:  # noqa: BLE001 - the parent validates again and reports it
            conn.send(exc)
    finally:
        conn.close()


def _graph_batch(batch: list[Document], cited: dict) -> tuple[int, bool, list[str], bytes]:
    """In a worker: the batch's graph, validated, as N-Triples (nothing if it does not conform)."""
    from graph.rdf import documents_to_graph
    from graph.shacl import validate

    graph = documents_to_graph(batch, cited)
    conforms, messages = validate(graph)
    data = graph.serialize(format="nt", encoding="utf-8") if conforms else b""
    del graph
    gc.collect()  # the graph is a cycle (its namespace manager): freed now, not while the next batch is built
    return len(batch), conforms, messages, data


def _check(conforms: bool, messages: list[str]) -> None:
    if not conforms:
        raise ValidationFailed("the built graph does not conform to ontology/shapes.ttl; store left unchanged:\n"
                               + "\n".join(messages[:20]))


def write_documents(path: Path, docs: Sequence[Document]) -> None:
    """documents.json: the bytes of json.dumps([to_json(d) for d in docs], ensure_ascii=False,
    indent=1), written one document at a time (the whole text of 5,000 documents, with the pieces
    json joins it from, took a gigabyte)."""
    with path.open("w", encoding="utf-8") as out:
        if not docs:
            out.write("[]")
            return
        for i, doc in enumerate(docs):  # "[\n {...}\n]": the document at the list's indent, unwrapped
            out.write(("[\n" if i == 0 else ",\n") + json.dumps([to_json(doc)], ensure_ascii=False, indent=1)[2:-2])
        out.write("\n]")


def summarise(docs: list[Document]) -> BuildReport:
    r = BuildReport(documents=len(docs))
    for d in docs:
        r.clauses += len(d.clauses)
        r.incentives += sum(c.kind == "incentive" for c in d.clauses)
        r.uncovered += [{"file": d.file, **u} for u in d.uncovered]
        r.unparsed += [{"clause": c.id, "text": t} for c in d.clauses for t in c.unparsed]
        r.warnings += [f"{d.file}: {w}" for w in d.warnings]
    return r


def push_store(store_dir: Path, url: str) -> int:
    """Replace the default graph of the SPARQL endpoint at `url` with the graph of the built store
    in `store_dir`; returns the endpoint's triple count."""
    remote = RemoteStore(url)
    remote.put_graph(dump(store_dir, "ntriples", {}), "application/n-triples")
    return remote.count()


def local_folder(store: Path | str) -> Path:
    """The folder that holds a store's clause models: the store folder itself, or a SPARQL
    endpoint's local folder (graph.remote.Endpoint)."""
    if not is_remote(store):
        return Path(store)
    return store.folder if isinstance(store, Endpoint) else Endpoint(str(store)).folder


def _documents_path(store: Path | str) -> Path:
    path = local_folder(store) / DOCUMENTS
    if path.exists():
        return path
    if is_remote(store):
        raise PolicyKGError(f"no clause models of the SPARQL endpoint {store} in {path.parent}: build it with "
                            f"`policykg build --store {store}`, or name the folder it was built with (--models DIR)")
    raise PolicyKGError(f"no store at {store}: run `policykg build` first")


def load_documents(store: Path | str) -> list[Document]:
    """The clause models of a built store (for a SPARQL endpoint, those of its local folder)."""
    path = _documents_path(store)
    try:
        return [from_json(d) for d in json.loads(path.read_text(encoding="utf-8"))]
    except (ValueError, KeyError, TypeError) as exc:
        raise PolicyKGError(f"{path}: unreadable clause models ({exc}): rebuild with `policykg build`") from exc
