"""A clause's comparison lists as text: what the named queries show in their list columns.

For every incentive, graph/rdf.py writes one literal per list (pkg:rateList, pkg:capList,
pkg:awardList, pkg:tierList, pkg:thresholdList, pkg:bonusList, pkg:fundingList): the items
rendered in English, sorted, without duplicates and joined by "|" (graph.named_queries reads
that separator as a list). They are derived data: the structured nodes (pkg:amount, pkg:threshold,
...) stay the authority, and the Cypher queries still render the same text from the property
graph's structure, so the parity tests check one rendering against the other.

Why: a comparison query over 5,000 documents would otherwise aggregate every clause's caps,
awards, tiers, thresholds, bonuses and funding with OPTIONAL and GROUP_CONCAT, whose cross
product per clause made a query take seconds; one literal per list is one lookup per clause.

Each rendering is the one the .cypher files build (queries/compare-category.cypher):
``200000 CNY per website per year (qualifier)``, ``50000 CNY per 个``, ``300000 CNY if
exports >= 2000000 USD``, ``exports >= 2000000 USD``, ``+50000 CNY: condition``,
``+10%: condition``, ``split: city 50%, local 50%``. An item whose parts are missing (a threshold
metric without an English label) is left out, as the queries leave it out.
"""
from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from rdflib import Literal, URIRef

from graph.iris import (
    category_iri,
    citations,
    clause_iri,
    decimal_literal,
    doc_iri,
    funding_iri,
    label_lang,
    normalize_number,
    segment,
)
from graph.namespaces import ID, PKG, RDF, XSD
from graph.store import format_mark
from graph.vocabulary import COMPARISONS, symbols, term_label
from ingest.categories import scheme, with_broader
from ingest.model import UNKNOWN_CITY, Amount, Bonus, Clause, Document, FundingRule, Threshold, Tier

SEPARATOR = "|"
CHUNK = 20000  # materialised and ranking triples written to the store at a time


def _number(value) -> str:
    return str(decimal_literal(value))


def _per(amount: Amount) -> str | None:
    return term_label("per", amount.per, "en") if amount.per else None


def amount_text(amount: Amount, with_unit: bool) -> str:
    """``<value> CNY[ per <unit>][ <per label>][ per year][ (<qualifier>)]``; the unit only for awards."""
    text = f"{_number(amount.value)} CNY"
    if with_unit and amount.unit:
        text += f" per {amount.unit}"
    per = _per(amount)
    if per:
        text += f" {per}"
    if amount.per_year:
        text += " per year"
    if amount.qualifier:
        text += f" ({amount.qualifier})"
    return text


def threshold_text(threshold: Threshold) -> str | None:
    """``<metric label> <symbol> <value> <unit>``, or None when the metric has no English label."""
    metric = term_label("metric", threshold.metric, "en")
    comparison = COMPARISONS.get(threshold.op)
    symbol = symbols().get(str(comparison)) if comparison is not None else None
    if metric is None or symbol is None or not threshold.unit:
        return None
    return f"{metric} {symbol} {_number(threshold.value)} {threshold.unit}"


def tier_text(tier: Tier) -> str:
    text = f"{_number(tier.amount.value)} CNY"
    condition = threshold_text(tier.threshold) if tier.threshold is not None else None
    return f"{text} if {condition}" if condition else text


def bonus_text(bonus: Bonus) -> str | None:
    if bonus.amount is not None:
        what = f"{_number(bonus.amount)} CNY"
    elif bonus.percent is not None:
        what = f"{_number(bonus.percent)}%"
    else:
        return None
    return f"+{what}: {bonus.condition}"


def funding_text(rule: FundingRule) -> str:
    if rule.city_share is not None and rule.local_share is not None:
        return f"{rule.kind}: city {_number(rule.city_share)}%, local {_number(rule.local_share)}%"
    return rule.kind


def joined(items) -> str | None:
    """Sorted, unique, joined by SEPARATOR; None for no items (the literal is then left out)."""
    values = sorted({i for i in items if i})
    return SEPARATOR.join(values) if values else None


def clause_lists(clause: Clause, rules: dict[str, FundingRule]) -> dict[str, str | None]:
    """The clause's list texts by list name (rate, cap, award, tier, threshold, bonus, funding)."""
    return {
        "rate": joined(_number(r.percent) for r in clause.rates),
        "cap": joined(amount_text(a, with_unit=False) for a in clause.amounts if a.role == "cap"),
        "award": joined(amount_text(a, with_unit=True) for a in clause.amounts if a.role in ("award", "per-unit")),
        "tier": joined(tier_text(t) for t in clause.tiers),
        "threshold": joined(threshold_text(t) for t in clause.thresholds),
        "bonus": joined(bonus_text(b) for b in clause.bonuses),
        "funding": joined(funding_text(rules[r]) for r in clause.funding if r in rules),
    }


# --- values materialised at the end of the build ---------------------------------------------------
#
# What the comparison queries would otherwise aggregate over the whole store on every call, written
# once by the build (policykg/build.py calls `materialise`) as triples of the default graph, so that
# they reach Neo4j by the same mapping as everything else (docs/property-graph.md). Computed from
# the clause models, which the graph is built from; tests/test_digest.py checks each value against
# the structured graph and tests/test_parity.py the two backends against each other.


def sort_text(value) -> tuple:
    """The named queries' order of a text value: missing first, then by code point."""
    return (value is not None, value or "")


def clause_order(docs: list[Document]) -> dict[tuple[str, str], int]:
    """Rank of every clause by (city, document number, clause id), by (document id, clause id)."""
    keys = sorted((sort_text(d.city), sort_text(d.number), c.id, d.id) for d in docs for c in d.clauses)
    return {(doc_id, clause_id): i for i, (_, _, clause_id, doc_id) in enumerate(keys)}


def rule_order(docs: list[Document]) -> dict[tuple[str, str], int]:
    """Rank of every funding rule by (city, document number, rule id), by (document id, rule id)."""
    keys = sorted((sort_text(d.city), sort_text(d.number), r.id, d.id) for d in docs for r in d.funding_rules)
    return {(doc_id, rule_id): i for i, (_, _, rule_id, doc_id) in enumerate(keys)}


def coverage_cells(docs: list[Document]) -> list[tuple[str, str, int, Decimal | None]]:
    """(city, category slug, incentives, highest cap) for every city and every concept of the
    scheme, broader concepts counting their narrower ones, sorted by city and slug; the highest
    cap is None where no incentive of the cell has one."""
    slugs = sorted(scheme())
    cities = sorted({d.city for d in docs if d.city})
    counts: dict[tuple[str, str], int] = {}
    highest: dict[tuple[str, str], Decimal] = {}
    for d in docs:
        if not d.city:
            continue
        for c in d.clauses:
            if c.kind != "incentive":
                continue
            caps = [a.value for a in c.amounts if a.role == "cap"]
            for slug in with_broader(c.categories):
                key = (d.city, slug)
                counts[key] = counts.get(key, 0) + 1
                if caps:
                    top = max(caps)
                    if key not in highest or top > highest[key]:
                        highest[key] = top
    return [(city, slug, counts.get((city, slug), 0), highest.get((city, slug))) for city in cities for slug in slugs]


def cited_titles(docs: list[Document], cited: dict) -> dict[str, str]:
    """Every cited document's titles, joined once per cited document (pkg:titleList), by IRI: a
    document of the store has its own title, one outside it every wording its citations give."""
    titles: dict[str, set[str]] = {}
    own = {str(doc_iri(d.id)): d.title for d in docs}
    for d in docs:
        for ref in list(d.references) + [r for c in d.clauses for r in c.references]:
            number = normalize_number(ref.number)
            node = cited.get(number) if number else None
            if node is None:
                node = ID[f"cited/{segment(number)}"] if number else ID[f"cited/title/{segment(ref.title or '')}"]
                if ref.title:
                    titles.setdefault(str(node), set()).add(ref.title)
            elif title := own.get(str(node)):
                titles.setdefault(str(node), set()).add(title)
    return {node: text for node, items in titles.items() if (text := joined(items))}


def materialised_triples(docs: list[Document]):
    """The derived triples of a whole store (see docs/ontology.md, "Materialised values").

    Every clause and funding rule: pkg:sortKey, its rank in the order the named queries print (the
    clauses numbered from 0, the funding rules and the coverage cells after them: a key is one node's);
    every funding rule, pkg:cityName.
    Every incentive: pkg:inCategory (its categories and every broader one), pkg:cityName,
    pkg:validFrom and pkg:validTo (its document's dates in force). Every cited document:
    pkg:titleList. Every city x concept: a pkg:CoverageCell with pkg:cityName, pkg:cellCategory,
    pkg:incentiveCount, pkg:highestCap and pkg:sortKey.
    """
    clauses, rules = clause_order(docs), rule_order(docs)
    # one range of keys per kind of node (clauses, then funding rules, then coverage cells), so that
    # a key names one node: in-force-on looks clauses up by key
    rule_base = len(clauses)
    cell_base = rule_base + len(rules)
    for d in docs:
        city = Literal(d.city) if d.city else None
        valid_from = Literal(d.validity.effective) if d.validity.effective else None
        valid_to = Literal(d.validity.expiry) if d.validity.expiry else None
        for c in d.clauses:
            node = clause_iri(d.id, c.article_key, c.id)
            yield node, PKG.sortKey, Literal(clauses[(d.id, c.id)])
            if c.kind != "incentive":
                continue
            for slug in with_broader(c.categories):
                yield node, PKG.inCategory, category_iri(slug)
            for prop, value in ((PKG.cityName, city), (PKG.validFrom, valid_from), (PKG.validTo, valid_to)):
                if value is not None:
                    yield node, prop, value
        for r in d.funding_rules:
            rule = funding_iri(d.id, r.id)
            yield rule, PKG.sortKey, Literal(rule_base + rules[(d.id, r.id)])
            if city is not None:
                yield rule, PKG.cityName, city
    for cited, text in cited_titles(docs, citations(docs)).items():
        yield URIRef(cited), PKG.titleList, Literal(text)
    for rank, (cell_city, slug, count, cap) in enumerate(coverage_cells(docs)):
        cell = ID[f"coverage/{segment(cell_city)}/{segment(slug)}"]
        yield cell, RDF.type, PKG.CoverageCell
        yield cell, PKG.cityName, Literal(cell_city)
        yield cell, PKG.cellCategory, category_iri(slug)
        yield cell, PKG.incentiveCount, Literal(count, datatype=XSD.integer)
        if cap is not None:
            yield cell, PKG.highestCap, decimal_literal(cap)
        yield cell, PKG.sortKey, Literal(cell_base + rank)


# --- validity spans: what in-force-on counts and pages, per span of days ---------------------------
#
# The incentives in force change only on the days a document comes into force or the day after one
# lapses: between two such days (a span) the same incentives are in force. For every span the build
# writes how many are in force and, so that a page needs no sort of them all, a mark for every
# MARK_EVERY-th of them in sort-key order: mark j is the sort key of the in-force incentive number
# j * MARK_EVERY (from 0), the last mark the last one's sort key + 1. Page [offset, offset + limit)
# then lies between marks offset // MARK_EVERY and (offset + limit - 1) // MARK_EVERY + 1: a window of
# sort keys that queries/in-force-on.rq reads key by key.

MARK_EVERY = 100
MARK_WIDTH = 8  # digits of one mark: sort keys up to 10^8 - 1


def force_spans(docs: list[Document]) -> list[tuple[date, int, list[int]]]:
    """(first day, incentives in force, marks) for every validity span, by first day. An incentive
    without a date in force is never counted (in-force-on asks for validFrom <= date).

    (tests/test_digest.py works an example by hand.)
    """
    import numpy as np

    order = clause_order(docs)
    rows = [(d.validity.effective.toordinal(), d.validity.expiry.toordinal() if d.validity.expiry else 10 ** 7,
             order[(d.id, c.id)])
            for d in docs if d.validity.effective for c in d.clauses if c.kind == "incentive"]
    if not rows:
        return []
    rows.sort(key=lambda r: r[2])
    starts, ends, keys = (np.array(column, dtype=np.int64) for column in zip(*rows))
    days = sorted(set(starts.tolist()) | {e + 1 for e in ends.tolist() if e < 10 ** 7})
    spans = []
    for day in days:
        in_force = keys[(starts <= day) & (ends >= day)]
        marks = in_force[::MARK_EVERY].tolist() + ([int(in_force[-1]) + 1] if len(in_force) else [])
        spans.append((date.fromordinal(day), len(in_force), marks))
    return spans


def span_triples(docs: list[Document]):
    """A pkg:ValiditySpan per span (ID/in-force/YYYY-MM-DD): pkg:spanStart, pkg:inForceCount and
    pkg:inForceMarks (the marks as MARK_WIDTH-digit numbers, one after another)."""
    for day, count, marks in force_spans(docs):
        span = ID[f"in-force/{day.isoformat()}"]
        yield span, RDF.type, PKG.ValiditySpan
        yield span, PKG.spanStart, Literal(day)
        yield span, PKG.inForceCount, integer_literal(count)
        yield span, PKG.inForceMarks, Literal("".join(f"{m:0{MARK_WIDTH}d}" for m in marks))


def materialise(writer, docs: list[Document]):
    """The end of a build: the materialised triples and the rankings added to the store being
    written (a graph.store.StoreWriter), a chunk at a time so that they are never all in memory,
    then the store compacted (Oxigraph's optimize: every later query reads fewer, larger files).
    Returns the triples added, as an iterable that computes them again when it is read."""
    triples = derived_triples(docs)
    while chunk := list(itertools.islice(triples, CHUNK)):
        writer.add(chunk)
    writer.db.optimize()
    return derived_triples(docs)


def derived_triples(docs: list[Document]):
    """The materialised triples, the validity spans, the store's format mark, then the rankings: what
    `materialise` adds, computed as read."""
    yield from materialised_triples(docs)
    yield from span_triples(docs)
    yield from format_mark()
    yield from ranking_triples(docs)


# --- rankings: a named query's whole order, materialised -------------------------------------------
#
# A ranking is the answer order of one named query (and one category), numbered from 0: entry r is
# the node ID["ranking/<query>[/<slug>]/<r>"], so that a page (limit, offset) is the entries whose
# IRIs the query spells from the numbers offset .. offset + limit - 1 and looks up one by one: the
# ORDER BY reads only the page, and the total is pkg:rankingTotal on the ranking's own node.


def ranking_iri(query: str, slug: str | None = None, rank: int | None = None) -> URIRef:
    """ID["ranking/QUERY[/SLUG][/RANK]"]: a ranking, or one of its entries."""
    tail = "".join(f"/{part}" for part in (slug, rank) if part is not None)
    return ID[f"ranking/{query}{tail}"]


def cap_ranking(docs: list[Document]) -> dict[str, list[URIRef]]:
    """Per category slug, the caps of its incentives (pkg:inCategory: with every broader category)
    in the order of top-caps: highest first, then by the clause's sort key, then by the cap's IRI."""
    order = clause_order(docs)
    found: dict[str, list[tuple]] = {}
    for d in docs:
        for c in d.clauses:
            if c.kind != "incentive":
                continue
            node = clause_iri(d.id, c.article_key, c.id)
            caps = [(a.value, str(node) + f"/amount/{i}") for i, a in enumerate(c.amounts) if a.role == "cap"]
            for slug in with_broader(c.categories):
                found.setdefault(slug, []).extend((-value, order[(d.id, c.id)], iri) for value, iri in caps)
    return {slug: [URIRef(iri) for _, _, iri in sorted(found.get(slug, []))] for slug in scheme()}


def citation_ranking(docs: list[Document]) -> list[tuple[URIRef, URIRef]]:
    """Every (citing clause, cited node) in the order of cross-references: the clause's sort key, the
    cited number ('' for a document cited by title only), the cited node's IRI."""
    order, cited = clause_order(docs), citations(docs)
    numbers = {str(doc_iri(d.id)): d.number for d in docs if d.number}
    rows = set()
    for d in docs:
        for c in d.clauses:
            for ref in c.references:
                number = normalize_number(ref.number)
                node = cited.get(number) if number else None
                if node is None:
                    node = ID[f"cited/{segment(number)}"] if number else ID[f"cited/title/{segment(ref.title or '')}"]
                    shown = number or ""
                else:
                    shown = numbers[str(node)]
                rows.add((order[(d.id, c.id)], shown, str(node), str(clause_iri(d.id, c.article_key, c.id))))
    return [(URIRef(clause), URIRef(node)) for _, _, node, clause in sorted(rows)]


def category_ranking(docs: list[Document]) -> dict[str, list[URIRef]]:
    """Per category slug, its incentives (pkg:inCategory: with every broader category) in the order of
    compare-category: by sort key."""
    order = clause_order(docs)
    found: dict[str, list[tuple[int, URIRef]]] = {}
    for d in docs:
        for c in d.clauses:
            if c.kind == "incentive":
                for slug in with_broader(c.categories):
                    found.setdefault(slug, []).append((order[(d.id, c.id)], clause_iri(d.id, c.article_key, c.id)))
    return {slug: [node for _, node in sorted(found.get(slug, []))] for slug in scheme()}


def ranking_triples(docs: list[Document]):
    """The rankings of top-caps (one per category), cross-references, similar-incentives (one per
    category and instrument, with its city runs and every clause's total; see below) and
    compare-category: a pkg:Ranking per category with its total, and on each incentive its place in
    the category as a pkg:categoryRank literal "SLUG/R" (no entry nodes: one literal per incentive
    and category, which a page spells for R = offset .. offset + limit - 1 and looks up)."""
    for slug, caps in sorted(cap_ranking(docs).items()):
        yield from _ranking("top-caps", slug, [(cap, None) for cap in caps])
    yield from _ranking("cross-references", None, citation_ranking(docs))
    yield from similar_triples(docs)
    for slug, incentives in sorted(category_ranking(docs).items()):
        ranking = ranking_iri("compare-category", slug)
        yield ranking, RDF.type, PKG.Ranking
        yield ranking, PKG.rankingTotal, integer_literal(len(incentives))
        for rank, node in enumerate(incentives):
            yield node, PKG.categoryRank, Literal(f"{slug}/{rank}")


def _ranking(query: str, slug: str | None, items: Sequence[tuple[URIRef, URIRef | None]]):
    ranking = ranking_iri(query, slug)
    yield ranking, RDF.type, PKG.Ranking
    yield ranking, PKG.rankingTotal, integer_literal(len(items))
    entry_class, ranked_item, ranked_cited = PKG.RankEntry, PKG.rankedItem, PKG.rankedCited
    for rank, (item, cited) in enumerate(items):
        entry = URIRef(f"{ranking}/{rank}")  # ranking_iri(query, slug, rank)
        yield entry, RDF.type, entry_class
        yield entry, ranked_item, item
        if cited is not None:
            yield entry, ranked_cited, cited


@functools.lru_cache(maxsize=4096)
def integer_literal(n: int) -> Literal:
    """An xsd:integer literal (made once per number: rankings repeat small numbers)."""
    return Literal(n, datatype=XSD.integer)


# --- similar-incentives: one ranking per (category, instrument) -------------------------------------
#
# similar-incentives lists the incentives of other cities that have one of a clause's own categories
# (pkg:category) and its instrument, in sort-key order. Each (category, instrument) key has a ranking
# of the incentives with a city that have it, in sort-key order: by city first, so that a city's
# incentives are one run of places, a pkg:RankRun (its IRI: the ranking's, /city/, the city name as
# an IRI segment) with pkg:cityName, pkg:runStart and pkg:runLength. A clause with one key reads its page as the
# places offset .. offset + limit - 1 with its own city's run skipped; with several keys, the first
# offset + limit places of each, merged; with a city, that city's runs. The total without a city is
# pkg:similarTotal on the clause: the union over its keys, without duplicates.

SIMILAR = "similar-incentives"


def similar_city(doc: Document) -> str | None:
    """The city name whose incentives are not "other cities" for the clauses of `doc`, as the query
    reads it: the Chinese label of the document's city (未知, the label of pkg:unknownCity, when the
    city is unknown); None when the city is labelled in English only, for which the query finds none.
    """
    if not doc.city:
        return UNKNOWN_CITY
    return doc.city if label_lang(doc.city) == "zh" else None


def similar_ranking_iri(slug: str, instrument: str) -> URIRef:
    """ID["ranking/similar-incentives/SLUG/INSTRUMENT"]: the ranking of one (category, instrument)."""
    return ranking_iri(SIMILAR, f"{segment(slug)}/{segment(instrument)}")


def similar_run_iri(slug: str, instrument: str, city: str) -> URIRef:
    """The run of `city` in the ranking of (slug, instrument): the ranking's IRI, /city/, the city
    name as one segment (what SPARQL's ENCODE_FOR_URI gives)."""
    return URIRef(f"{similar_ranking_iri(slug, instrument)}/city/{segment(city)}")


def similar_rankings(docs: list[Document]) -> dict[tuple[str, str], list[tuple[int, str, URIRef]]]:
    """Per (category slug, instrument): every incentive with a city (pkg:cityName), that category among
    its own and that instrument, as (sort key, city, clause IRI), in sort-key order."""
    order = clause_order(docs)
    found: dict[tuple[str, str], list[tuple[int, str, URIRef]]] = {}
    for d in docs:
        if not d.city:
            continue
        for c in d.clauses:
            if c.kind != "incentive" or not c.instrument:
                continue
            item = (order[(d.id, c.id)], d.city, clause_iri(d.id, c.article_key, c.id))
            for slug in dict.fromkeys(c.categories):
                found.setdefault((slug, c.instrument), []).append(item)
    return {key: sorted(items) for key, items in found.items()}


def city_runs(entries: Sequence[tuple[int, str, URIRef]]) -> dict[str, tuple[int, int]]:
    """(start, length) of each city's places in a ranking (its places are contiguous: the sort key
    orders by city first).

    >>> city_runs([(0, "丽水", None), (3, "温州", None), (5, "温州", None)])
    {'丽水': (0, 1), '温州': (1, 2)}
    """
    runs: dict[str, tuple[int, int]] = {}
    for place, (_, city, _) in enumerate(entries):
        start, length = runs.get(city, (place, 0))
        if start + length != place:
            raise ValueError(f"the places of {city} in a ranking are not contiguous")
        runs[city] = (start, length + 1)
    return runs


def similar_totals(docs: list[Document], rankings: dict) -> dict[URIRef, int]:
    """similar-incentives' total without a city, for every clause with an instrument and a category:
    the incentives of other cities (see similar_city) in the union of its keys' rankings."""
    runs = {key: city_runs(entries) for key, entries in rankings.items()}
    union: dict[frozenset, int] = {}  # the size of the union of the keys' rankings
    own: dict[tuple[frozenset, str], int] = {}  # ... and of one city's runs in them
    totals = {}
    for d in docs:
        city = similar_city(d)
        for c in d.clauses:
            if not c.instrument or not c.categories:
                continue
            keys = frozenset((slug, c.instrument) for slug in c.categories if (slug, c.instrument) in rankings)
            total = 0
            if city is not None and keys:
                if keys not in union:
                    union[keys] = len({entry[0] for key in keys for entry in rankings[key]})
                if (keys, city) not in own:
                    own[keys, city] = len({entry[0] for key in keys if city in runs[key]
                                           for entry in _run(rankings[key], runs[key][city])})
                total = union[keys] - own[keys, city]
            totals[clause_iri(d.id, c.article_key, c.id)] = total
    return totals


def _run(entries: Sequence, run: tuple[int, int]) -> Sequence:
    start, length = run
    return entries[start:start + length]


def similar_triples(docs: list[Document]):
    """The rankings of similar-incentives with their city runs (pkg:RankRun), and pkg:similarTotal
    on every clause with an instrument and a category."""
    rankings = similar_rankings(docs)
    for (slug, instrument), entries in sorted(rankings.items()):
        yield from _ranking(SIMILAR, f"{segment(slug)}/{segment(instrument)}", [(iri, None) for _, _, iri in entries])
        for city, (start, length) in city_runs(entries).items():
            run = similar_run_iri(slug, instrument, city)
            yield run, RDF.type, PKG.RankRun
            yield run, PKG.cityName, Literal(city)
            yield run, PKG.runStart, integer_literal(start)
            yield run, PKG.runLength, integer_literal(length)
    for clause, total in similar_totals(docs, rankings).items():
        yield clause, PKG.similarTotal, integer_literal(total)
