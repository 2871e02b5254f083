"""Ingest one file or a corpus folder: read -> normalise -> structure -> clauses -> fields.

`ingest_file` returns a `Document` with every clause cited back to the original characters, its
place and dates as read (ingest.origin, ingest.metadata) and then as given by a sidecar or the
command line (ingest.overrides). Only unreadable input is refused: a document without numbering
is ingested paragraph by paragraph, one whose city cannot be read has an unknown city, and what
is missing is listed in `Document.warnings`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from decimal import Decimal
from pathlib import Path

from ingest import categories, payout
from ingest.clauses import split_provisions
from ingest.context import OTHER
from ingest.fields import extract
from ingest.figures import find_money, find_percents
from ingest.files import doc_id_for
from ingest.funding import read_funding
from ingest.metadata import read_number, read_title, read_validity
from ingest.model import Clause, ClauseFields, Document, Evidence, FundingRule
from ingest.normalize import Normalized, normalize
from ingest.origin import is_draft, issuer_at, read_place
from ingest.overrides import Overrides, apply, read_sidecar, set_place
from ingest.read import Source, read_source
from ingest.structure import parse_structure
from policykg.errors import PolicyKGError

TARGET = re.compile(r"到20\d\d年|培育[^。]{0,30}\d+(?:家|个)|新增[^。]{0,20}\d+家以上|累计开展|每年举办")
GENERAL = re.compile(r"^本(?:意见|政策|措施|办法|行动计划|计划|通知|规定)|适用于|负责解释|另行制定|为准")


def _kind(text: str, instrument: str | None, grants: bool, general: bool) -> str:
    if instrument and (grants or instrument in ("case-by-case", "reference")):
        return "incentive"
    if TARGET.search(text):
        return "target"
    if general or GENERAL.search(text):
        return "general"
    return "measure"


def _flat_index(norm: Normalized) -> tuple[str, list[int]]:
    idx = [i for i, ch in enumerate(norm.text) if ch != "\n"]
    return "".join(norm.text[i] for i in idx), idx


def ingest_text(text: str, file: str, doc_id: str, *, extracted: bool = False) -> Document:
    """A Document from decoded text; `file` is how provenance names the source."""
    norm = normalize(text)
    if not norm.text.strip():
        raise PolicyKGError(f"{file}: no text to ingest")
    structure = parse_structure(norm)
    unstructured = not structure.structured  # then its bodies are the paragraphs (ingest.structure)
    number = read_number(norm)
    title = read_title(norm, None)
    place, issuer, evidence = read_place(norm, number, title)
    if title is None:
        title = read_title(norm, issuer)
    named = issuer_at(title) if title else None  # 济南市人民政府办公厅关于印发…: the title names its issuer
    if named and (issuer is None or named[0].startswith(issuer)):
        issuer = named[0]  # and says it more exactly than a portal's 温州市人民政府 header
    doc = Document(
        id=doc_id, file=file, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), city=None,
        number=number, title=title, issuer=issuer, validity=read_validity(norm),
        funding_rules=read_funding(norm, doc_id), articles=structure.articles,
        unstructured=unstructured, origin=evidence)
    set_place(doc, place)
    if is_draft(title, norm.text):
        doc.status = "draft"
        doc.origin.append(Evidence("status", "draft-mark", "征求意见稿", "draft"))

    counters: dict[str, int] = {}
    for body in structure.bodies:
        art = body.article
        body_text = norm.text[body.start:body.end]
        for s, e in split_provisions(body_text, art.title):
            a, b = body.start + s, body.start + e
            ptext = norm.text[a:b].replace("\n", "")
            idx = [k for k in range(a, b) if norm.text[k] != "\n"]

            def at(i, j, idx=idx):
                return norm.span(idx[i], idx[j - 1] + 1)

            f = extract(ptext, at, number)
            counters[art.key] = counters.get(art.key, 0) + 1
            context = "".join(a.title or "" for a in _lineage(structure.articles, art)) + ptext
            clause = Clause(
                id=f"{doc_id}/{art.key}/c{counters[art.key]}", doc_id=doc_id, article=art.label,
                article_key=art.key, kind=_kind(ptext, f.instrument, f.grants, body.general),
                text=norm.original_text(a, b), span=norm.span(a, b),
                categories=categories.categorise(ptext) or categories.categorise(context),
                **{name.name: getattr(f, name.name) for name in dataclasses.fields(ClauseFields)})
            if body.general and clause.kind == "incentive" and not f.rates:
                clause.kind = "general"
            if clause.kind != "incentive":
                clause.instrument = None
                clause.unparsed += [t.text for t in clause.thresholds + [x.threshold for x in clause.tiers if x.threshold]]
                clause.thresholds, clause.tiers, clause.rates = [], [], []
                if clause.kind == "target":
                    clause.unparsed = []
                    clause.amounts = []
            doc.clauses.append(clause)
    _inherit_metrics(doc)
    _share_trailing_caps(doc)
    _attach_agencies(doc)
    _attach_funding(doc, norm)
    payout.apply(doc)
    doc.stacking = [r for c in doc.clauses if c.kind == "general" for r in c.stacking]
    doc.references = _unique_refs(doc)
    doc.uncovered = _uncovered(doc, norm)
    doc.warnings = warnings(doc)
    return doc


def ingest_file(path: Path, root: Path | None = None, overrides: Overrides | None = None,
                doc_id: str | None = None, source: Source | None = None) -> tuple[Document, str, bool]:
    """(Document, its text, whether that text was extracted from PDF/DOCX/HTML).

    A sidecar NAME.meta.yaml beside the file, then `overrides` (the command line), replace what
    was read; `doc_id` replaces the id made from the file name (see `doc_id_for`); `source` is the
    file as already read by read_source."""
    sidecar = read_sidecar(path)
    src = source or read_source(path)
    doc = ingest_text(src.text, file_label(path, root), doc_id or doc_id_for(path), extracted=src.extracted)
    if sidecar.any():
        apply(doc, sidecar, "sidecar")
    if overrides is not None and overrides.any():
        apply(doc, overrides, "command-line")
    if sidecar.any() or (overrides is not None and overrides.any()):
        doc.warnings = warnings(doc)
    return doc, src.text, src.extracted


def warnings(doc: Document) -> list[str]:
    """What a reader should know is missing or not understood in `doc`."""
    out = []
    if doc.unstructured:
        out.append("unstructured: no numbered parts; each paragraph became a clause")
    if doc.city is None:
        out.append("no city: the place could not be read; stored as unknown (give --city or a sidecar)")
    v = doc.validity
    if not (v.effective or v.expiry or v.issued):
        out.append("no validity: no date of issue, entry into force or expiry found")
    if not doc.funding_rules:
        out.append("no funding rule: who pays is not stated")
    unparsed = sum(len(c.unparsed) for c in doc.clauses) + len(doc.uncovered)
    if unparsed:
        out.append(f"numbers not understood: {unparsed} money amount(s) or percentage(s)")
    if doc.status == "draft":
        out.append("draft: a 征求意见稿, not a policy in force")
    return out


def file_label(path: Path, root: Path | None) -> str:
    """How provenance names a file: relative to `root` when inside it."""
    return str(path.resolve().relative_to(root.resolve())) if root and _inside(path, root) else str(path)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _lineage(articles, art):
    """The article and its parents (sections), nearest first: their titles say what it is about."""
    by_key = {a.key: a for a in articles}
    out = [art]
    while out[-1].parent and out[-1].parent in by_key:
        out.append(by_key[out[-1].parent])
    return out


def _inherit_metrics(doc: Document) -> None:
    """'超过1000万元的…；超过5000万元的…': the second threshold's metric is the first's."""
    prev = None
    for c in doc.clauses:
        if prev is not None and prev.article_key == c.article_key:
            known = {t.unit: t.metric for t in prev.thresholds if t.metric != OTHER}
            for t in c.thresholds:
                if t.metric == OTHER and t.unit in known:
                    t.metric = known[t.unit]
                    c.unparsed = [u for u in c.unparsed if not u.endswith(t.text)]
        prev = c


def _normalised(original: str) -> str:
    """A clause's original text as extraction sees it (normalised, without line breaks)."""
    return normalize(original).text.replace("\n", "")


def _share_trailing_caps(doc: Document) -> None:
    """'…0.03元补助；…0.01元补助。单家企业补助最高不超过300万元。': the cap after a sentence cut at
    its ；binds every part, and a part that only varies a condition keeps the threshold before it.
    Shared amounts and thresholds stay cited at their own place in the text."""
    for a, b in zip(doc.clauses, doc.clauses[1:]):
        if a.article_key != b.article_key or not a.text.rstrip().endswith(("；", ";")):
            continue
        if a.kind != "incentive" or b.kind != "incentive":
            continue
        b_text = _normalised(b.text)  # the original may be traditional, full-width, …
        if not b.thresholds and not re.match(r"对|鼓励|支持|给予|按", b_text):
            b.thresholds = list(a.thresholds)  # '…达500万美元以上，且运输到温州的…；未运输到温州的…'
        tail = b_text[b_text.rfind("。", 0, len(b_text) - 1) + 1:]
        if not re.match(r"(?:单家|单个|每家)企业", tail):
            continue
        for amt in b.amounts:
            if amt.role == "cap" and amt.text and amt.text in tail and amt.span is not None and \
                    amt.span.start not in [x.span.start for x in a.amounts if x.span is not None]:
                a.amounts.append(amt)


def _attach_agencies(doc: Document) -> None:
    by_article: dict[str, list[str]] = {}
    for c in doc.clauses:
        if c.agencies:
            by_article[c.article_key] = c.agencies
    for c in doc.clauses:
        if not c.agencies and c.article_key in by_article:
            c.agencies = list(by_article[c.article_key])


def _matches(label: str, token: str) -> bool:
    if token.startswith("第"):
        return label.startswith(token)
    return f"（{token}）" in label or label.startswith(f"{token}、")


def _attach_funding(doc: Document, norm: Normalized) -> None:
    n = len(doc.funding_rules)
    for c in doc.clauses:
        if c.kind != "incentive":
            continue
        if "属地政府承担" in _normalised(c.text):
            n += 1
            rule = FundingRule(f"{doc.id}/funding/{n}", "local", "具体补助金额由属地政府承担",
                               city_share=Decimal(0), local_share=Decimal(100), articles=[c.article],
                               span=c.span)
            doc.funding_rules.append(rule)
            c.funding.append(rule.id)
            continue
        for r in doc.funding_rules:
            if r.kind == "local":
                continue
            if r.articles and not any(_matches(c.article, t) for t in r.articles):
                continue
            if any(_matches(c.article, t) for t in r.except_articles):
                continue
            c.funding.append(r.id)


def _unique_refs(doc: Document):
    seen, out = set(), []
    for c in doc.clauses:
        for r in c.references:
            key = r.number or r.title
            if key not in seen:
                seen.add(key)
                out.append(r)
    return out


def _uncovered(doc: Document, norm: Normalized) -> list[dict]:
    """Money amounts and percentages of the text that lie in no clause's span."""
    flat, idx = _flat_index(norm)
    spans = sorted((c.span.start, c.span.end) for c in doc.clauses)
    found = [(m.start, m.end) for m in find_money(flat)] + [(s, e) for _, s, e in find_percents(flat)]
    out = []
    for s, e in sorted(found):
        o = norm.offsets[idx[s]]
        if not any(a <= o < b for a, b in spans):
            out.append({"text": flat[s:e], "start": o, "end": norm.offsets[idx[e - 1]] + 1})
    return out
