"""The Streamlit app, view by view, with Streamlit's AppTest against a store built from corpus/ by
the real pipeline. Expected figures are read from the corpus texts (quoted next to each check).
"""
from __future__ import annotations

import doctest
import html
import re
import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
CITIES = ("温州", "丽水", "杭州", "台州", "运城")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    from policykg.build import build

    path = tmp_path_factory.mktemp("app") / "store"
    build(ROOT / "corpus", path, ROOT)
    return path


@pytest.fixture()
def app(store, monkeypatch):
    """A function: app(view, lang=None, **params) -> AppTest already run."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("POLICYKG_STORE", str(store))
    monkeypatch.delenv("NEO4J_URI", raising=False)

    def run(view: str | None = None, **params):
        at = AppTest.from_file(APP, default_timeout=120)
        if view:
            at.query_params["view"] = view
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


def html_of(at) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def text_of(at) -> str:
    """The page's HTML blocks as plain text (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_of(at)))


def section(page_html: str, city: str) -> str:
    """The compare card of one city."""
    m = re.search(rf'<section class="pkg-city[^"]*"><h3 lang="zh">{city}[^<]*</h3>(.*?)</section>', page_html)
    assert m, f"no section for {city}"
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))


def test_webapp_doctests():
    import webapp.data
    import webapp.fmt
    import webapp.i18n
    import webapp.views.upload

    for module in (webapp.fmt, webapp.i18n, webapp.data, webapp.views.upload):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__


def test_every_view_renders(app):
    from webapp.views import VIEWS

    for view in VIEWS:
        at = app(view)
        assert at.title[0].value, view
        assert not at.error, (view, [e.value for e in at.error])


def test_overview_matrix_and_document_cards(app):
    at = app("overview")
    page = text_of(at)
    for city in CITIES:
        assert city in page
    row = re.search(r"<tr><th><a [^>]*>独立站</a></th>(.*?)</tr>", html_of(at))
    assert row, "no 独立站 row in the matrix"
    cells = html.unescape(re.sub(r"<[^>]+>", "", row.group(1)))
    # hangzhou 一、（一）“给予不超过200万元”; lishui 二、“每年补助不超过50万元”; taizhou 附件一、（三）“最高不超过100万元”;
    # wenzhou 一、2 “单个独立站补助最高不超过20万元”; yuncheng 第五条（二）“给予单个独立站15万元奖励”
    assert [c.strip() for c in cells.split("✓") if c.strip()] == ["200万元", "50万元", "100万元", "20万元", "15万元"]
    # document cards: number, issuer, validity; wenzhou's 执行期 ends 2022-12-31, long before today
    for number in ("温政办〔2022〕60号", "丽政办发〔2021〕67号", "杭政办函〔2023〕9号", "台政办发〔2024〕26号",
                   "运政办发〔2024〕10号"):
        assert number in page
    assert "已失效" in page.split("温州 · 温政办〔2022〕60号")[1][:20]
    assert "温州市人民政府办公室" in page
    assert "2022-08-25 – 2022-12-31" in page


def test_compare_deep_link_shows_every_city_side_by_side(app):
    at = app("compare", category="independent-site", on="2024-06-01")
    page = html_of(at)
    hz = section(page, "杭州")
    assert "200万元" in hz and "一次性" in hz and "一、（一）" in hz  # 给予不超过200万元的一次性资金扶持
    assert "市级 50% / 属地 50%" in hz  # 由市级财政和当地财政各承担50%
    wz = section(page, "温州")
    assert "20万元 每个独立站" in wz and "50% × 独立站建设及运维实际投入经费" in wz
    assert "出口额 ≥ 200万美元" in wz and "属地政府全额承担" in wz and "已失效" in wz
    ls = section(page, "丽水")
    assert "50万元 每家企业 每年" in ls and "交易额 ≥ 500万元" in ls and "现行有效" in ls  # every amount says what it is per
    tz = section(page, "台州")
    assert "20% × 企业投资额" in tz and "100万元" in tz and "尚未生效" in tz  # 自2025年1月1日起施行
    yc = section(page, "运城")
    assert "15万元 每个独立站" in yc and "市级 20% / 属地 80%" in yc  # 其余各县（市）2：8
    # numbers highlighted in the source sentence, exact yuan on hover, link to the clause
    assert '<mark class="fig" title="¥2,000,000 (cap)">200万元</mark>' in page
    assert 'href="?view=document&amp;doc=hangzhou-2023-9&amp;clause=hangzhou-2023-9%2F1.1%2Fc4"' in page
    assert at.get("vega_lite_chart"), "no chart of the caps"
    assert at.selectbox(key="compare_category").value == "independent-site"


def test_compare_city_without_incentives_is_shown_as_empty(app):
    # 进口 (imports): only wenzhou grants money for it; taizhou mentions it in a measure (二、（一）4)
    at = app("compare", category="import")
    page = html_of(at)
    assert "跨境电商B2C进口" in section(page, "温州") or "进口" in section(page, "温州")
    for city in ("杭州", "丽水", "台州", "运城"):
        assert "无此类别的扶持条款" in section(page, city)
    at.checkbox(key="compare_all").check().run()
    assert "推进网购保税进口跨关区退货试点" in section(html_of(at), "台州")


def test_compare_changes_url_and_language(app):
    at = app("compare")
    at.selectbox(key="compare_category").select("public-overseas-warehouse").run()
    assert at.query_params["category"] == ["public-overseas-warehouse"] or \
        at.query_params["category"] == "public-overseas-warehouse"
    # lishui 五、“最高不超过50万元” for a municipal public overseas warehouse
    assert "50万元" in section(html_of(at), "丽水")
    en = app("compare", category="independent-site", lang="en")
    assert en.title[0].value == "Compare"
    page = html_of(en)
    # city names in pinyin with the Chinese kept (issue 13): Hangzhou (杭州)
    assert "Hangzhou (杭州)" in page and "one-time" in section(page, "Hangzhou")
    assert "per website" in section(page, "Wenzhou")  # per:site in ontology/policykg.ttl


def test_language_switch_in_the_sidebar(app):
    at = app("overview")
    assert at.title[0].value == "总览"
    at.button_group(key="lang").set_value("en").run()
    assert at.title[0].value == "Overview"
    assert at.query_params["lang"] in ("en", ["en"])
    assert "City × category" in " ".join(h.value for h in at.subheader)
    assert "Independent website" in text_of(at)


def test_document_view_shows_the_original_text_and_the_clause_fields(app):
    at = app("document", doc="wenzhou-2022-60", clause="wenzhou-2022-60/1.2/c1")
    blocks = [h.proto.body for h in at.get("html")]
    text_block = next(b for b in blocks if b.startswith('<div class="pkg-text"') and " sel\"" in b)
    original = (ROOT / "corpus" / "wenzhou-2022-60.txt").read_text("utf-8")
    inner = re.sub(r"^<div[^>]*>|</div>$", "", text_block)
    assert html.unescape(re.sub(r"<[^>]+>", "", inner)) == original  # every character of the file, in order
    sel = re.search(r'<a class="cl incentive sel"[^>]*>(.*?)</a>', text_block, re.S).group(1)
    assert "对自建跨境电商独立站" in html.unescape(re.sub(r"<[^>]+>", "", sel))
    fields = text_of(at)
    assert "20万元 每个独立站" in fields and "出口额 ≥ 200万美元" in fields and "按比例补助" in fields
    assert at.selectbox(key="document_clause").value == "wenzhou-2022-60/1.2/c1"


def test_timeline_in_force_on_a_date(app):
    at = app("timeline", on="2024-06-01")
    # in force on 2024-06-01: hangzhou (2023-02-18..2026-02-18), lishui (2022-02-01..2027-01-31),
    # yuncheng (2024-04-10..2025-12-31); wenzhou ended 2022-12-31, taizhou starts 2025-01-01
    assert any("2024-06-01 有效的文件：3 份" in h.value for h in at.subheader)
    page = text_of(at)
    assert re.search(r"现行有效\s*杭州", page) and re.search(r"已失效\s*温州", page)
    assert re.search(r"尚未生效\s*台州", page)
    assert at.get("vega_lite_chart")


def test_console_sparql_read_only_with_limits(app):
    at = app("console")
    at.button(key="console_run").click().run()
    assert not at.error, [e.value for e in at.error]
    df = at.dataframe[0].value
    assert {"杭州", "丽水", "台州", "温州", "运城"} <= set(df["city"])
    assert "2000000" in [str(v) for v in df[df["city"] == "杭州"]["cap"]]
    at.number_input(key="console_limit").set_value(2).run()
    at.button(key="console_run").click().run()
    assert len(at.dataframe[0].value) == 2 and at.warning
    key = next(k for k in at.session_state if k.startswith("console_text_sparql"))
    at.text_area(key=key).input("PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:b ex:c }").run()
    at.button(key="console_run").click().run()
    assert "SPARQL updates are not allowed here: INSERT DATA" in at.error[0].value


def test_export_comparison_csv_and_graph_files(app, store):
    from rdflib import Graph

    from webapp import data
    from webapp.views.export import comparison_csv, graph_file

    at = app("export", category="independent-site")
    assert len(at.get("download_button")) == 4
    corpus = data.load_corpus(store)
    from datetime import date

    rows = data.comparison_rows(data.comparison(corpus, "independent-site", date(2024, 6, 1)), "zh")
    csv_text = comparison_csv(rows)
    assert csv_text.startswith("\ufeffcity,document,article")
    hz = [r for r in rows if r["city"] == "杭州"]
    assert hz[0]["cap_yuan"] == "2000000" and hz[0]["frequency"] == "一次性"
    ttl = graph_file(store, "turtle")
    g = Graph().parse(data=ttl, format="turtle")
    assert len(g) > 1000
    jsonld = graph_file(store, "jsonld")
    assert len(Graph().parse(data=jsonld, format="json-ld")) == len(g)


def test_estimate_sample_profile_per_city(app):
    at = app("estimate", on="2024-06-01")  # 丽水, 杭州 and 运城 in force; 温州 ended, 台州 not yet
    page = text_of(at)
    for city in CITIES:
        assert city in page
    assert "合计" in page
    # lishui 二、: 技术服务费、推广费等支出费用50%补助，每年补助不超过50万元 -> 50% of the sample's 400000 = 20万元
    assert re.search(r"丽水 · 合计", page)
    item = re.search(r'title="lishui-2021-67/2/c3">二、</a>.*?</div>', html_of(at))
    assert item and "20万元" in item.group(0)
    # hangzhou 一、（一）“给予不超过200万元的一次性资金扶持”: a ceiling, no certain amount: 最多 200万元 (issue 13)
    item = re.search(r'title="hangzhou-2023-9/1.1/c4">一、（一）</a>.*?</div>', html_of(at))
    assert item and "最多" in item.group(0) and "200万元" in item.group(0)
    assert "按 2024-06-01 有效的政策测算" in html_of(at)
    # the profile used is shown, its keys by their Chinese labels (issue 13: no English words in zh)
    assert "<th>测算日期</th><td>2024-06-01</td>" in html_of(at)
    assert "<th>独立站1·建设运维推广费用</th><td>40万元</td>" in html_of(at)


def test_upload_adds_a_new_city_to_every_view(app, store, tmp_path, monkeypatch):
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    monkeypatch.setenv("POLICYKG_STORE", str(copy))
    at = app("upload")
    src = ROOT / "tests" / "unseen" / "ningbo-2024-5.txt"
    at.file_uploader[0].upload(src.name, src.read_bytes(), "text/plain").run()
    assert "甬政办发〔2024〕5号" in text_of(at)
    at.button(key="upload_add").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "宁波" in at.success[0].value
    compare = app("compare", category="independent-site")
    # 第一条: 单个独立站补助最高不超过２５万元
    assert "25万元 每个独立站" in section(html_of(compare), "宁波")
    assert "宁波" in text_of(app("overview"))
    assert "甬政办发〔2024〕5号" in text_of(app("timeline"))
    assert "第一条" in text_of(app("graph", city="宁波"))
    doc = app("document", doc="ningbo-2024-5", clause="ningbo-2024-5/1/c1")
    assert "按独立站建设及推广费用的４０％给予补助" in text_of(doc)


def test_upload_shows_the_review_and_its_warnings_before_adding(app, store, tmp_path, monkeypatch):
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    monkeypatch.setenv("POLICYKG_STORE", str(copy))
    before = (copy / "documents.json").read_bytes()
    at = app("upload")
    src = ROOT / "tests" / "origin" / "zhengzhou-news.txt"  # a news story: 记者从郑州市商务局获悉
    at.file_uploader[0].upload(src.name, src.read_bytes(), "text/plain").run()
    assert not at.exception and not at.error
    warnings = " ".join(w.value for w in at.warning)
    assert "没有编号结构" in warnings  # no 一、 or 第一条: one clause per paragraph
    assert "未找到有效期" in warnings and "未找到资金分担规则" in warnings
    assert "未能识别城市" not in warnings
    page = text_of(at)
    assert "地点：河南省 郑州（city）" in page and "结构：无编号" in page
    found, clauses = at.dataframe[0].value, at.dataframe[1].value  # how the place was found; the clauses
    used = found[found["used"]]
    assert list(used["rule"]) == ["bureau"] and list(used["text"]) == ["郑州市商务局"]
    # 经认定后给予最高500万元的一次性奖励; 每家企业每年最高100万元
    assert any("cap 5000000" in a for a in clauses["amounts"]) and any("cap 1000000" in a for a in clauses["amounts"])
    assert at.button(key="upload_add")  # the review comes before the button; nothing is added yet
    assert (copy / "documents.json").read_bytes() == before

    at = app("upload")
    nowhere = "……对跨境电商企业建设独立站的，按实际投入的30%给予补助，单个企业最高不超过20万元。".encode()
    at.file_uploader[0].upload("excerpt.txt", nowhere, "text/plain").run()
    assert any("未能识别城市" in w.value for w in at.warning)
    assert "未知" in text_of(at)


def test_every_view_renders_documents_without_a_city_and_a_provincial_one(app, tmp_path, monkeypatch):
    from policykg.build import build

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "tests" / "origin", corpus)  # 浙政办发: a provincial document
    (corpus / "excerpt-no-place.meta.yaml").unlink()  # so that its city is unknown
    build(corpus, tmp_path / "store", ROOT)
    monkeypatch.setenv("POLICYKG_STORE", str(tmp_path / "store"))
    from webapp.views import VIEWS

    for view in VIEWS:
        at = app(view)
        assert not at.error, (view, [e.value for e in at.error])
    page = text_of(app("overview"))
    assert "未知" in page and "浙江省" in page


def test_neo4j_configured_but_down_shows_a_notice(app, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    at = app("overview")
    assert any("Neo4j" in w.value and f"127.0.0.1:{port}" in w.value for w in at.warning)
    assert "独立站" in text_of(at)  # the app carries on with the embedded store


def test_unknown_view_falls_back_to_overview(app):
    at = app("nonsense")
    assert at.info and "nonsense" in at.info[0].value
    assert at.radio(key="view").value == "overview"


def test_draft_view_with_footnotes_and_user_parameters(app):
    at = app("draft", category="independent-site")
    md = next(m.value for m in at.markdown if m.value.startswith("# 起草条款"))
    # the notes are numbered in the page (the export keeps Markdown footnotes [^1])
    assert "⁽¹⁾" in md and "\n1. **" in md and "[^1]" not in md
    # every city's independent-site incentive is a precedent, e.g. lishui 二、“每年补助不超过50万元”
    for clause in ("hangzhou-2023-9/1.1/c4", "lishui-2021-67/2/c3", "taizhou-2024-26/annex.1.3/c3",
                   "wenzhou-2022-60/1.2/c1", "yuncheng-2024-10/5.2/c2"):
        assert clause in md
    ranges = text_of(at)
    assert "20万元" in ranges and "200万元" in ranges  # caps from 20万元 (wenzhou) to 200万元 (hangzhou)
    at.text_input(key="draft_set_cap").input("30万")
    next(b for b in at.button if b.label == "草案").click().run()
    draft_text = next(h.proto.body for h in at.get("html") if "font-size:1.05rem" in h.proto.body)
    assert "30万元" in html.unescape(re.sub(r"<[^>]+>", "", draft_text))
    assert len(at.get("download_button")) == 1
    like = app("draft", category="independent-site", like="杭州")
    assert any("参照条款：杭州" in m.value for m in like.markdown)


def test_graph_view_is_offline_and_lists_the_neighbourhood(app):
    at = app("graph", category="independent-site")
    frames = at.get("iframe")
    assert frames, "no graph iframe"
    page = str(frames[0].proto)
    assert "vis-network" in page or "vis.Network" in page or "new vis" in page
    assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=\\?[\"']?(?:https?:)?//", page)
    listed = text_of(at)
    for city in CITIES:
        assert city in listed
    city = app("graph", city="温州")
    assert "温州" in text_of(city) and "一、2" in text_of(city)


def test_console_named_query_with_parameters(app):
    at = app("console")
    at.selectbox(key="console_example").select("compare-category").run()
    assert at.selectbox(key="console_p_compare-category_category").value == "independent-site"
    at.button(key="console_run").click().run()
    assert not at.error, [e.value for e in at.error]
    df = at.dataframe[0].value
    assert sorted(df["city"]) == sorted(CITIES)


def test_console_pages_through_a_named_query(app):
    at = app("console")
    at.selectbox(key="console_example").select("coverage-matrix").run()
    assert at.selectbox(key="console_p_coverage-matrix_city").value == ""  # optional: left out, every city
    at.number_input(key="console_p_coverage-matrix_limit").set_value(50).run()
    at.button(key="console_run").click().run()
    assert not at.error, [e.value for e in at.error]
    first = at.dataframe[0].value
    # 5 cities x 29 categories of ontology/categories.ttl = 145 cells, 50 a page
    assert len(first) == 50 and any("rows 1-50 of 145" in c.value for c in at.caption)
    at.button(key="console_next_page").click().run()
    second = at.dataframe[0].value
    assert len(second) == 50 and any("rows 51-100 of 145" in c.value for c in at.caption)
    assert list(second["city"])[0] >= list(first["city"])[-1]  # the next rows, in order


def test_console_cypher_on_neo4j_read_only(app, monkeypatch):
    from policykg.config import neo4j_settings

    monkeypatch.setenv("NEO4J_URI", neo4j_settings()["uri"])
    at = app("console")
    assert not at.warning, f"Neo4j is not running at {neo4j_settings()['uri']}: start it with `make neo4j-start` " \
                           f"({[w.value for w in at.warning]})"
    at.button_group(key="console_backend").set_value("cypher").run()
    key = next(k for k in at.session_state if k.startswith("console_text_cypher"))
    at.text_area(key=key).input("RETURN 1 + 1 AS two").run()
    at.button(key="console_run").click().run()
    assert not at.error, [e.value for e in at.error]
    assert list(at.dataframe[0].value["two"]) == [2]
    at.text_area(key=key).input("CREATE (n:Probe) RETURN n").run()
    at.button(key="console_run").click().run()
    assert "Cypher writes and administration are not allowed here: CREATE" in at.error[0].value


def test_first_start_builds_a_missing_store(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    store = tmp_path / "fresh-store"
    monkeypatch.setenv("POLICYKG_STORE", str(store))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert (store / "documents.json").exists() and (store / "oxigraph").is_dir()
    assert "5 份文件 · 5 个城市" in " ".join(c.value for c in at.sidebar.caption)
