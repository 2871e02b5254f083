"""SHACL validation of a built graph against ontology/shapes.ttl, with readable messages.

`validate(graph)` runs pySHACL without inference (the builder asserts every type a shape
targets), then checks in code what SHACL cannot say: that no node is blank.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from graph.namespaces import SH, compact
from policykg.config import ontology_dir
from policykg.errors import PolicyKGError

SHAPES_FILE = "shapes.ttl"
MAX_BLANK_MESSAGES = 20


@cache
def _shapes(path: str) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


def shapes_graph() -> Graph:
    """The SHACL shapes (parsed once per process)."""
    return _shapes(str(Path(ontology_dir()) / SHAPES_FILE))


def validate(graph: Graph) -> tuple[bool, list[str]]:
    """(conforms, messages): violations make `conforms` False; warnings only add messages."""
    from pyshacl import validate as shacl_validate

    _, report, _ = shacl_validate(
        graph,
        shacl_graph=shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        do_owl_imports=False,
    )
    if not isinstance(report, Graph):
        raise PolicyKGError(f"SHACL validation could not run ({report}): check {SHAPES_FILE} in {ontology_dir()}")
    messages, violations = _results(report)
    blank = blank_node_messages(graph)
    return (violations == 0 and not blank), blank + messages


def blank_node_messages(graph: Graph) -> list[str]:
    """One message per triple (up to a limit) that has a blank node: every node needs an IRI."""
    found = []
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            found.append((s, p, o))
    if not found:
        return []
    found.sort(key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    messages = [
        f"Violation: {_show(s)} {_show(p)}: blank node in ({_show(s)} {_show(p)} {_show(o)}); "
        "every node needs a minted IRI (see docs/ontology.md)"
        for s, p, o in found[:MAX_BLANK_MESSAGES]
    ]
    if len(found) > MAX_BLANK_MESSAGES:
        messages.append(f"Violation: ... and {len(found) - MAX_BLANK_MESSAGES} more triples with blank nodes")
    return messages


def _results(report: Graph) -> tuple[list[str], int]:
    rows = []
    violations = 0
    for result in report.subjects(SH.resultSeverity, None):
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = report.value(result, SH.resultMessage)
        if severity == SH.Violation:
            violations += 1
        text = message if message is not None else \
            f"does not conform to {_show(report.value(result, SH.sourceShape))}"
        name = compact(str(severity)).removeprefix("sh:")
        if report.value(result, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent \
                and isinstance(value, URIRef):
            focus, value = value, None  # a class-level check: the offending node is the value
        line = f"{name}: {_show(focus)}"
        if path is not None:
            line += f" {_show(path)}"
        line += f": {text}"
        if value is not None and value != focus:
            line += f" (value: {_show(value)})"
        rows.append(line)
    return sorted(set(rows)), violations


def _show(term) -> str:
    if term is None:
        return "?"
    if isinstance(term, URIRef):
        return compact(str(term))
    if isinstance(term, Literal):
        text = str(term)
        if len(text) > 60:
            text = text[:57] + "..."
        return repr(text) if not term.datatype else f"{text!r}^^{compact(str(term.datatype))}"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)
