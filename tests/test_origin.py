"""Where a document comes from: place, level, issuer, number, status and validity read from
hand-written texts in the forms researchers find (tests/origin/), sidecars and command-line values
over what is read, and documents with no city or no numbering built rather than refused.

Every expected value below was read by hand from the text of the file named in the row.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from ingest.model import Document
from ingest.origin import number_prefixes
from ingest.overrides import Overrides
from ingest.pipeline import ingest_file
from ingest.places import lookup
from policykg.errors import PolicyKGError

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = ROOT / "tests" / "origin"

# file: (city, province, district, level, the rule that found the place, issuer, number)
PLACES = {
    # no issuer line, no signature: only the 文号 温政办〔2024〕3号 says it is Wenzhou's
    "wenzhou-notice-no-issuer.txt": ("温州", "浙江省", None, "city", "number-prefix", None, "温政办〔2024〕3号"),
    # a bureau's call for applications, signed 阳江市商务局 above 2024年4月15日
    "yangjiang-call-for-applications.txt": ("阳江", "广东省", None, "city", "signature", "阳江市商务局", None),
    # a news story: 记者从郑州市商务局获悉
    "zhengzhou-news.txt": ("郑州", "河南省", None, "city", "bureau", None, None),
    # a Ningbo portal's banner (欢迎访问宁波市人民政府门户网站) over Jiaxing's document
    "jiaxing-on-a-ningbo-portal.txt": ("嘉兴", "浙江省", None, "city", "issuer-line", "嘉兴市人民政府办公室",
                                       "嘉政办发〔2024〕8号"),
    # a provincial document known only by its 文号 浙政办发〔2023〕15号 (the body names four cities)
    "zhejiang-provincial.txt": ("浙江省", "浙江省", None, "province", "number-prefix", None, "浙政办发〔2023〕15号"),
    # the title: 台州市促进跨境电商高质量发展若干政策（征求意见稿）
    "taizhou-draft.txt": ("台州", "浙江省", None, "city", "title", None, None),
    # only the body: 在同江市依法经营; 同江 is a county-level city of 佳木斯, 黑龙江省
    "tongjiang-body-only.txt": ("佳木斯", "黑龙江省", "同江市", "county", "body", None, None),
}


def read(name: str, overrides: Overrides | None = None) -> Document:
    return ingest_file(ORIGIN / name, ROOT, overrides)[0]


def place_rule(doc: Document) -> str | None:
    return next((e.rule for e in doc.origin if e.field == "place" and e.accepted), None)


@pytest.mark.parametrize("name", sorted(PLACES))
def test_place_and_how_it_was_found(name):
    city, province, district, level, rule, issuer, number = PLACES[name]
    doc = read(name)
    assert (doc.city, doc.province, doc.district, doc.level) == (city, province, district, level)
    assert place_rule(doc) == rule
    assert (doc.issuer, doc.number) == (issuer, number)


def test_the_cases_were_found():
    assert len(list(ORIGIN.glob("*.txt"))) >= len(PLACES) + 1


def test_a_portal_banner_is_never_a_place():
    doc = read("jiaxing-on-a-ningbo-portal.txt")
    assert "宁波" not in (doc.city or "") and "欢迎" not in (doc.city or "")
    assert all("宁波" not in e.result for e in doc.origin if e.accepted)
    # 三、本政策自2024年5月1日起施行，有效期至2026年12月31日。signed 2024年4月10日
    v = doc.validity
    assert (v.issued, v.effective, v.expiry) == (date(2024, 4, 10), date(2024, 5, 1), date(2026, 12, 31))


def test_a_signed_call_for_applications_has_its_issue_date():
    doc = read("yangjiang-call-for-applications.txt")
    assert doc.validity.issued == date(2024, 4, 15)
    assert doc.title == "关于申报2024年跨境电子商务发展专项资金的通知"


def test_a_draft_is_marked_as_one():
    doc = read("taizhou-draft.txt")
    assert doc.status == "draft"
    assert any(w.startswith("draft") for w in doc.warnings)
    assert read("jiaxing-on-a-ningbo-portal.txt").status == "unknown"


def test_unstructured_texts_are_ingested_paragraph_by_paragraph():
    news = read("zhengzhou-news.txt")
    assert news.unstructured and any(w.startswith("unstructured") for w in news.warnings)
    def caps(words: str) -> list[int]:
        clause = next(c for c in news.clauses if words in c.text)
        return [int(a.value) for a in clause.amounts if a.role == "cap"]

    assert caps("经认定后给予最高500万元") == [5_000_000]
    assert caps("每家企业每年最高100万元") == [1_000_000]
    assert all(c.article.startswith("第") and c.article.endswith("段") for c in news.clauses)
    assert not read("jiaxing-on-a-ningbo-portal.txt").unstructured  # 一、二、三、


def test_a_sidecar_overrides_city_and_validity():
    doc = read("excerpt-no-place.txt")  # excerpt-no-place.meta.yaml: 深圳, 2024-01-01 .. 2025-12-31
    assert (doc.city, doc.province, doc.level) == ("深圳", "广东省", "city")
    assert (doc.validity.effective, doc.validity.expiry) == (date(2024, 1, 1), date(2025, 12, 31))
    assert doc.status == "in-force" and doc.source_url == "https://www.sz.gov.cn/example/policy.html"
    assert place_rule(doc) == "sidecar"
    assert not any(w.startswith(("no city", "no validity")) for w in doc.warnings)


def test_the_command_line_overrides_the_sidecar_and_keeps_a_district(tmp_path):
    doc = read("excerpt-no-place.txt", Overrides(city="鹿城区", valid_to=date(2026, 6, 30)))
    assert (doc.city, doc.province, doc.district, doc.level) == ("温州", "浙江省", "鹿城区", "district")
    assert doc.validity.expiry == date(2026, 6, 30) and doc.validity.effective == date(2024, 1, 1)
    assert place_rule(doc) == "command-line"


def test_no_city_is_unknown_and_built(tmp_path):
    from graph.namespaces import PKG
    from graph.rdf import documents_to_graph
    from graph.shacl import validate

    text = (ORIGIN / "excerpt-no-place.txt").read_text("utf-8")
    (tmp_path / "excerpt.txt").write_text(text, "utf-8")  # without its sidecar
    doc = ingest_file(tmp_path / "excerpt.txt", tmp_path)[0]
    assert doc.city is None and doc.level is None and doc.city_shown == "未知"
    assert any(w.startswith("no city") for w in doc.warnings)
    g = documents_to_graph([doc])
    conforms, messages = validate(g)
    assert conforms, messages
    rows = list(g.query("""SELECT ?label ?level WHERE { ?d pkg:city ?c . ?c rdfs:label ?label .
                           ?d pkg:adminLevel ?level FILTER (LANG(?label) = "zh") }""", initNs={"pkg": PKG}))
    assert [(str(a), str(b)) for a, b in rows] == [("未知", "unknown")]


@pytest.mark.parametrize("body, words", [
    ("city: 欢迎访问温州\n", ["city", "欢迎访问温州"]),
    ("town: 温州\n", ["town", "city"]),
    ("valid_to: someday\n", ["valid_to", "date"]),
    ("status: abolished\n", ["status", "draft"]),
    ("city: [温州\n", ["YAML"]),
])
def test_a_bad_sidecar_is_one_error_naming_it_and_the_key(tmp_path, body, words):
    (tmp_path / "doc.txt").write_text((ORIGIN / "taizhou-draft.txt").read_text("utf-8"), "utf-8")
    (tmp_path / "doc.meta.yaml").write_text(body, "utf-8")
    with pytest.raises(PolicyKGError) as err:
        ingest_file(tmp_path / "doc.txt", tmp_path)
    message = str(err.value)
    assert "doc.meta.yaml" in message and "\n" not in message
    for word in words:
        assert word in message


def test_every_number_prefix_names_a_real_division():
    prefixes = number_prefixes()
    assert len(prefixes) >= 40
    for key, name in prefixes.items():
        assert len(lookup(name, short=False)) == 1, (key, name)


def test_divisions_come_from_the_table_not_from_the_text():
    assert lookup("欢迎访问温州") == [] and lookup("综合试验区") == []
    assert [p.level for p in lookup("浙江省")] == ["province"]
    assert {p.province for p in lookup("朝阳区")} == {"北京市", "吉林省"}  # 北京 and 长春 each have one


def test_colliding_file_names_get_distinct_ids(tmp_path):
    from policykg.build import unique_ids

    a, b = tmp_path / "温州 2022(60).txt", tmp_path / "温州-2022-60.md"
    ids = unique_ids([a, b])
    assert ids[0] == "温州-2022-60" and ids[1].startswith("温州-2022-60-") and ids[0] != ids[1]


def test_sidecars_are_not_documents(tmp_path):
    from ingest.files import corpus_files

    files = corpus_files(ORIGIN)
    assert all(not p.name.endswith(".yaml") for p in files)
    assert yaml.safe_load((ORIGIN / "excerpt-no-place.meta.yaml").read_text("utf-8"))["city"] == "深圳"
