"""The RDF graph built from clause models, the Oxigraph store, SHACL on it, and the
`query`/`validate`/`export` commands, on hand-built documents resembling corpus/ items.

Offsets are located in the corpus files; values (50%, 20万元, 200万美元, 0.03元, ...) are
read by hand from the text quoted next to each fixture.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

import graph.namespaces as ns
from graph.namespaces import CAT, ID, INSTRUMENT, METRIC, PER, PKG, SCHEMA
from graph.rdf import documents_to_graph
from graph.shacl import validate
from graph.store import load_graph, open_store, query, reading_store, store_path, write_store
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
from policykg.errors import PolicyKGError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def _text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _find(source: str, needle: str, after: int = 0) -> tuple[int, int]:
    """Where `needle` occurs in the source at or after `after`, line breaks allowed anywhere."""
    pattern = r"\s*".join(re.escape(ch) for ch in needle)
    match = re.compile(pattern).search(source, after)
    assert match, f"{needle!r} not in the source"
    return match.start(), match.end()


def _span(source: str, first: str, last: str, after: int = 0) -> Span:
    """From the start of `first` to the end of the next `last` (both found in the source)."""
    start, _ = _find(source, first, after)
    _, end = _find(source, last, start)
    return Span(start, end)


def _at(source: str, piece: str, within: Span) -> Span:
    start, end = _find(source, piece, within.start)
    assert end <= within.end, f"{piece!r} is not inside {within}"
    return Span(start, end)


def _flat(source: str, span: Span) -> str:
    return source[span.start:span.end].replace("\n", "")


def wenzhou() -> Document:
    """温政办〔2022〕60号, items 2, 3, 12 and 16 and the annex's funding and stacking rules."""
    src = _text("wenzhou-2022-60.txt")
    doc_id = "wenzhou-2022-60"
    articles = [
        Article("1", "一、", 1, "支持跨境电商发展", "section", None, _span(src, "一、支持跨境电商发展", "发展")),
        Article("1.2", "一、2", 2, "鼓励跨境电商企业自建独立站", "item", "1",
                _span(src, "2.鼓励跨境电商企业自建独立站", "由属地政府承担。")),
        Article("1.3", "一、3", 2, "支持跨境电商综合服务企业培育", "item", "1",
                _span(src, "3.支持跨境电商综合服务企业培育", "一次性奖励。")),
        Article("3", "三、", 1, "支持企业扩大进口业务", "section", None, _span(src, "三、支持企业扩大进口业务", "业务")),
        Article("3.12", "三、12", 2, None, "item", "3", _span(src, "12.进口原材料", "300万元。")),
        Article("4", "四、", 1, "支持企业“走出去”", "section", None, _span(src, "四、支持企业“走出去”", "”")),
        Article("4.16", "四、16", 2, None, "item", "4", _span(src, "16.对企业开展对外绿地投资", "上浮 10%。")),
        Article("annex", "附则", 1, None, "annex", None, _span(src, "附 则", "则")),
        Article("annex.2", "附则2", 2, None, "item", "annex",
                _span(src, "2.关于叠加奖励", "数据享受的补助不叠加。")),
    ]

    # 对自建跨境电商独立站且跨境电商申报出口额达 200万美元以上的企业，按独立站建设及运维实际投入
    # 经费的 50%给予补助，单家企业申报独立站数量不超过 2个，单个独立站补助最高不超过 20万元，
    # 具体补助金额由属地政府承担。
    s2 = _span(src, "对自建跨境电商独立站且", "由属地政府承担。")
    site = Clause(  # ingest's ids repeat document and article key; the IRI does not
        id="wenzhou-2022-60/1.2/c1", doc_id=doc_id, article="一、2", article_key="1.2", kind="incentive",
        text=_flat(src, s2), span=s2, categories=["independent-site"], instrument="proportional",
        rates=[Rate(Decimal("50"), "独立站建设及运维实际投入经费", span=_at(src, "50%", s2), text="50%")],
        amounts=[Amount(Decimal("200000"), "cap", "site", False, span=_at(src, "20万元", s2), text="20万元")],
        thresholds=[Threshold("exports", ">=", Decimal("2000000"), "USD",
                              _at(src, "200万美元以上", s2), "200万美元以上")],
        beneficiary="跨境电商企业", conditions=["自建跨境电商独立站"], funding=["wenzhou-2022-60/f1"],
        one_time=None,
    )

    # 对经市商务主管部门认定的市级跨境电商综合服务企业，其所服务跨境电商企业出口额达 1 亿美元以上、
    # 5 亿美元以上、10 亿美元以上的，分别给予 50万元、100万元、150万元的一次性奖励。
    s3 = _span(src, "对经市商务主管部门认定的市级跨境电商综合服务企业", "一次性奖励。")
    tiers = [
        Tier(Threshold("exports", ">=", Decimal(v) * 100_000_000, "USD"),
             Amount(Decimal(a) * 10_000, "tier", "enterprise", span=_at(src, f"{a}万元", s3), text=f"{a}万元"))
        for v, a in (("1", "50"), ("5", "100"), ("10", "150"))
    ]
    service = Clause(
        id="c1", doc_id=doc_id, article="一、3", article_key="1.3", kind="incentive",
        text=_flat(src, s3), span=s3, categories=["service-provider"], instrument="tiered",
        tiers=tiers, one_time=True, beneficiary="市级跨境电商综合服务企业",
    )

    # 进口原材料或半成品、生产资料达 500万美元以上，且货物运输到温州的（指在温州口岸清关），每新增进口
    # 1美元给予境内收货人 0.03元补助；…单家企业补助最高不超过 300万元。
    s12 = _span(src, "12.进口原材料", "300万元。")
    imports = Clause(
        id="c1", doc_id=doc_id, article="三、12", article_key="3.12", kind="incentive",
        text=_flat(src, s12), span=s12, categories=["import"], instrument="per-unit",
        amounts=[
            Amount(Decimal("0.03"), "per-unit", None, False, "USD imported", "运输到温州",
                   _at(src, "0.03元", s12), "0.03元"),
            Amount(Decimal("0.01"), "per-unit", None, False, "USD imported", "未运输到温州",
                   _at(src, "0.01 元", s12), "0.01 元"),
            Amount(Decimal("3000000"), "cap", "enterprise", False, span=_at(src, "300万元", s12), text="300万元"),
        ],
        thresholds=[Threshold("imports", ">=", Decimal("5000000"), "USD", _at(src, "500万美元以上", s12), "500万美元以上")],
        beneficiary="境内收货人",
    )

    # 按中方当年实际投资额分 100万美元、500万美元、1000万美元（含以上）三档，分别给予 10万、30万、50万元
    # 补助。“一带一路”沿线国家项目上浮 10%。
    s16 = _span(src, "对企业在境外开展绿地投资", "上浮 10%。")
    outbound = Clause(
        id="c2", doc_id=doc_id, article="四、16", article_key="4.16", kind="incentive",
        text=_flat(src, s16), span=s16, categories=["outbound-investment"], instrument="tiered",
        tiers=[Tier(Threshold("investment", ">=", Decimal(v) * 10_000, "USD"), Amount(Decimal(a) * 10_000, "tier"))
               for v, a in (("100", "10"), ("500", "30"), ("1000", "50"))],
        bonuses=[Bonus("“一带一路”沿线国家项目", percent=Decimal("10"), span=_at(src, "上浮 10%", s16), text="上浮 10%")],
    )

    # 附则 2: 同时符合市区两级政策（含“一事一议”）的，奖补金额就高执行，不叠加。…均按现行财政体制分担。
    sa = _span(src, "2.关于叠加奖励", "数据享受的补助不叠加。")
    stack = _span(src, "同时符", "不叠加。")
    general = Clause(
        id="c1", doc_id=doc_id, article="附则2", article_key="annex.2", kind="general",
        text=_flat(src, stack), span=stack,
        stacking=[StackingRule("highest-only", _flat(src, stack), stack)],
    )
    local_text = "具体补助金额由属地政府承担。"
    fiscal = _span(src, "奖补资金除正文条款中", "分担。", after=sa.start)
    return Document(
        id=doc_id, file="corpus/wenzhou-2022-60.txt",
        sha256="42bc0d77f06760d4c444880bf2935b269163bd713d25f2b3fb2a65908461895f",
        city="温州", number="温政办〔2022〕60号", title="温州市人民政府办公室关于进一步加快开放型经济发展的若干补充意见",
        issuer="温州市人民政府办公室",
        validity=Validity(issued=date(2022, 7, 17), printed=date(2022, 7, 17), effective=date(2022, 8, 25),
                          expiry=date(2022, 12, 31), awards_from=date(2022, 1, 1), awards_to=date(2022, 12, 31),
                          span=_span(src, "7.本意见自", "31日")),
        funding_rules=[
            FundingRule("wenzhou-2022-60/f1", "local", local_text, local_share=Decimal("100"), city_share=Decimal("0"),
                        articles=["一、2"], span=_at(src, local_text, s2)),
            FundingRule("wenzhou-2022-60/f2", "fiscal-system", _flat(src, fiscal), span=fiscal),
        ],
        stacking=[StackingRule("highest-only", _flat(src, stack), stack)],
        articles=articles, clauses=[site, service, imports, outbound, general],
    )


def lishui() -> Document:
    """丽政办发〔2021〕67号 item 四 (a page number inside it) and a citation of 丽政办发〔2020〕1号."""
    src = _text("lishui-2021-67.txt")
    doc_id = "lishui-2021-67"
    # 对入驻该园区的电商企业及配套企业给予场地租金每平方米每月 5元的补助，连续补助三年。
    s4 = _span(src, "四、支持建设跨境电商产业园。", "连续补助三年。")
    page = src.index("— 3 —")
    park = Clause(
        id="c1", doc_id=doc_id, article="四、", article_key="4", kind="incentive",
        text=_flat(src, s4).replace("— 3 —", ""), span=Span(s4.start, s4.end, [(page, page + len("— 3 —"))]),
        categories=["industrial-park"], instrument="fixed",
        amounts=[
            Amount(Decimal("1000000"), "award", None, False, span=_at(src, "100万元", s4), text="100万元"),
            Amount(Decimal("5"), "per-unit", None, False, "m2-month", span=_at(src, "5元", s4), text="5元"),
        ],
        thresholds=[
            Threshold("area", ">=", Decimal("10000"), "m2", _at(src, "1万平米以上", s4), "1万平米以上"),
            Threshold("share", ">=", Decimal("70"), "percent", _at(src, "70%以上", s4), "70%以上"),
            Threshold("turnover", ">=", Decimal("200000000"), "CNY", _at(src, "2亿元", s4), "2亿元"),
        ],
        one_time=True,
    )
    cite_span = _span(src, "给予跨境电商经营主体国际邮递费用补助", "文件执行。")
    postage = Clause(
        id="c4", doc_id=doc_id, article="二、", article_key="2", kind="incentive",
        text=_flat(src, cite_span), span=cite_span, categories=["logistics"], instrument="reference",
        references=[Reference("丽政办发〔2020〕1号", "丽水市人民政府办公室关于促进丽水市电子商务发展的实施意见",
                              _at(src, "丽政办发", cite_span))],
    )
    validity_span = _span(src, "本意见自2022年2月1日起施行", "有效期五年。")
    return Document(
        id=doc_id, file="corpus/lishui-2021-67.txt",
        sha256="8cf9a059f8acc7e02c26d2466ebc13e8c5e143a5fa8231a6f4648424b4b89c67",
        city="丽水", number="丽政办发〔2021〕67号", title=None, issuer="丽水市人民政府办公室",
        validity=Validity(issued=date(2021, 12, 10), effective=date(2022, 2, 1), expiry=date(2027, 1, 31),
                          expiry_computed=True, duration="有效期五年", span=validity_span),
        articles=[
            Article("2", "二、", 1, "支持企业开展跨境电商业务", "section", None, None),
            Article("4", "四、", 1, "支持建设跨境电商产业园", "section", None, s4),
        ],
        clauses=[park, postage],
    )


def hangzhou() -> Document:
    """杭政办函〔2023〕9号 （十一）: 50% each for 上城区…; 25% / 75% for 萧山区…."""
    src = _text("hangzhou-2023-9.txt")
    doc_id = "hangzhou-2023-9"
    half = _span(src, "其中涉及上城区", "各承担 50%；")
    quarter = _span(src, "涉及萧山区", "75%。")
    rules = [
        FundingRule("hangzhou-2023-9/f1", "shared", _flat(src, half), Decimal("50"), Decimal("50"),
                    ["上城区", "拱墅区", "西湖区", "杭州高新开发区（滨江）", "钱塘区", "富阳区", "杭州西湖风景名胜区"],
                    except_articles=["六", "七", "九"], span=half),
        FundingRule("hangzhou-2023-9/f2", "shared", _flat(src, quarter), Decimal("25"), Decimal("75"),
                    ["萧山区", "余杭区", "临平区", "临安区", "桐庐县", "淳安县", "建德市"],
                    except_articles=["六", "七", "九"], span=quarter),
    ]
    return Document(
        id=doc_id, file="corpus/hangzhou-2023-9.txt",
        sha256="6b002ba7f73cb5f660d76579864011bf4a854e2c6f2b51d0e504383dc8bfa404",
        city="杭州", number="杭政办函〔2023〕9号", title=None, issuer=None,
        validity=Validity(effective=date(2023, 2, 18), expiry=date(2026, 2, 18)),
        funding_rules=rules,
        references=[Reference("浙政办发〔2021〕32号", "浙江省人民政府办公厅关于印发浙江跨境电子商务高质量发展行动计划的通知")],
    )


def documents() -> list[Document]:
    return [wenzhou(), lishui(), hangzhou()]


@pytest.fixture(scope="module")
def built() -> Graph:
    return documents_to_graph(documents())


@pytest.fixture(scope="module")
def store(tmp_path_factory, built) -> Path:
    store_dir = tmp_path_factory.mktemp("store")
    write_store(built, store_dir)
    return store_dir


def _c(doc: str, key: str, cid: str) -> URIRef:
    return URIRef(f"https://w3id.org/policykg/id/clause/{doc}/{key}/{cid}")


# --- the graph --------------------------------------------------------------------------------

def test_clause_iri_and_its_amount_threshold_and_rate(built):
    clause = _c("wenzhou-2022-60", "1.2", "c1")
    assert (clause, RDF.type, PKG.Incentive) in built
    assert (clause, RDF.type, PKG.Clause) in built
    assert (clause, PKG.instrument, INSTRUMENT["proportional"]) in built
    assert (clause, PKG.document, URIRef("https://w3id.org/policykg/id/doc/wenzhou-2022-60")) in built
    cap = URIRef(f"{clause}/amount/0")
    assert (clause, PKG.amount, cap) in built
    assert (cap, RDF.type, PKG.Cap) in built
    assert (cap, SCHEMA.value, Literal("200000", datatype=ns.XSD.decimal)) in built
    assert (cap, SCHEMA.currency, Literal("CNY")) in built
    assert (cap, PKG.per, PER["site"]) in built
    threshold = URIRef(f"{clause}/threshold/0")
    assert (threshold, PKG.metric, METRIC["exports"]) in built
    assert (threshold, PKG.comparison, PKG.atLeast) in built
    assert (threshold, SCHEMA.value, Literal("2000000", datatype=ns.XSD.decimal)) in built
    assert (threshold, SCHEMA.currency, Literal("USD")) in built
    rate = URIRef(f"{clause}/rate/0")
    assert built.value(rate, PKG.percent) == Literal("50", datatype=ns.XSD.decimal)
    assert str(built.value(rate, PKG.costBase)) == "独立站建设及运维实际投入经费"


def test_money_is_exact_decimal_never_float(built):
    value = built.value(_c("wenzhou-2022-60", "3.12", "c1") + "/amount/0", SCHEMA.value)
    assert str(value) == "0.03" and value.datatype == ns.XSD.decimal
    assert value.toPython() == Decimal("0.03")
    for _, _, o in built.triples((None, SCHEMA.value, None)):
        assert o.datatype == ns.XSD.decimal
    assert not any(isinstance(o, Literal) and o.datatype in (ns.XSD.double, ns.XSD.float) for o in built.objects())


def test_provenance_of_a_clause(built):
    src = _text("wenzhou-2022-60.txt")
    clause = _c("wenzhou-2022-60", "1.2", "c1")
    start = built.value(clause, PKG.sourceStart).toPython()
    end = built.value(clause, PKG.sourceEnd).toPython()
    assert src[start:end].startswith("对自建跨境电商独立站且") and src[start:end].endswith("由属地政府承担。")
    assert str(built.value(clause, PKG.sourceFile)) == "corpus/wenzhou-2022-60.txt"
    assert built.value(clause, PKG.text).language == "zh"
    doc = URIRef("https://w3id.org/policykg/id/doc/wenzhou-2022-60")
    assert str(built.value(doc, PKG.sha256)) == "42bc0d77f06760d4c444880bf2935b269163bd713d25f2b3fb2a65908461895f"


def test_gap_inside_a_span(built):
    src = _text("lishui-2021-67.txt")
    gap = _c("lishui-2021-67", "4", "c1") + "/gap/0"
    start, end = (built.value(gap, p).toPython() for p in (PKG.sourceStart, PKG.sourceEnd))
    assert src[start:end] == "— 3 —"


def test_per_unit_amount_of_5_yuan_per_m2_month(built):
    amount = _c("lishui-2021-67", "4", "c1") + "/amount/1"
    assert (amount, RDF.type, PKG.PerUnitAmount) in built
    assert built.value(amount, SCHEMA.value) == Literal("5", datatype=ns.XSD.decimal)
    assert str(built.value(amount, PKG.unit)) == "m2-month"


def test_tiers_and_bonus(built):
    clause = _c("wenzhou-2022-60", "1.3", "c1")
    tier = URIRef(f"{clause}/tier/2")
    assert built.value(tier, PKG.tierIndex).toPython() == 2
    assert built.value(URIRef(f"{tier}/amount"), SCHEMA.value).toPython() == Decimal("1500000")
    assert built.value(URIRef(f"{tier}/threshold"), SCHEMA.value).toPython() == Decimal("1000000000")
    bonus = _c("wenzhou-2022-60", "4.16", "c2") + "/bonus/0"
    assert built.value(bonus, PKG.percent) == Literal("10", datatype=ns.XSD.decimal)


def test_funding_rules_shares_and_districts(built):
    rule = URIRef("https://w3id.org/policykg/id/doc/hangzhou-2023-9/funding/f2")
    shares = {str(built.value(s, PKG.payerLevel)): built.value(s, PKG.percent).toPython()
              for s in built.objects(rule, PKG.share)}
    assert shares == {"city": Decimal("25"), "local": Decimal("75")}
    districts = {str(built.value(d, RDFS.label)) for d in built.objects(rule, PKG.appliesToDistrict)}
    assert "萧山区" in districts and len(districts) == 7
    clause = _c("wenzhou-2022-60", "1.2", "c1")
    local = next(built.objects(clause, PKG.fundedBy))
    assert str(built.value(local, PKG.fundingKind)) == "local"


def test_validity_period(built):
    doc = URIRef("https://w3id.org/policykg/id/doc/lishui-2021-67")
    period = built.value(doc, PKG.validity)
    assert (period, RDF.type, ns.TIME.Interval) in built
    end = built.value(period, ns.TIME.hasEnd)
    assert built.value(end, ns.TIME.inXSDDate).toPython() == date(2027, 1, 31)
    assert built.value(period, PKG.expiryComputed).toPython() is True
    assert str(built.value(period, PKG.durationText)) == "有效期五年"


def test_cross_reference_to_a_cited_document(built):
    clause = _c("lishui-2021-67", "2", "c4")
    from graph.namespaces import ELI
    cited = built.value(clause, ELI.cites)
    assert str(built.value(cited, ELI.id_local)) == "丽政办发〔2020〕1号"
    assert (cited, RDF.type, ELI.LegalResource) in built


def test_reference_to_a_document_in_the_set_links_to_it():
    cited_doc = hangzhou()
    citing = Document(id="synthetic-0001", file="synthetic/0001.txt", sha256="0" * 64, city="杭州",
                      number=None, title=None, issuer=None, validity=Validity(), synthetic=True,
                      references=[Reference("杭政办函 [2023] 9号")])
    g = documents_to_graph([cited_doc, citing])
    from graph.namespaces import ELI
    assert (ID["doc/synthetic-0001"], ELI.cites, ID["doc/hangzhou-2023-9"]) in g


def test_zh_and_en_labels_side_by_side(built):
    clause = _c("wenzhou-2022-60", "1.2", "c1")
    langs = sorted(label.language for label in built.objects(clause, RDFS.label))
    assert langs == ["en", "zh"]
    assert {label.language for label in built.objects(PKG.Clause, RDFS.label)} == {"en", "zh"}
    assert {label.language for label in built.objects(INSTRUMENT["case-by-case"], RDFS.label)} == {"en", "zh"}


def test_categories_link_to_concepts_with_their_broader_ones(built):
    clause = _c("lishui-2021-67", "4", "c1")
    assert (clause, PKG.category, CAT["industrial-park"]) in built
    assert (CAT["public-overseas-warehouse"], SKOS.broader, CAT["overseas-warehouse"]) in built
    assert (CAT["industrial-park"], RDF.type, SKOS.Concept) in built


def test_no_blank_nodes(built):
    assert not [t for t in built if any(isinstance(x, BNode) for x in t)]


def test_building_twice_gives_identical_triples():
    first, second = documents_to_graph(documents()), documents_to_graph(documents())
    assert set(first) == set(second)
    assert len(first) == len(second) > 500


def _declared_terms() -> set[URIRef]:
    g = Graph()
    for ttl in (ROOT / "ontology").glob("*.ttl"):
        if ttl.name != "shapes.ttl":
            g.parse(ttl, format="turtle")
    kinds = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
    return {s for s, _, o in g.triples((None, RDF.type, None)) if o in kinds}


def test_every_predicate_and_class_of_the_built_graph_is_declared(built):
    builtin = (str(RDF), str(RDFS), str(OWL), str(ns.XSD))
    declared = _declared_terms()
    used = set(built.predicates()) | set(built.objects(None, RDF.type))
    missing = sorted(t for t in used if not str(t).startswith(builtin) and t not in declared)
    assert not missing, f"used but not declared in ontology/*.ttl: {missing}"


def test_built_graph_conforms_to_the_shapes(built):
    conforms, messages = validate(built)
    assert conforms, "\n".join(messages)


def test_a_15k_triple_graph_of_twenty_copies_conforms():
    docs = []
    for n in range(20):
        for doc in documents():
            doc.id = f"{doc.id}-copy{n}"
            for clause in doc.clauses:
                clause.doc_id = doc.id
            doc.funding_rules = [FundingRule(f"{doc.id}/{r.id}", r.kind, r.text, r.city_share, r.local_share,
                                             r.districts, r.articles, r.except_articles, r.span)
                                 for r in doc.funding_rules]
            for clause in doc.clauses:
                clause.funding = [f"{doc.id}/{f}" for f in clause.funding]
            docs.append(doc)
    g = documents_to_graph(docs)  # its speed is measured by `make bench`, not here
    conforms, messages = validate(g)
    assert conforms, "\n".join(messages[:10])
    assert len(g) > 14_000


def test_a_wrong_instrument_slug_fails_validation_with_a_readable_message():
    doc = wenzhou()
    doc.clauses[0].instrument = "grant-ish"
    conforms, messages = validate(documents_to_graph([doc]))
    assert not conforms
    assert any("id:clause/wenzhou-2022-60/1.2/c1 pkg:instrument" in m and "pkg:Instrument" in m for m in messages)


def test_blank_nodes_are_reported_by_validation(built):
    g = Graph()
    g += built
    g.add((BNode("x"), RDFS.label, Literal("orphan")))
    conforms, messages = validate(g)
    assert not conforms
    assert any("blank node" in m for m in messages)


# --- the store ----------------------------------------------------------------------------------

def test_store_round_trip_keeps_every_triple_and_exact_decimals(store, built):
    assert set(load_graph(store)) == set(built)
    columns, rows = query(store, """
        PREFIX pkg: <https://w3id.org/policykg/ontology#>
        PREFIX schema: <https://schema.org/>
        SELECT ?v WHERE { <https://w3id.org/policykg/id/clause/wenzhou-2022-60/3.12/c1> pkg:amount ?a .
                          ?a schema:value ?v } ORDER BY ?v""")
    assert columns == ["v"]
    assert [r[0] for r in rows] == [Decimal("0.01"), Decimal("0.03"), Decimal("3000000")]
    assert all(isinstance(r[0], Decimal) for r in rows)


def test_open_store_is_an_rdflib_graph_and_closes(store):
    g = open_store(store)
    assert (_c("wenzhou-2022-60", "1.2", "c1"), RDF.type, PKG.Incentive) in g
    assert len(g) > 500
    g.close()
    with reading_store(store) as g:  # opened again after closing; prefixes are bound
        assert bool(g.query("ASK { ?s a pkg:Clause }").askAnswer)


def test_query_values_and_broader_categories(store):
    columns, rows = query(store, """
        PREFIX pkg: <https://w3id.org/policykg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?label ?day WHERE {
          ?c pkg:category/skos:broader* <https://w3id.org/policykg/category/industrial-park> ;
             pkg:document ?d .
          ?d pkg:validity/<http://www.w3.org/2006/time#hasBeginning>/<http://www.w3.org/2006/time#inXSDDate> ?day .
          ?d <http://data.europa.eu/eli/ontology#id_local> ?label }""")
    assert rows == [("丽政办发〔2021〕67号", date(2022, 2, 1))]
    assert query(store, "ASK { ?s ?p ?o }") == (["ask"], [(True,)])
    _, limited = query(store, "SELECT ?s WHERE { ?s ?p ?o }", limit=3)
    assert len(limited) == 3


def test_query_timeout(store):
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
    with pytest.raises(PolicyKGError, match="longer than 0.2 s"):
        query(store, heavy, timeout_s=0.2)


def test_query_syntax_error_is_one_line(store):
    with pytest.raises(PolicyKGError, match="SPARQL syntax error"):
        query(store, "SELECT WHERE {")


def test_missing_store(tmp_path):
    with pytest.raises(PolicyKGError, match=r"no store at .*: run `policykg build`"):
        open_store(tmp_path / "nowhere")
    with pytest.raises(PolicyKGError, match="no store at"):
        query(tmp_path, "ASK {}")


def test_failed_write_keeps_the_previous_store(tmp_path, built):
    write_store(built, tmp_path)
    bad = Graph()
    bad += built
    bad.add((URIRef("https://w3id.org/policykg/id/not an iri"), RDFS.label, Literal("x")))
    with pytest.raises(ValueError):
        write_store(bad, tmp_path)
    assert set(load_graph(tmp_path)) == set(built)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oxigraph"]


def test_rewriting_replaces_the_store(tmp_path, built):
    write_store(built, tmp_path)
    small = documents_to_graph([hangzhou()])
    write_store(small, tmp_path)
    assert set(load_graph(tmp_path)) == set(small)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oxigraph"]


def test_write_store_replaces_a_damaged_store(tmp_path, built):
    store_path(tmp_path).mkdir()
    (store_path(tmp_path) / "junk").write_text("not a database")
    write_store(built, tmp_path)
    assert len(load_graph(tmp_path)) == len(built)
