"""Clause models to RDF: `documents_to_graph` turns ingested documents into one rdflib graph.

The graph holds the ontology (ontology/policykg.ttl, so instrument, per, metric and comparison
individuals carry their labels) and the category scheme (ontology/categories.ttl), then one
description per document. Every node has a minted IRI derived from document id, article key,
clause id and list index (see docs/ontology.md), so that building twice gives identical
triples; there are no blank nodes. Money and percentages are exact xsd:decimal literals in
canonical form (0.03 stays "0.03", 200000.0 becomes "200000"), the form Oxigraph stores.
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from graph.digest import clause_lists
from graph.iris import (
    category_iri,
    citations,
    city_iri,
    clause_iri,
    decimal_literal,
    division_iri,
    doc_iri,
    funding_iri,
    label_lang,
    normalize_number,
    segment,
)
from graph.namespaces import (
    CCCEV,
    CPSV,
    DCTERMS,
    ELI,
    ID,
    INSTRUMENT,
    METRIC,
    PER,
    PERIOD,
    PKG,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    TIME,
    XSD,
)
from graph.vocabulary import AMOUNT_CLASSES, CLAUSE_CLASSES, COMPARISONS, ontology_graph, term_iri
from ingest.model import (
    Amount,
    Article,
    Bonus,
    Clause,
    Document,
    FundingRule,
    Rate,
    Reference,
    Span,
    StackingRule,
    Threshold,
    Tier,
    Validity,
)

DIVISION_CLASSES = {
    "section": PKG.Section, "article": PKG.Article, "item": PKG.Item, "annex": PKG.Annex,
    "closing": PKG.ClosingPart,
}
CURRENCIES = {"CNY", "USD"}

def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


# --- the graph --------------------------------------------------------------------------------

def documents_to_graph(docs: list[Document], cited: dict[str, URIRef] | None = None) -> Graph:
    """The ontology, categories and every document, clause and amount of `docs`.

    `cited` (from `citations`) names the documents citations may link to; by default `docs`.
    Building a large corpus in batches passes the citations of the whole corpus.
    """
    g = ontology_graph()
    cited = citations(docs) if cited is None else cited
    for doc in docs:
        _DocumentBuilder(g, doc, cited).build()
    return g


class _DocumentBuilder:
    """Adds one document's triples to a graph."""

    def __init__(self, graph: Graph, doc: Document, cited: dict[str, URIRef]):
        self.g = graph
        self.add = graph.add
        self.doc = doc
        self.cited = cited
        self.iri = doc_iri(doc.id)
        self.city = city_iri(doc.city) if doc.city else None  # None: the city is unknown
        self.short = doc.number or doc.title or doc.id
        self.keys = {a.key for a in doc.articles}
        self.rules = {r.id: r for r in doc.funding_rules}

    def build(self) -> None:
        doc, add, node = self.doc, self.add, self.iri
        for cls in (PKG.Document, ELI.LegalResource, PROV.Entity):
            add((node, RDF.type, cls))
        add((node, DCTERMS.identifier, Literal(doc.id)))
        add((node, RDFS.label, _zh(self.short)))
        add((node, RDFS.label, Literal(f"Policy document {doc.id}", lang="en")))
        add((node, PKG.sourceFile, Literal(doc.file)))
        add((node, PKG.sha256, Literal(doc.sha256)))
        add((node, PKG.synthetic, Literal(bool(doc.synthetic))))
        if doc.number:
            add((node, ELI.id_local, Literal(doc.number)))
        if doc.title:
            add((node, ELI.title, _zh(doc.title)))
        if self.city is not None and doc.city:
            add((node, PKG.city, self.city))
            add((self.city, RDF.type, SCHEMA.City))
            add((self.city, RDFS.label, Literal(doc.city, lang=label_lang(doc.city))))
        else:  # labelled 未知 / unknown in the ontology; typed here so that queries keep the document
            add((node, PKG.city, PKG.unknownCity))
            add((PKG.unknownCity, RDF.type, SCHEMA.City))
        self.place(doc)
        if doc.issuer:
            add((node, ELI.passed_by, self.agency(doc.issuer)))
        self.validity(doc.validity)
        for rule in doc.funding_rules:
            add((node, PKG.fundingRule, self.funding_rule(rule)))
        for i, stacking in enumerate(doc.stacking):
            add((node, PKG.stacking, self.stacking(URIRef(f"{node}/stacking/{i}"), stacking)))
        for ref in doc.references:
            add((node, ELI.cites, self.reference(ref)))
        for article in doc.articles:
            self.division(article)
        for clause in doc.clauses:
            self.clause(clause)

    def place(self, doc: Document) -> None:
        """Province, district or county, level, how the place was found, status, source URL."""
        add, node = self.add, self.iri
        if doc.province:
            add((node, PKG.province, Literal(doc.province)))
        if doc.district:
            add((node, PKG.issuerDistrict, Literal(doc.district)))
        add((node, PKG.adminLevel, Literal(doc.level or "unknown")))
        rule = next((e.rule for e in doc.origin if e.field == "place" and e.accepted), None)
        if rule:
            add((node, PKG.placeRule, Literal(rule)))
        add((node, PKG.documentStatus, term_iri("status", doc.status)))
        if doc.source_url:
            add((node, PKG.sourceUrl, Literal(doc.source_url, datatype=XSD.anyURI)))
        add((node, PKG.unstructured, Literal(bool(doc.unstructured))))

    # structure -----------------------------------------------------------------------------

    def division(self, article: Article) -> None:
        add, doc = self.add, self.doc
        node = division_iri(doc.id, article.key)
        cls = DIVISION_CLASSES.get(article.kind)
        if cls is None:
            raise ValueError(f"{doc.id}: article {article.key} has unknown kind {article.kind!r}")
        for c in (cls, PKG.Division, ELI.LegalResourceSubdivision):
            add((node, RDF.type, c))
        add((node, PKG.document, self.iri))
        parent = article.parent if article.parent in self.keys else None
        add((node, ELI.is_part_of, division_iri(doc.id, parent) if parent else self.iri))
        add((node, PKG.articleKey, Literal(article.key)))
        add((node, PKG.articleLabel, Literal(article.label)))
        add((node, PKG.level, Literal(article.level)))
        add((node, RDFS.label, _zh(f"{self.short} {article.label}")))
        add((node, RDFS.label, Literal(f"{doc.id} {article.kind} {article.key}", lang="en")))
        if article.title:
            add((node, ELI.title, _zh(article.title)))
        self.span(node, article.span)

    def span(self, node: URIRef, span: Span | None, text: str = "") -> None:
        add = self.add
        if span is not None:
            add((node, PKG.sourceStart, Literal(span.start)))
            add((node, PKG.sourceEnd, Literal(span.end)))
            for i, (start, end) in enumerate(span.gaps):
                gap = URIRef(f"{node}/gap/{i}")
                add((gap, RDF.type, PKG.Gap))
                add((gap, PKG.sourceStart, Literal(start)))
                add((gap, PKG.sourceEnd, Literal(end)))
                add((node, PKG.gap, gap))
        if text:
            add((node, PKG.text, _zh(text)))

    # clauses -------------------------------------------------------------------------------

    def clause(self, clause: Clause) -> None:
        add, doc = self.add, self.doc
        node = clause_iri(doc.id, clause.article_key, clause.id)
        cls = CLAUSE_CLASSES.get(clause.kind)
        if cls is None:
            raise ValueError(f"{doc.id}: clause {clause.id} has unknown kind {clause.kind!r}")
        for c in (cls, PKG.Clause, ELI.LegalResourceSubdivision, PROV.Entity):
            add((node, RDF.type, c))
        if clause.kind == "incentive":
            add((node, RDF.type, CPSV.PublicService))
            if clause.amounts or clause.rates or clause.tiers:
                add((node, RDF.type, SCHEMA.MonetaryGrant))
        add((node, DCTERMS.identifier, Literal(clause.id)))
        add((node, PKG.document, self.iri))
        add((node, PROV.wasDerivedFrom, self.iri))
        part_of = division_iri(doc.id, clause.article_key) if clause.article_key in self.keys else self.iri
        add((node, ELI.is_part_of, part_of))
        add((node, PKG.articleKey, Literal(clause.article_key)))
        add((node, PKG.articleLabel, Literal(clause.article)))
        add((node, RDFS.label, _zh(f"{self.short} {clause.article} {clause.id}")))
        add((node, RDFS.label, Literal(f"{doc.id} {clause.article_key} {clause.id}", lang="en")))
        add((node, PKG.sourceFile, Literal(doc.file)))
        self.span(node, clause.span, clause.text)
        for slug in clause.categories:
            add((node, PKG.category, category_iri(slug)))
        if clause.instrument:
            add((node, PKG.instrument, INSTRUMENT[segment(clause.instrument)]))
        for i, rate in enumerate(clause.rates):
            add((node, PKG.rate, self.rate(URIRef(f"{node}/rate/{i}"), rate)))
        for i, amount in enumerate(clause.amounts):
            add((node, PKG.amount, self.amount(URIRef(f"{node}/amount/{i}"), amount)))
        for i, threshold in enumerate(clause.thresholds):
            add((node, PKG.threshold, self.threshold(URIRef(f"{node}/threshold/{i}"), threshold)))
        for i, tier in enumerate(clause.tiers):
            add((node, PKG.tier, self.tier(URIRef(f"{node}/tier/{i}"), i, tier)))
        for i, bonus in enumerate(clause.bonuses):
            add((node, PKG.bonus, self.bonus(URIRef(f"{node}/bonus/{i}"), bonus)))
        if clause.one_time is not None:
            add((node, PKG.oneTime, Literal(clause.one_time)))
        self.payout(node, clause)
        if clause.beneficiary:
            beneficiary = ID[f"beneficiary/{segment(clause.beneficiary)}"]
            add((beneficiary, RDF.type, PKG.Beneficiary))
            add((beneficiary, RDFS.label, _zh(clause.beneficiary)))
            add((node, PKG.beneficiary, beneficiary))
        for i, condition in enumerate(clause.conditions):
            cond = URIRef(f"{node}/condition/{i}")
            add((cond, RDF.type, PKG.Condition))
            add((cond, RDF.type, CCCEV.Criterion))
            add((cond, DCTERMS.description, _zh(condition)))
            add((node, PKG.condition, cond))
        for ref in clause.references:
            add((node, ELI.cites, self.reference(ref)))
        for i, rule in enumerate(clause.stacking):
            add((node, PKG.stacking, self.stacking(URIRef(f"{node}/stacking/{i}"), rule)))
        for agency in clause.agencies:
            add((node, PKG.responsibleAgency, self.agency(agency)))
        for rule_id in clause.funding:
            add((node, PKG.fundedBy, self.funding_iri(rule_id)))
        for text in clause.unparsed:
            add((node, PKG.unparsed, _zh(text)))
        if clause.kind == "incentive":
            for name, listed in clause_lists(clause, self.rules).items():
                if listed:
                    add((node, PKG[f"{name}List"], Literal(listed)))

    def payout(self, node: URIRef, clause: Clause) -> None:
        """The payout model of ingest.payout: maximum per enterprise, ceiling, counts, requirements."""
        add = self.add
        if clause.kind != "incentive":
            return
        add((node, PKG.ceilingOnly, Literal(clause.ceiling_only)))
        if clause.max_per_enterprise_cny is not None:
            add((node, PKG.maxPerEnterprise, decimal_literal(clause.max_per_enterprise_cny)))
        for i, limit in enumerate(clause.count_limits):
            lim = URIRef(f"{node}/count-limit/{i}")
            add((lim, RDF.type, PKG.CountLimit))
            add((lim, PKG.maxCount, Literal(limit.count)))
            add((lim, PKG.basis, PER[segment(limit.unit)]))
            add((lim, PKG.countedPer, PER[segment(limit.per)]))
            add((lim, DCTERMS.description, _zh(limit.text)))
            add((node, PKG.countLimit, lim))
        for i, req in enumerate(clause.requirements):
            r = URIRef(f"{node}/requirement/{i}")
            add((r, RDF.type, PKG.PayoutRequirement))
            add((r, RDF.type, CCCEV.Criterion))
            add((r, PKG.requirementKind, term_iri("requirement", req.kind)))
            if req.op:
                add((r, PKG.comparison, COMPARISONS[req.op]))
            if req.value is not None:
                add((r, SCHEMA.value, decimal_literal(req.value)))
            if req.unit:
                add((r, PKG.unit, Literal(req.unit)))
            if req.scope:
                add((r, PKG.scope, Literal(req.scope)))
            if req.direct is not None:
                add((r, PKG.direct, Literal(req.direct)))
            if req.level:
                add((r, PKG.recognitionLevel, Literal(req.level)))
            add((r, DCTERMS.description, _zh(req.text)))
            add((node, PKG.requirement, r))

    def rate(self, node: URIRef, rate: Rate) -> URIRef:
        add = self.add
        add((node, RDF.type, PKG.Rate))
        add((node, PKG.percent, decimal_literal(rate.percent)))
        add((node, PKG.maximum, Literal(rate.maximum)))
        if rate.base:
            add((node, PKG.costBase, _zh(rate.base)))
        if rate.qualifier:
            add((node, PKG.qualifier, _zh(rate.qualifier)))
        self.span(node, rate.span, rate.text)
        return node

    def amount(self, node: URIRef, amount: Amount) -> URIRef:
        add = self.add
        cls = AMOUNT_CLASSES.get(amount.role)
        if cls is None:
            raise ValueError(f"{self.doc.id}: amount {node} has unknown role {amount.role!r}")
        add((node, RDF.type, cls))
        add((node, RDF.type, SCHEMA.MonetaryAmount))
        add((node, SCHEMA.value, decimal_literal(amount.value)))
        add((node, SCHEMA.currency, Literal("CNY")))
        if amount.per:
            add((node, PKG.per, PER[segment(amount.per)]))
        if amount.basis:
            add((node, PKG.basis, PER[segment(amount.basis)]))
        if amount.period:
            add((node, PKG.period, PERIOD[segment(amount.period)]))
        add((node, PKG.perYear, Literal(bool(amount.per_year))))
        if amount.unit:
            add((node, PKG.unit, Literal(amount.unit)))
        if amount.qualifier:
            add((node, PKG.qualifier, _zh(amount.qualifier)))
        self.span(node, amount.span, amount.text)
        return node

    def threshold(self, node: URIRef, threshold: Threshold) -> URIRef:
        add = self.add
        add((node, RDF.type, PKG.Threshold))
        add((node, RDF.type, CCCEV.Constraint))
        add((node, PKG.metric, METRIC[segment(threshold.metric)]))
        comparison = COMPARISONS.get(threshold.op)
        if comparison is None:
            raise ValueError(f"{self.doc.id}: threshold {node} has unknown op {threshold.op!r}")
        add((node, PKG.comparison, comparison))
        add((node, SCHEMA.value, decimal_literal(threshold.value)))
        add((node, PKG.unit, Literal(threshold.unit)))
        if threshold.unit in CURRENCIES:
            add((node, SCHEMA.currency, Literal(threshold.unit)))
        if threshold.scope:
            add((node, PKG.scope, Literal(threshold.scope)))
        self.span(node, threshold.span, threshold.text)
        return node

    def tier(self, node: URIRef, index: int, tier: Tier) -> URIRef:
        add = self.add
        add((node, RDF.type, PKG.Tier))
        add((node, PKG.tierIndex, Literal(index)))
        if tier.label:
            add((node, PKG.tierLabel, _zh(tier.label)))
        if tier.threshold is not None:
            add((node, PKG.tierThreshold, self.threshold(URIRef(f"{node}/threshold"), tier.threshold)))
        add((node, PKG.tierAmount, self.amount(URIRef(f"{node}/amount"), tier.amount)))
        return node

    def bonus(self, node: URIRef, bonus: Bonus) -> URIRef:
        add = self.add
        add((node, RDF.type, PKG.Bonus))
        add((node, PKG.bonusCondition, _zh(bonus.condition)))
        if bonus.amount is not None:
            money = URIRef(f"{node}/amount")
            for cls in (PKG.BonusAmount, SCHEMA.MonetaryAmount):
                add((money, RDF.type, cls))
            add((money, SCHEMA.value, decimal_literal(bonus.amount)))
            add((money, SCHEMA.currency, Literal("CNY")))
            add((money, PKG.perYear, Literal(False)))
            add((node, PKG.bonusAmount, money))
        if bonus.percent is not None:
            add((node, PKG.percent, decimal_literal(bonus.percent)))
        self.span(node, bonus.span, bonus.text)
        return node

    def stacking(self, node: URIRef, rule: StackingRule) -> URIRef:
        add = self.add
        add((node, RDF.type, PKG.StackingRule))
        add((node, PKG.stackingKind, Literal(rule.kind)))
        for label in rule.excludes_articles:
            add((node, PKG.excludesArticle, Literal(label)))
        self.span(node, rule.span, rule.text)
        return node

    # who, when, which documents --------------------------------------------------------------

    def agency(self, name: str) -> URIRef:
        where = segment(self.doc.city) if self.doc.city else "_"
        node = ID[f"agency/{where}/{segment(name)}"]
        self.add((node, RDF.type, CCCEV.PublicOrganisation))
        self.add((node, RDFS.label, _zh(name)))
        return node

    def reference(self, ref: Reference) -> URIRef:
        number = normalize_number(ref.number)
        node = self.cited.get(number) if number else None
        if node is None:
            # a document cited by title only (《丽水市公共海外仓评价办法》) is known by its title
            node = ID[f"cited/{segment(number)}"] if number else ID[f"cited/title/{segment(ref.title or '')}"]
            self.add((node, RDF.type, ELI.LegalResource))
            if number:
                self.add((node, ELI.id_local, Literal(number)))
            self.add((node, RDFS.label, _zh(number or ref.title or "")))
            if ref.title:
                self.add((node, ELI.title, _zh(ref.title)))
        return node

    def funding_iri(self, rule_id: str) -> URIRef:
        return funding_iri(self.doc.id, rule_id)

    def funding_rule(self, rule: FundingRule) -> URIRef:
        add = self.add
        node = self.funding_iri(rule.id)
        add((node, RDF.type, PKG.FundingRule))
        add((node, DCTERMS.identifier, Literal(rule.id)))
        add((node, PKG.fundingKind, Literal(rule.kind)))
        for level, share in (("city", rule.city_share), ("local", rule.local_share)):
            if share is not None:
                part = URIRef(f"{node}/share/{level}")
                add((part, RDF.type, PKG.FundingShare))
                add((part, PKG.payerLevel, Literal(level)))
                add((part, PKG.percent, decimal_literal(share)))
                add((node, PKG.share, part))
        for name in rule.districts:
            where = segment(self.doc.city) if self.doc.city else "_"
            district = ID[f"district/{where}/{segment(name)}"]
            add((district, RDF.type, PKG.District))
            add((district, RDF.type, SCHEMA.AdministrativeArea))
            add((district, RDFS.label, _zh(name)))
            if self.city is not None:
                add((district, SCHEMA.containedInPlace, self.city))
            add((node, PKG.appliesToDistrict, district))
        for label in rule.articles:
            add((node, PKG.appliesToArticle, Literal(label)))
        for label in rule.except_articles:
            add((node, PKG.exceptArticle, Literal(label)))
        self.span(node, rule.span, rule.text)
        return node

    def validity(self, validity: Validity) -> None:
        add, doc = self.add, self.iri
        if validity.issued:
            add((doc, ELI.date_document, Literal(validity.issued)))
        if validity.printed:
            add((doc, ELI.date_publication, Literal(validity.printed)))
        if validity.effective:
            add((doc, ELI.first_date_entry_in_force, Literal(validity.effective)))
        if validity.expiry:
            add((doc, ELI.date_no_longer_in_force, Literal(validity.expiry)))
        node = URIRef(f"{doc}/validity")
        add((node, RDF.type, PKG.ValidityPeriod))
        add((node, RDF.type, TIME.Interval))
        add((doc, PKG.validity, node))
        for prop, day, name in ((TIME.hasBeginning, validity.effective, "begin"),
                                (TIME.hasEnd, validity.expiry, "end")):
            if day:
                instant = URIRef(f"{node}/{name}")
                add((instant, RDF.type, TIME.Instant))
                add((instant, TIME.inXSDDate, Literal(day)))
                add((node, prop, instant))
        if validity.awards_from:
            add((node, PKG.awardsFrom, Literal(validity.awards_from)))
        if validity.awards_to:
            add((node, PKG.awardsTo, Literal(validity.awards_to)))
        add((node, PKG.expiryComputed, Literal(bool(validity.expiry_computed))))
        if validity.duration:
            add((node, PKG.durationText, _zh(validity.duration)))
        self.span(node, validity.span)
