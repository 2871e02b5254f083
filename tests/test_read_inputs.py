"""ingest/read.py on files as they arrive from outside: Notepad's UTF-16, Big5 pages, a GBK
portal page with its chrome, and files that would cost minutes or gigabytes (limits)."""
from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest

from ingest.read import LIMITS, read_source
from policykg.errors import PolicyKGError
from tests.fixtures_make import make_docx, make_pdf

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
WENZHOU = CORPUS / "wenzhou-2022-60.txt"

# A made-up Big5 notice in traditional characters (as a Taiwan or Hong Kong page would hold it).
TRADITIONAL = "臺州市商務局關於跨境電商獨立站補助的通知\n對自建獨立站的企業，單個獨立站補助最高不超過20萬元。\n"


def refusal(path: Path) -> str:
    with pytest.raises(PolicyKGError) as caught:
        read_source(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_notepad_unicode_with_a_bom_is_read(tmp_path, codec):
    original = WENZHOU.read_text("utf-8")
    path = tmp_path / "w.txt"
    path.write_bytes(("\ufeff" + original).encode(codec))
    source = read_source(path)
    assert (source.text, source.encoding) == (original, codec)  # BOM stripped: offsets as in UTF-8


def test_big5_is_told_from_gbk(tmp_path):
    big5 = tmp_path / "big5.txt"
    big5.write_bytes(TRADITIONAL.encode("big5"))
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("台州市商务局关于跨境电商独立站补助的通知\n单个独立站补助最高不超过20万元。".encode("gbk"))
    assert (read_source(big5).text, read_source(big5).encoding) == (TRADITIONAL, "big5")
    assert read_source(gbk).encoding == "gb18030"
    assert read_source(gbk).text.startswith("台州市商务局")


def test_big5_html_declared_in_meta(tmp_path):
    page = tmp_path / "tw.html"
    body = "".join(f"<p>{line}</p>" for line in TRADITIONAL.splitlines())
    page.write_bytes(f'<html><head><meta charset="big5"></head><body><div class="content">{body}</div>'
                     "</body></html>".encode("big5"))
    source = read_source(page)
    assert source.encoding == "big5"
    assert "單個獨立站補助最高不超過20萬元" in source.text


PORTAL = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>瑞安市人民政府关于支持跨境电商发展的通知</title>
<script>var s = "统计代码"; document.write("<div>广告位招商</div>");</script></head>
<body>
<div class="top-banner">欢迎访问瑞安市人民政府门户网站</div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zcwj/">政策文件</a> &gt; 正文</div>
<div class="article">
<h1>瑞安市人民政府关于支持跨境电商发展的通知</h1>
<div class="TRS_Editor">
<p>各乡镇人民政府、街道办事处，市政府直属各单位：</p>
<p>为推动我市跨境电商高质量发展，经市政府同意，现就有关事项通知如下。</p>
<p>一、支持企业<b>自建独立站</b>。对自建独立站且年出口额达100万美元以上的企业，按实际投入的50%给予补助，单个独立站补助最高不超过20万元。</p>
<p>二、支持企业参加境外展会。对参加境外重点展会的企业，每个展位补助最高2.5万元，单家企业每年补助不超过10万元。</p>
<p>三、本通知自2024年3月1日起施行，有效期三年。</p>
<p>瑞安市人民政府</p><p>2024年2月1日</p>
</div></div>
<div class="footer">主办：瑞安市人民政府办公室 版权所有 浙ICP备12345678号 网站标识码3303810001</div>
<script>_trackPage();</script>
</body></html>
"""
CHROME = ["欢迎访问瑞安市人民政府门户网站", "政务公开", "互动交流", "当前位置", "首页", "版权所有", "统计代码",
          "广告位招商", "_trackPage", "浙ICP备"]


def test_gbk_portal_page_gives_the_article_without_its_chrome(tmp_path):
    page = tmp_path / "ruian.html"
    page.write_bytes(PORTAL.encode("gbk"))
    source = read_source(page)
    assert source.encoding == "gb18030"  # declared gb2312, read as its superset
    lines = source.text.split("\n")
    assert lines[:2] == ["瑞安市人民政府关于支持跨境电商发展的通知", "各乡镇人民政府、街道办事处，市政府直属各单位："]
    assert lines[-2:] == ["瑞安市人民政府", "2024年2月1日"]
    # read by hand from the page's TRS_Editor, one line per <p>, <b> inside a sentence kept inline
    assert "一、支持企业自建独立站。对自建独立站且年出口额达100万美元以上的企业，按实际投入的50%给予补助，" \
           "单个独立站补助最高不超过20万元。" in lines
    assert "二、支持企业参加境外展会。对参加境外重点展会的企业，每个展位补助最高2.5万元，单家企业每年补助不超过10万元。" in lines
    assert "三、本通知自2024年3月1日起施行，有效期三年。" in lines
    for chrome in CHROME:
        assert chrome not in source.text, chrome


def test_twenty_thousand_nested_divs_are_refused_at_once(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>补助" * 20_000 + "</div>" * 20_000 + "</body></html>", "utf-8")
    message = refusal(page)
    assert "nested more than 255 deep" in message


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_MAX_FILE_MB", "1")
    big = tmp_path / "big.txt"
    big.write_bytes("补助".encode() * 400_000)  # 2.4 MB
    message = refusal(big)
    assert "size of an input file is 2.4 MB, over the limit of 1 MB" in message
    assert "POLICYKG_MAX_FILE_MB" in message


def test_too_much_text_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_MAX_TEXT_CHARS", "1000")
    path = tmp_path / "long.txt"
    path.write_text("补助" * 600, "utf-8")
    assert "1,200 characters, over the limit of 1,000 characters" in refusal(path)


def test_a_bad_limit_setting_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_MAX_PDF_PAGES", "lots")
    with pytest.raises(PolicyKGError, match="POLICYKG_MAX_PDF_PAGES='lots': expected a positive whole number of pages"):
        LIMITS["pdf_pages"].value()


def test_a_pdf_with_too_many_pages_is_refused(tmp_path, monkeypatch):
    pdf = make_pdf(CORPUS / "taizhou-2024-26.txt", tmp_path / "t.pdf")
    monkeypatch.setenv("POLICYKG_MAX_PDF_PAGES", "1")
    assert "pages of a PDF is" in refusal(pdf) and "over the limit of 1 pages" in refusal(pdf)
    monkeypatch.delenv("POLICYKG_MAX_PDF_PAGES")
    assert "单个独立站" in read_source(make_pdf(WENZHOU, tmp_path / "w.pdf")).text.replace(" ", "")


def _docx_bomb(real: Path, out: Path, megabytes: int) -> Path:
    """A real .docx with one extra part of `megabytes` MB of zeros: a few hundred KB on disk."""
    with zipfile.ZipFile(real) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        with dst.open("word/media/padding.bin", "w") as part:
            chunk = bytes(1 << 20)
            for _ in range(megabytes):
                part.write(chunk)
    return out


def test_a_docx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    real = make_docx(WENZHOU, tmp_path / "w.docx")
    bomb = _docx_bomb(real, tmp_path / "bomb.docx", 150)
    assert bomb.stat().st_size < 1_000_000
    message = refusal(bomb)
    assert "unpacked size of a .docx is 15" in message and "over the limit of 100 MB" in message
    assert "POLICYKG_MAX_DOCX_MB" in message


def test_docx_limit_is_configurable(tmp_path, monkeypatch):
    real = make_docx(WENZHOU, tmp_path / "w.docx")
    bomb = _docx_bomb(real, tmp_path / "b.docx", 3)
    monkeypatch.setenv("POLICYKG_MAX_DOCX_MB", "10")
    assert "单个独立站" in read_source(bomb).text.replace(" ", "")
    monkeypatch.setenv("POLICYKG_MAX_DOCX_MB", "2")
    assert "over the limit of 2 MB" in refusal(bomb)


def test_a_utf8_bom_inside_html_wins_over_a_wrong_meta(tmp_path):
    page = tmp_path / "p.html"
    body = "<p>一、对自建独立站的企业，按实际投入的50%给予补助，单个独立站补助最高不超过20万元。</p>"
    page.write_bytes(codecs.BOM_UTF8 + f'<html><head><meta charset="gbk"></head><body>{body}</body></html>'
                     .encode())
    assert "单个独立站补助最高不超过20万元" in read_source(page).text


def test_zip_that_lies_about_nothing_still_opens(tmp_path):
    """The expansion check reads only the zip directory: a normal .docx is unaffected."""
    real = make_docx(WENZHOU, tmp_path / "w.docx")
    with zipfile.ZipFile(io.BytesIO(real.read_bytes())) as archive:
        assert sum(i.file_size for i in archive.infolist()) < 1_000_000
    assert read_source(real).kind == "docx"
