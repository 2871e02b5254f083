"""Upload: ingest a policy document (txt, md, pdf, docx, html) into the store with the same pipeline
as `policykg ingest` (policykg.build.update), so that its city appears in every view. Before the
"add" button the page shows the review `policykg inspect` prints (ingest.review): structure, place
and how it was found, validity, funding rules, every clause with its fields, numbers not
understood, and a warning for each thing missing. The file is kept beside the store
(STORE-uploads/) because clause offsets point into it; a different file of the same name gets a
name of its own. When Neo4j is configured and up, it is reloaded from the new store; if that fails
the app says so and carries on.
Reading and adding run in worker processes (webapp.worker) with time and memory limits; a file
that would replace another city's document needs an explicit confirmation naming it.
"""
from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path

import streamlit as st

from policykg import config
from policykg.build import replaced_by
from policykg.errors import PolicyKGError
from webapp import tasks, worker
from webapp.i18n import city as city_name
from webapp.i18n import current, t, vocab
from webapp.state import Ctx
from webapp.views.common import link, plain, uploader_in_chinese

TYPES = ["txt", "md", "pdf", "docx", "html", "htm"]


def uploads_dir(store: Path) -> Path:
    return store.resolve().parent / f"{store.resolve().name}-uploads"


def safe_name(name: str) -> str:
    """A file name without folders or odd characters (keeps Chinese and the extension).

    >>> safe_name("../../etc/温州 2024(1).txt")
    '温州-2024-1-.txt'
    """
    base = Path(name).name
    stem, dot, ext = base.rpartition(".")
    stem = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff_-]+", "-", stem if dot else base).strip(".") or "upload"
    return f"{stem}.{ext.lower()}" if dot else stem


PREVIEW_TIMEOUT_S = 120.0  # reading one file, in a worker process killed after this
ADD_TIMEOUT_S = 300.0  # adding it: waiting for the store's lock, ingesting, writing the store


def preview(path: Path):
    """The review of the document the pipeline reads from `path`, made in a worker process
    (webapp.worker); raises PolicyKGError when it cannot, runs too long or takes too much memory."""
    return worker.run(tasks.preview, path, config.project_root(), timeout_s=PREVIEW_TIMEOUT_S,
                      what=t("upload.reading"), status=st.empty())


WARNING_KEYS = {"unstructured": "upload.warn.unstructured", "no city": "upload.warn.city",
                "no validity": "upload.warn.validity", "no funding rule": "upload.warn.funding",
                "numbers not understood": "upload.warn.numbers", "draft": "upload.warn.draft"}


def show_review(review) -> None:
    """The review: warnings first, then what was read and how, then every clause's fields."""
    from ingest.review import as_dict

    d = as_dict(review)
    for w in d["warnings"]:
        tag = w.split(":", 1)[0]
        st.warning(t(WARNING_KEYS[tag], n=len(d["unparsed"])) if tag in WARNING_KEYS else w)
    place = d["place"]
    where = " ".join(x for x in (place["province"], place["city"] if place["city"] != place["province"] else None,
                                 place["district"]) if x) or city_name(None)
    v = d["validity"]
    facts = [t("upload.structure." + d["structure"]), t("upload.place", place=where, level=place["level"]),
             t("upload.validity", issued=v["issued"] or "?", start=v["valid_from"] or "?", end=v["valid_to"] or "?"),
             t("upload.funding", n=len(d["funding_rules"])), t("upload.status", status=vocab("status", d["status"])),
             t("upload.unparsed", n=len(d["unparsed"]))]
    st.html('<ul class="pkg-review">' + "".join(f"<li>{html.escape(f)}</li>" for f in facts) + "</ul>")
    st.caption(t("upload.found"))
    st.dataframe([{"field": e["field"], "rule": e["rule"], "text": e["text"], "result": e["result"],
                   "used": e["accepted"]} for e in d["found"]], hide_index=True, key="upload_found")
    st.caption(t("upload.clauses"))
    st.dataframe([{"article": c["article"], "kind": c["kind"], "instrument": c["instrument"] or "",
                   "rates %": ", ".join(r["percent"] for r in c["rates"]),
                   "amounts": "; ".join(f"{a['role']} {a['value_cny']}" + (f"/{a['per']}" if a["per"] else "")
                                        for a in c["amounts"]),
                   "thresholds": "; ".join(f"{x['metric']} {x['op']} {x['value']} {x['unit']}" for x in c["thresholds"]),
                   "unparsed": "; ".join(c["unparsed"]), "text": c["text"]} for c in d["clauses"]],
                 hide_index=True, key="upload_clauses")
    if d["unparsed"]:
        st.dataframe([{"article": u["article"] or "—", "text": u["text"]} for u in d["unparsed"]],
                     hide_index=True, key="upload_unparsed")


def stored_name(folder: Path, name: str, data: bytes) -> str:
    """`name`, or when a different file of that name is already kept, one with a content suffix."""
    import hashlib

    target = folder / name
    if not target.exists() or target.read_bytes() == data:
        return name
    stem, dot, ext = name.rpartition(".")
    suffix = hashlib.sha256(data).hexdigest()[:8]
    return f"{stem}-{suffix}.{ext}" if dot else f"{name}-{suffix}"


def add_to_store(store: Path, path: Path, replace: bool = False):
    """policykg.build.update with this one file, in a worker process; returns its report."""
    return worker.run(tasks.add_to_store, store, path, config.project_root(), replace, timeout_s=ADD_TIMEOUT_S,
                      what=t("upload.adding"), status=st.empty())


def sync_neo4j(ctx: Ctx) -> str | None:
    """Reload Neo4j from the store when it is configured and up; the error text on failure."""
    if not (ctx.neo4j["configured"] and ctx.neo4j["up"]):
        return None
    try:
        from graph.neo4j import load

        load(ctx.store, config.neo4j_settings())
    except PolicyKGError as exc:
        return str(exc)
    return None


def render(ctx: Ctx) -> None:
    st.caption(t("upload.help"))
    done = st.session_state.pop("upload_done", None)
    if done:
        show_done(*done)
    round_ = st.session_state.setdefault("upload_round", 0)
    if current() == "zh":
        st.html(uploader_in_chinese(f"拖放文件到此处（{'、'.join('.' + x for x in TYPES)}）"))
    upload = st.file_uploader(t("upload.file"), type=TYPES, key=f"upload_file_{round_}")
    if upload is None:
        return
    name = safe_name(upload.name)
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / name
        probe.write_bytes(upload.getvalue())
        try:
            review = preview(probe)
        except PolicyKGError as exc:
            st.error(plain(t("upload.failed", error=exc)))
            return
    doc = review.document
    st.subheader(t("upload.preview"))
    incentives = sum(c.kind == "incentive" for c in doc.clauses)
    st.html(f'<div class="pkg-card"><h4 lang="zh">{html.escape(city_name(doc.city))} · '
            f'{html.escape(doc.number or doc.id)}</h4><div class="title" lang="zh">{html.escape(doc.title or "")}</div>'
            f'<div>{html.escape(t("doc.clauses", clauses=len(doc.clauses), incentives=incentives))}</div></div>')
    show_review(review)
    replaced = replaced_by(doc, ctx.corpus.docs)
    other = [d for d in replaced if d.city != doc.city]
    named = "; ".join(f"{city_name(d.city)} {d.number or d.id} ({d.id})" for d in replaced)
    if other:
        st.warning(plain(t("upload.replaces_other", city=city_name(doc.city), number=doc.number or doc.id, docs=named)))
        if not st.checkbox(plain(t("upload.confirm_replace", docs=named)), key=f"upload_confirm_{round_}"):
            return
    elif replaced:
        st.info(plain(t("upload.replaces", docs=named)))
    if not st.button(t("upload.add"), type="primary", key="upload_add"):
        return
    folder = uploads_dir(ctx.store)
    target = folder / stored_name(folder, name, upload.getvalue())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(upload.getvalue())
    try:
        add_to_store(ctx.store, target, replace=bool(other))
    except PolicyKGError as exc:
        st.error(plain(t("upload.failed", error=exc)))
        return
    # start again with an empty uploader, the new store, and the result on top
    st.session_state["upload_done"] = (doc.id, doc.city, doc.number or doc.id, len(doc.clauses), sync_neo4j(ctx))
    st.session_state["upload_round"] = round_ + 1
    st.rerun()


def show_done(doc_id: str, city: str, number: str, clauses: int, neo4j_problem: str | None) -> None:
    st.success(plain(t("upload.added", city=city_name(city), number=number, clauses=clauses)))
    if neo4j_problem:
        st.warning(plain(t("upload.neo4j", error=neo4j_problem)))
    links = " · ".join(f'<a href="{html.escape(link(v, doc=doc_id) if v == "document" else link(v))}" '
                       f'target="_self">{html.escape(t("view." + v))}</a>'
                       for v in ("overview", "compare", "document", "timeline"))
    st.html(f"<p>{html.escape(t('upload.see'))}{links}</p>")
