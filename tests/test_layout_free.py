"""Structure and normalisation on texts as they arrive (a PDF turned into one line, a scraped
page with half-width punctuation, a traditional-character repost, a notice without numbering),
not in the corpus's layout. Expected structures and spans are read by hand from the strings."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.clauses import split_provisions
from ingest.normalize import CONTEXT_PUNCT, fold_char, looks_traditional, normalize
from ingest.structure import parse_structure

BUDGET = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A made-up county policy as PDF-to-text gives it: one line, page markers where pages met,
# stray spaces inside words and numbers.
ONE_LINE = (
    "宁海县商务局关于促进跨境电商发展的若干意见 各乡镇人民政府，县直各单位：为加快跨境电商发展，特制定如下意见。"
    "一、支持主体培育 1.鼓励企业自建独立站。对自建独立站的企业，按实际投入的 50%给予补 助，"
    "单个独立站补助最高 — 2 — 不超过 20 万元。"
    "2.支持企业参加展会。对参加境外展会的企业，每个展位补助最高 2.5万元，详见附表3.对展会组织方另行奖励。"
    "二、附则 1.本意见自2024年1月1日起施行。 第 3 页 共 3 页 2.本意见由县商务局负责解释。"
)


def articles(text: str):
    norm = normalize(text)
    structure = parse_structure(norm)
    return norm, structure, {a.label: a for a in structure.articles}


def test_one_line_pdf_text_has_its_numbered_parts():
    _, structure, by_label = articles(ONE_LINE)
    assert structure.structured
    assert list(by_label) == ["序言", "一、", "一、1", "一、2", "二、", "二、1", "二、2"]
    assert (by_label["一、"].kind, by_label["一、"].title) == ("section", "支持主体培育")
    assert by_label["一、1"].title == "鼓励企业自建独立站"
    assert (by_label["二、"].kind, by_label["二、"].title) == ("section", "附则")


def test_a_number_that_does_not_go_on_is_text():
    """"详见附表3.对…" continues 1. 2. in form, but nothing numbered 4 follows: it is text."""
    _, _, by_label = articles(ONE_LINE)
    item = by_label["一、2"]
    assert ONE_LINE[item.span.start:item.span.end] == (
        "2.支持企业参加展会。对参加境外展会的企业，每个展位补助最高 2.5万元，详见附表3.对展会组织方另行奖励。")


def test_spans_cite_the_one_line_original_with_the_page_marker_as_a_gap():
    norm, structure, _ = articles(ONE_LINE)
    body = next(b for b in structure.bodies if b.article.label == "一、1")
    assert norm.text[body.start:body.end] == (
        "鼓励企业自建独立站。对自建独立站的企业，按实际投入的50%给予补助，单个独立站补助最高不超过20万元。")
    span = norm.span(body.start, body.end)
    assert ONE_LINE[span.start:span.end] == (
        "鼓励企业自建独立站。对自建独立站的企业，按实际投入的 50%给予补 助，单个独立站补助最高 — 2 — 不超过 20 万元。")
    assert [ONE_LINE[a:b] for a, b in span.gaps] == ["— 2 —"]
    last = next(b for b in structure.bodies if b.article.label == "二、1")
    assert norm.text[last.start:last.end] == "本意见自2024年1月1日起施行。"  # "第 3 页 共 3 页" removed


def test_preamble_is_cut_from_the_addressee_in_one_line():
    norm, structure, _ = articles(ONE_LINE)
    pre = next(b for b in structure.bodies if b.article.label == "序言")
    assert norm.text[pre.start:pre.end] == "为加快跨境电商发展，特制定如下意见。"


REGULATION = (
    "鹤壁市跨境电子商务发展扶持办法 第一条【目的】为促进跨境电商发展，制定本办法。"
    "第二条【适用范围】本办法适用于在本市注册的企业。"
    "第三条【资金补助】对年出口额达500万美元以上的企业，给予最高不超过50万元的奖励；依照第二条认定的园区，给予20万元补助。"
    "第四条【附则】本办法自发布之日起施行。"
)


def test_articles_with_bracketed_titles_inside_running_text():
    norm, structure, by_label = articles(REGULATION)
    assert list(by_label) == ["第一条", "第二条", "第三条", "第四条"]  # "依照第二条" is a reference
    assert [a.title for a in structure.articles] == ["目的", "适用范围", "资金补助", "附则"]
    assert {a.kind for a in structure.articles} == {"article"}
    body = next(b for b in structure.bodies if b.article.label == "第三条")
    assert norm.text[body.start:body.end].startswith("对年出口额达500万美元以上的企业")
    assert "【" in norm.text  # 第X条【标题】 is numbering, not decoration


NOTICE = """关于组织申报2024年度跨境电商专项资金的通知

各有关企业：

    为支持跨境电商发展，现将2024年度专项资金申报有关事项通知如下。对年跨境电商出口额达500万美元以上的企业，给予最高不超过30万元的奖励；对新建海外仓的企业，按实际投入的30%给予补助。

    申报截止时间为2024年6月30日，逾期不予受理。

阳江市商务局
2024年5月1日
"""


def test_a_notice_without_numbering_becomes_paragraphs():
    norm, structure, by_label = articles(NOTICE)
    assert structure.structured is False
    assert list(by_label) == ["第1段", "第2段"]
    texts = [norm.text[b.start:b.end] for b in structure.bodies]
    assert texts == [
        ("为支持跨境电商发展，现将2024年度专项资金申报有关事项通知如下。对年跨境电商出口额达500万美元以上的企业，"
         "给予最高不超过30万元的奖励；对新建海外仓的企业，按实际投入的30%给予补助。"),
        "申报截止时间为2024年6月30日，逾期不予受理。",
    ]
    first = structure.bodies[0]
    span = norm.span(first.start, first.end)
    assert NOTICE[span.start:span.end].startswith("为支持跨境电商发展") and NOTICE[span.end - 3:span.end] == "补助。"
    body = norm.text[first.start:first.end]
    provisions = [body[a:b] for a, b in split_provisions(body, None)]
    # the opening sentence, then the two grants of the second sentence, cut at ；
    assert [p[:6] for p in provisions] == ["为支持跨境电", "对年跨境电商", "对新建海外仓"]


def test_a_long_unnumbered_paragraph_is_cut_into_runs_of_sentences():
    sentence = "记者从市商务局获悉，今年以来全市跨境电商企业累计获得各类补助资金共计一千余万元，同比增长较快。"
    story = "本报讯 " + sentence * 12  # 12 x 48 characters: a run of at least 300, then the rest
    norm, structure, by_label = articles(story)
    assert not structure.structured
    assert list(by_label) == ["第1段之1", "第1段之2"]
    assert all(norm.text[b.end - 1] == "。" for b in structure.bodies)


WRAPPED = (
    "一、支持企业开拓市场\n"
    "1.支持企业参加境外展会。按展位费的50%给予补助。\n"
    "2.企业参加进口展会（指已列入2022年度市级境内外\n"
    "重点展会目录的展会），按展位费的50%给予补助，最高不\n"
    "超过5万元。\n"
)


def test_a_wrapped_first_line_is_not_a_title():
    norm, structure, by_label = articles(WRAPPED)
    item = by_label["一、2"]
    assert item.title is None and item.kind == "item"
    body = next(b for b in structure.bodies if b.article is item)
    assert norm.text[body.start:body.end].replace("\n", "") == (
        "企业参加进口展会（指已列入2022年度市级境内外重点展会目录的展会），按展位费的50%给予补助，最高不超过5万元。")


def test_enumerations_inside_text_are_not_numbering():
    text = "（一）对企业给予补助。（二）本条所称企业除“六、七、九”条外，共三、四个类别；（三）其他事项。"
    _, _, by_label = articles(text)
    assert list(by_label) == ["（一）", "（二）", "（三）"]


def test_wechat_decoration_and_inline_numbering():
    text = "◆ 一、支持跨境电商发展 ▶ 1.鼓励企业自建独立站🔥。对自建独立站的企业给予补助。★ 2.支持参展。每个展位补助2万元。"
    norm, _, by_label = articles(text)
    assert norm.text == "一、支持跨境电商发展1.鼓励企业自建独立站。对自建独立站的企业给予补助。2.支持参展。每个展位补助2万元。\n"
    assert list(by_label) == ["一、", "一、1", "一、2"]


# --- normalisation ------------------------------------------------------------------------------


def test_half_width_punctuation_from_scrapers():
    text = "单个院校补助最高不超过10万元,每家企业每年补助不超过30万元;对符合条件的(一)类企业:给予1,000万元或2.5万元补助!是否叠加?"
    assert normalize(text).text == (
        "单个院校补助最高不超过10万元，每家企业每年补助不超过30万元；对符合条件的（一）类企业：给予1,000万元或2.5万元补助！是否叠加？\n")


def test_traditional_characters_one_for_one():
    text = "單個獨立站補助最高不超過20萬元，臺州"
    norm = normalize(text)
    assert norm.text == "单个独立站补助最高不超过20万元，台州\n"
    assert norm.offsets[:-1] == list(range(len(text)))
    assert normalize("乾隆年间补助20万元").text == "乾隆年间补助20万元\n"  # simplified text keeps 乾
    assert normalize("补助最高不超过20萬元").text == "补助最高不超过20万元\n"  # a stray 萬 still folds


def test_spaces_from_pdf_wrapping_close_up():
    norm = normalize("落 户 补 助 200 万元，2 0 万，Google Ads 推广，２０万元")
    assert norm.text == "落户补助200万元，20万，Google Ads推广，20万元\n"


def test_invisible_characters_line_ends_and_blank_runs():
    norm = normalize("\ufeff一、补\u200b助\r\n\r\n\r\n\r\n单\xa0个\u3000独立站\r\n")
    assert norm.text == "一、补助\n单个独立站\n"
    assert norm.original[norm.offsets[norm.text.index("单")]] == "单"


def test_page_markers_inside_a_line():
    text = "补助最高 - 3 - 不超过20万元（2024—2027年）第2页对企业第 2 页 共 9 页给予奖励共9页第3页。"
    assert normalize(text).text == "补助最高不超过20万元（2024—2027年）对企业给予奖励。\n"


# --- properties ---------------------------------------------------------------------------------

TRICKY = "一二三、（）()1234567890,.:;!?萬補臺乾著补助元 \n\r\t◆【】第条页—-－\u200b\ufeff\xa0０１Ａ#*"


@BUDGET
@given(st.text(alphabet=TRICKY, max_size=300))
def test_every_normalised_character_is_the_fold_of_its_original(text):
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.text)
    traditional = looks_traditional(text)
    previous = -1
    for ch, offset in zip(norm.text, norm.offsets):
        if ch == "\n":
            assert offset == previous  # a line end maps to the line's last character
            continue
        assert offset > previous  # offsets strictly increase: nothing duplicated or reordered
        previous = offset
        if ch != " ":
            original = text[offset]
            assert ch in (fold_char(original, traditional), CONTEXT_PUNCT.get(original))


@BUDGET
@given(st.text(alphabet=TRICKY + "对企业给予补助最高不超过。；：", max_size=400))
def test_structure_of_any_text_stays_inside_it(text):
    norm = normalize(text)
    structure = parse_structure(norm)
    ends = 0
    for body in sorted(structure.bodies, key=lambda b: b.start):
        assert ends <= body.start < body.end <= len(norm.text)
        ends = body.end
        span = norm.span(body.start, body.end)
        assert 0 <= span.start < span.end <= len(text)
        for a, b in span.gaps:
            assert span.start < a < b < span.end and text[a:b].strip() == text[a:b]
        kept = re.sub(r"\s", "", norm.original_text(body.start, body.end))
        assert kept and kept[0] == text[span.start]


def test_browser_print_headers_and_footers_are_page_furniture():
    """A page printed from Chromium: the date/title header and the address/page-count footer
    fall in the middle of a sentence; they are cut out and cited as a gap."""
    text = ("对通过 9610 模\n"
            "12/1/26, 3:04 AM 政策文件 _ 温州市人民政府门户网站\n"
            "\ufb01le:///tmp/print/wenzhou.html 1/9\n"
            "式在温州口岸进口的，按进口额的 3% 给予补助。\n")
    norm = normalize(text)
    assert norm.text == "对通过9610模\n式在温州口岸进口的，按进口额的3%给予补助。\n"
    span = norm.span(0, len(norm.text))
    assert [text[a:b] for a, b in span.gaps] == [
        "12/1/26, 3:04 AM 政策文件 _ 温州市人民政府门户网站\n\ufb01le:///tmp/print/wenzhou.html 1/9"]


def test_chapters_articles_enclosed_numbers_and_directions():
    text = ("第一章 总则 第一条 为促进跨境电商发展，制定本办法。第二章 扶持措施 第二条 对企业给予以下支持：⑴自建独立站的，"
            "给予10万元补助；⑵参加展会的，给予2万元补助。第三条 本办法自2024年1月1日起施行。")
    _, structure, by_label = articles(text)
    assert list(by_label) == ["第一章", "第一条", "第二章", "第二条", "第二条⑴", "第二条⑵", "第三条"]
    assert [by_label[k].title for k in ("第一章", "第二章")] == ["总则", "扶持措施"]
    assert by_label["第二条"].kind == "item"  # "对企业给予以下支持：" leads into its items; it is no heading
    assert by_label["第二条⑴"].parent == by_label["第二条"].key
    _, structure, by_label = articles("申报方向如下。方向一：独立站建设。对自建独立站的企业给予10万元补助。"
                                      "方向二：海外仓建设。对新建海外仓的企业给予20万元补助。")
    assert [(a.label, a.title) for a in structure.articles] == [("方向一", "独立站建设"), ("方向二", "海外仓建设")]
    _, structure, by_label = articles("重点支持项目：(01)独立站建设。给予10万元补助。(02)海外仓建设。给予20万元补助。")
    assert list(by_label) == ["（01）", "（02）"]


def test_a_news_headline_is_not_run_into_the_first_paragraph():
    story = ("宁德出台跨境电商新政 单个项目最高奖励300万元\n"
             "本报讯 记者从市商务局获悉，对新建的跨境电商产业园区，给予最高300万元的一次性奖励。\n")
    norm, structure, by_label = articles(story)
    assert not structure.structured and list(by_label) == ["第1段"]
    body = structure.bodies[0]
    assert norm.text[body.start:body.end] == "本报讯记者从市商务局获悉，对新建的跨境电商产业园区，给予最高300万元的一次性奖励。"
