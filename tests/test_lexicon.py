"""The extractor's lexicon (ontology/lexicon) against the ontology: every term the rules can emit
is an individual with zh and en labels, the same labels as the lexicon's; and a new wording added
to a copy of the lexicon is picked up with no code change (the README's recipe).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, SKOS

import graph.namespaces as ns
from graph.rdf import AMOUNT_CLASSES
from ingest import lexicon
from ingest.fields import RULES, extract
from ingest.model import Span
from policykg.errors import PolicyKGError
from tests.test_cases import check_case

ROOT = Path(__file__).resolve().parent.parent
UNIT = Namespace(ns.BASE + "unit/")
# lexicon family -> (namespace of its terms, class of its individuals)
EMITTED = {"metric": (ns.METRIC, ns.PKG.Metric), "per": (ns.PER, ns.PKG.PerBasis),
           "instrument": (ns.INSTRUMENT, ns.PKG.Instrument), "unit": (UNIT, ns.PKG.Unit)}


@pytest.fixture(scope="module")
def onto() -> Graph:
    g = Graph()
    g.parse(ROOT / "ontology" / "policykg.ttl", format="turtle")
    return g


def _labels(g: Graph, node) -> dict[str, str]:
    return {lit.language: str(lit) for lit in g.objects(node, RDFS.label) if isinstance(lit, Literal)}


@pytest.mark.parametrize("family", sorted(EMITTED))
def test_every_emitted_term_is_an_individual_with_zh_and_en_labels(onto, family):
    namespace, cls = EMITTED[family]
    terms = lexicon.default().terms(family)
    assert terms, f"the lexicon has no {family} terms"
    for term, entry in terms.items():
        node = namespace[term]
        assert (node, RDF.type, cls) in onto, f"{family} {term!r} is not a {cls} of ontology/policykg.ttl"
        assert _labels(onto, node) == {"zh": entry.zh, "en": entry.en}, \
            f"{family} {term!r}: the ontology's labels {_labels(onto, node)} differ from the lexicon's"


def test_unit_notations_are_what_amounts_and_thresholds_hold(onto):
    for term, entry in lexicon.default().terms("unit").items():
        notation = entry.get("notation") or entry.get("notation_counted") or term
        assert (UNIT[term], SKOS.notation, Literal(notation)) in onto, term


def test_every_role_is_an_amount_class_with_zh_and_en_labels(onto):
    roles = lexicon.default().terms("role")
    assert set(roles) == set(AMOUNT_CLASSES), "the lexicon's roles and graph/rdf.py's amount classes differ"
    for term, entry in roles.items():
        node = ns.PKG[entry.get("class")]
        assert AMOUNT_CLASSES[term] == node
        assert _labels(onto, node) == {"zh": entry.zh, "en": entry.en}, term


def test_stacking_kinds_are_the_shapes_kinds():
    kinds = {e.meaning for e in lexicon.default().select("stacking")}
    assert kinds == {"highest-only", "no-duplicate", "allowed", "once-only"}


def test_rules_are_small_and_registered_once():
    names = [name for name, _ in RULES]
    assert len(names) == len(set(names)) >= 10


def _readme_case() -> dict:
    """The case file shown in the README's section "Teaching policykg a new wording"."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Teaching policykg a new wording"):]
    block = re.search(r"```yaml\n(# Read by hand.*?)```", section, re.S)
    assert block, "the README's wording section shows no case file"
    return yaml.safe_load(block.group(1))


def test_a_new_grant_verb_is_a_lexicon_edit(tmp_path):
    """The README's example: 襄助 is taught as a grant verb in a copy of the lexicon, and the
    README's case file passes with it (and fails without it)."""
    case = _readme_case()
    sentence = case["text"]
    at = lambda i, j: Span(i, j)  # noqa: E731
    before = extract(sentence, at)
    assert not before.grants and before.instrument is None and "30万元" in before.unparsed
    with pytest.raises(AssertionError):
        check_case(case)

    copy = tmp_path / "lexicon"
    shutil.copytree(lexicon.LEXICON_DIR, copy)
    grant = yaml.safe_load((copy / "grant.yaml").read_text("utf-8"))
    for entry in grant["entries"]:
        if entry["meaning"] in ("grant", "award-verb"):
            entry["phrases"].append("襄助")
    (copy / "grant.yaml").write_text(yaml.safe_dump(grant, allow_unicode=True), "utf-8")

    after = extract(sentence, at, lexicon=lexicon.load(copy))
    assert after.grants and after.instrument == "fixed"
    assert [(str(a.value), a.role) for a in after.amounts] == [("300000", "award")]
    assert [(t.metric, t.op, str(t.value), t.unit) for t in after.thresholds] == [("exports", ">=", "5000000", "USD")]
    check_case(case, lexicon.load(copy))


def test_a_broken_lexicon_file_is_one_clear_error(tmp_path):
    (tmp_path / "grant.yaml").write_text("family: grant\nentries:\n  - {meaning: grant, phrases: 给予}\n", "utf-8")
    with pytest.raises(PolicyKGError, match="grant.*phrases must be a list"):
        lexicon.load(tmp_path)
    (tmp_path / "grant.yaml").write_text("entries: [\n", "utf-8")
    with pytest.raises(PolicyKGError, match="grant.yaml: not valid YAML"):
        lexicon.load(tmp_path)
