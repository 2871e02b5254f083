"""ingest/read.py on real files made from the corpus: encodings, PDF, DOCX, HTML and bad input."""
from __future__ import annotations

import codecs
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from ingest.read import Source, read_source
from policykg.errors import PolicyKGError
from tests.fixtures_make import (
    HTML_NOISE,
    make_bom,
    make_docx,
    make_gbk,
    make_html,
    make_pdf,
    make_scanned_pdf,
    source_lines,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DOCS = sorted(p.name for p in CORPUS.glob("*.txt"))
WENZHOU = CORPUS / "wenzhou-2022-60.txt"

# One sentence per document, read by hand from corpus/ (whitespace removed).
KEY_SENTENCES = {
    "wenzhou-2022-60.txt": "单个独立站补助最高不超过20万元",  # line 34
    "hangzhou-2023-9.txt": "给予站点主体企业不超过20万元的一次性资金扶持",  # line 43
    "lishui-2021-67.txt": "每家企业最高补助不超过10万元",  # line 33
    "yuncheng-2024-10.txt": "境外每个展位补助最高2.5万元",  # line 27
    "taizhou-2024-26.txt": "单家企业支持金额最高不超过200万元",  # line 107
}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_lines_in_order(src: Path, text: str) -> None:
    """Every non-blank source line, whitespace removed, occurs in `text` (whitespace removed), in order."""
    flat = squash(text)
    pos = 0
    for number, line in enumerate(source_lines(src), 1):
        wanted = squash(line)
        if not wanted:
            continue
        found = flat.find(wanted, pos)
        assert found >= 0, f"{src.name} line {number} missing or out of order: {line!r}"
        pos = found + len(wanted)


def test_corpus_documents_are_there():
    assert DOCS == sorted(KEY_SENTENCES), "corpus/ should hold the five policy documents"


# --- plain text --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOCS)
def test_utf8_text_is_the_file_exactly(name):
    src = CORPUS / name
    source = read_source(src)
    assert source == Source(
        text=src.read_bytes().decode("utf-8"), kind="txt", encoding="utf-8", extracted=False
    )


def test_markdown_kind(tmp_path):
    md = tmp_path / "wenzhou.md"
    shutil.copy(WENZHOU, md)
    source = read_source(md)
    assert (source.kind, source.extracted) == ("md", False)
    assert source.text == WENZHOU.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", DOCS)
def test_gbk_copy_decodes_to_the_utf8_text(tmp_path, name):
    src = CORPUS / name
    source = read_source(make_gbk(src, tmp_path / name))
    assert source.text == src.read_bytes().decode("utf-8")
    assert (source.encoding, source.kind, source.extracted) == ("gb18030", "txt", False)


def test_gb18030_copy_decodes(tmp_path):
    source = read_source(make_gbk(WENZHOU, tmp_path / "w.txt", codec="gb18030"))
    assert source.text == WENZHOU.read_text(encoding="utf-8")


def test_crlf_is_kept_so_offsets_stay_exact(tmp_path):
    gbk = read_source(make_gbk(WENZHOU, tmp_path / "gbk.txt", newline="\r\n"))
    utf8 = tmp_path / "utf8.txt"
    utf8.write_bytes(WENZHOU.read_bytes().replace(b"\n", b"\r\n"))
    expected = WENZHOU.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert gbk.text == expected
    assert read_source(utf8).text == expected


def test_bom_is_stripped_and_offsets_exclude_it(tmp_path):
    source = read_source(make_bom(WENZHOU, tmp_path / "bom.txt"))
    original = WENZHOU.read_text(encoding="utf-8")
    assert source.text == original
    assert source.encoding == "utf-8-sig"
    sentence = "单个独立站补助最高不超过 20万元"  # line 34 of the source
    assert source.text.index(sentence) == original.index(sentence)


# --- PDF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOCS)
def test_pdf_text_layer_has_every_line(tmp_path, name):
    src = CORPUS / name
    source = read_source(make_pdf(src, tmp_path / f"{name}.pdf"))
    assert (source.kind, source.encoding, source.extracted) == ("pdf", None, True)
    assert_lines_in_order(src, source.text)
    assert KEY_SENTENCES[name] in squash(source.text)


def test_pdf_pages_are_joined_with_newlines(tmp_path):
    from pypdf import PdfReader

    pdf = make_pdf(CORPUS / "taizhou-2024-26.txt", tmp_path / "t.pdf")
    pages = PdfReader(pdf).pages
    assert len(pages) > 1
    assert read_source(pdf).text == "\n".join(page.extract_text() for page in pages)


# --- DOCX --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOCS)
def test_docx_paragraphs_and_table_cells_in_order(tmp_path, name):
    src = CORPUS / name
    source = read_source(make_docx(src, tmp_path / f"{name}.docx"))
    assert (source.kind, source.encoding, source.extracted) == ("docx", None, True)
    assert_lines_in_order(src, source.text)
    assert KEY_SENTENCES[name] in squash(source.text)


def test_docx_table_cells_are_lines(tmp_path):
    import docx

    path = make_docx(WENZHOU, tmp_path / "w.docx")
    table = docx.Document(str(path)).tables[0]
    cells = [cell.text for row in table.rows for cell in row.cells]
    assert all(cells)
    lines = read_source(path).text.split("\n")
    start = lines.index(cells[0])
    assert lines[start:start + len(cells)] == cells


# --- HTML --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOCS)
def test_html_article_without_navigation(tmp_path, name):
    src = CORPUS / name
    source = read_source(make_html(src, tmp_path / f"{name}.html"))
    assert (source.kind, source.encoding, source.extracted) == ("html", "utf-8", True)
    assert_lines_in_order(src, source.text)
    assert KEY_SENTENCES[name] in squash(source.text)
    for part, text in HTML_NOISE.items():
        assert text not in source.text, f"{part} text leaked into the article"


def test_html_declared_gb2312(tmp_path):
    source = read_source(make_html(WENZHOU, tmp_path / "w.htm", encoding="gbk"))
    assert source.encoding == "gb18030"
    assert_lines_in_order(WENZHOU, source.text)


def test_html_gbk_without_declaration_is_detected(tmp_path):
    source = read_source(make_html(WENZHOU, tmp_path / "w.html", encoding="gbk", declare=False))
    assert source.encoding == "gb18030"
    assert_lines_in_order(WENZHOU, source.text)


def test_html_wrong_declaration_falls_back_to_detection(tmp_path):
    page = make_html(WENZHOU, tmp_path / "w.html", encoding="gbk")
    page.write_bytes(page.read_bytes().replace(b"charset=gb2312", b"charset=utf-8"))
    source = read_source(page)
    assert source.encoding == "gb18030"
    assert_lines_in_order(WENZHOU, source.text)


def test_html_block_elements_become_lines_and_inline_tags_do_not(tmp_path):
    """Blocks are lines, <b> inside a sentence is not a break, a table row is one line of cells."""
    page = tmp_path / "p.html"
    page.write_text(
        "<html><body><article><h1>温政办〔2022〕60号</h1>"
        "<p>一、支持跨境电商\n发展</p><div>单个独立站<b>补助</b>最高不超过 20万元<br>具体补助金额</div>"
        "<table><tr><td>甲</td><td>乙</td></tr></table></article></body></html>",
        encoding="utf-8",
    )
    assert read_source(page).text == (
        "温政办〔2022〕60号\n一、支持跨境电商 发展\n单个独立站补助最高不超过 20万元\n具体补助金额\n| 甲 | 乙 |"
    )


# --- bad input ---------------------------------------------------------------------------------


def _zip_without_word_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    return buffer.getvalue()


def _empty_docx(path: Path) -> bytes:
    import docx

    docx.Document().save(str(path))
    return path.read_bytes()


BAD_INPUTS = [
    ("empty.txt", lambda d: b"", "is empty"),
    ("blank.md", lambda d: b" \r\n\n\t", "is empty"),
    ("image.txt", lambda d: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "is not a text document (binary?)"),
    ("controls.txt", lambda d: bytes(range(1, 9)) * 50, "is not a text document (binary?)"),
    ("cp1252.txt", lambda d: "café résumé naïve".encode("cp1252"), "is neither UTF-8, GB18030/GBK nor Big5"),
    (
        "shiftjis.txt",
        lambda d: "この文書は日本語で書かれています。補助金の上限は二十万円です。".encode("shift_jis"),
        "is neither UTF-8, GB18030/GBK nor Big5",
    ),
    (
        "eucjp.txt",
        lambda d: "この文書は日本語で書かれています。補助金の上限は二十万円です。".encode("euc_jp"),
        "is neither UTF-8, GB18030/GBK nor Big5",
    ),
    ("utf16.txt", lambda d: codecs.BOM_UTF16_LE + "单个独立站补助".encode("utf-16-le") + b"A", "is not UTF-16-LE"),
    ("policy.doc", lambda d: b"\xd0\xcf\x11\xe0", "unsupported file type '.doc'"),
    ("policy.xlsx", lambda d: b"PK", "supported: .txt .md .pdf .docx .html .htm"),
    ("README", lambda d: b"text", "(no extension)"),
    ("notes.pdf", lambda d: "单个独立站补助".encode(), "is not a readable PDF: no %PDF header"),
    (
        "truncated.pdf",
        lambda d: make_pdf(WENZHOU, d / "full.pdf").read_bytes()[:3000],
        "is not a readable PDF:",
    ),
    ("scan.pdf", lambda d: make_scanned_pdf(d / "s.pdf").read_bytes(), "has no text layer (scanned PDF?)"),
    ("notes.docx", lambda d: "单个独立站补助".encode(), "is not a readable Word document (.docx)"),
    ("other.docx", lambda d: _zip_without_word_parts(), "is not a readable Word document (.docx)"),
    ("blank.docx", lambda d: _empty_docx(d / "e.docx"), "is empty"),
    ("menu.html", lambda d: "<html><body><nav>首页</nav><script>x()</script></body></html>".encode(), "has no article text"),
    ("binary.html", lambda d: b"<html>\x00\x00\x00", "is not a text document (binary?)"),
]


@pytest.mark.parametrize(("name", "make", "words"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_names_the_file_and_the_problem(tmp_path, name, make, words):
    work = tmp_path / "work"
    work.mkdir()
    path = tmp_path / name
    path.write_bytes(make(work))
    with pytest.raises(PolicyKGError) as caught:
        read_source(path)
    message = str(caught.value)
    assert name in message
    assert words in message
    assert "\n" not in message


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(PolicyKGError, match="missing.txt: cannot be read"):
        read_source(tmp_path / "missing.txt")
    with pytest.raises(PolicyKGError, match="is a directory"):
        read_source(tmp_path)


def test_damaged_pdf_logs_no_pypdf_warnings(tmp_path, caplog):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(make_pdf(WENZHOU, tmp_path / "full.pdf").read_bytes()[:3000])
    with pytest.raises(PolicyKGError):
        read_source(bad)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")] == []


def test_bom_plus_invalid_utf8_is_refused(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(codecs.BOM_UTF8 + "补助".encode("gbk"))
    with pytest.raises(PolicyKGError, match="bad.txt starts with a UTF-8 byte-order mark"):
        read_source(bad)
