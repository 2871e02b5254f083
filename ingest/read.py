"""Read one input file (txt, md, pdf, docx, html) into text, or fail with one clear line.

`read_source(path)` returns a `Source`. What its character offsets mean depends on `extracted`:

- `.txt` / `.md` (`extracted=False`): the text is the file's bytes decoded, nothing else. Line
  endings are kept as they are (CRLF stays CRLF), so offsets are exact character offsets into
  the decoded file. A UTF-8 byte-order mark is the one exception: it is stripped, so offset 0 is
  the first character AFTER the BOM (`encoding == "utf-8-sig"` records that there was one).
- `.pdf` / `.docx` / `.html` / `.htm` (`extracted=True`): the text is extracted by this module
  and offsets refer to that extracted text, which the build saves beside the store.

Encodings for plain text (and for HTML without a usable meta charset): strict UTF-8 first; then
strict GB18030 (a superset of GBK and GB2312), accepted only when the result looks like Chinese
text, with charset-normalizer asked for a second opinion when the hanzi are mostly outside the
common GB2312 set.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from policykg.errors import PolicyKGError

Kind = Literal["txt", "md", "pdf", "docx", "html"]

KINDS: dict[str, Kind] = {
    ".txt": "txt",
    ".md": "md",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}

# Control characters that never occur in a text document (tab, LF, VT, FF, CR are allowed).
_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x20)) | {0x7F}
_BAD_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Source:
    """The text of one input file and how it was obtained."""

    text: str
    kind: Kind
    encoding: str | None  # "utf-8", "utf-8-sig" (BOM stripped), "gb18030", ...; None for pdf/docx
    extracted: bool  # True: offsets refer to this extracted text, not to the file's bytes


def read_source(path: Path | str) -> Source:
    """Read `path` into a `Source`; raise PolicyKGError naming the file for any bad input."""
    path = Path(path)
    if path.is_dir():
        raise PolicyKGError(f"{path} is a directory: give one policy file")
    kind = kind_for(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyKGError(f"{path}: cannot be read ({exc.strerror or exc}); check the path") from exc
    if not data:
        raise PolicyKGError(f"{path} is empty: give a file that contains the policy text")
    if kind in ("txt", "md"):
        text, encoding = decode_text(data, path)
        _require_text(text, path)
        return Source(text=text, kind=kind, encoding=encoding, extracted=False)
    if kind == "pdf":
        return Source(text=_read_pdf(data, path), kind="pdf", encoding=None, extracted=True)
    if kind == "docx":
        return Source(text=_read_docx(data, path), kind="docx", encoding=None, extracted=True)
    text, encoding = _decode_html(data, path)
    return Source(text=_html_article_text(text, path), kind="html", encoding=encoding, extracted=True)


def kind_for(path: Path) -> Kind:
    """The input kind for a file name, by extension (case-insensitive).

    >>> kind_for(Path("a/温州.TXT")), kind_for(Path("x.htm")), kind_for(Path("y.docx"))
    ('txt', 'html', 'docx')
    >>> kind_for(Path("old.doc"))
    Traceback (most recent call last):
    ...
    policykg.errors.PolicyKGError: old.doc: unsupported file type '.doc'; supported: .txt .md .pdf .docx .html .htm (save Word 97-2003 files as .docx)
    """
    suffix = path.suffix.lower()
    if suffix in KINDS:
        return KINDS[suffix]
    hint = {
        ".doc": " (save Word 97-2003 files as .docx)",
        ".wps": " (save WPS files as .docx)",
        ".rtf": " (save it as .docx)",
        ".xhtml": " (rename it to .html)",
    }.get(suffix, "")
    shown = f"'{suffix}'" if suffix else "(no extension)"
    raise PolicyKGError(
        f"{path}: unsupported file type {shown}; supported: {' '.join(KINDS)}{hint}"
    )


# --- decoding -----------------------------------------------------------------------------------


def looks_binary(data: bytes) -> bool:
    """True if the bytes cannot be a text document: a NUL byte, or over 10% control bytes.

    >>> looks_binary("温州市人民政府\\r\\n".encode("gb18030"))
    False
    >>> looks_binary(b"%PDF\\x00\\x01"), looks_binary(bytes(range(1, 32)) * 3)
    (True, True)
    """
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b in _CONTROL_BYTES)
    return controls * 10 > len(sample)


def is_cjk(ch: str) -> bool:
    """A CJK unified ideograph (basic block or extension A).

    >>> [is_cjk(c) for c in "补A，㐀"]
    [True, False, False, True]
    """
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_texty(ch: str) -> bool:
    """Characters a Chinese policy document is made of: ASCII, hanzi, CJK and general punctuation."""
    o = ord(ch)
    return (
        0x20 <= o < 0x7F
        or ch in "\t\n\r\x0b\x0c\xa0\xb7\xd7\xf7\xb0\xb1\xa7"
        or is_cjk(ch)
        or 0x2000 <= o <= 0x206F  # general punctuation: — “ ” … ‰
        or 0x2100 <= o <= 0x218F  # letterlike symbols and Roman numerals: № Ⅰ Ⅱ
        or 0x2460 <= o <= 0x24FF  # enclosed numbers ① ⑴ ⒈
        or 0x3000 <= o <= 0x303F  # CJK symbols and punctuation 、。〔〕《》
        or 0xFF01 <= o <= 0xFF5E  # fullwidth ASCII forms （）：，％ (not halfwidth katakana)
        or 0xFFE0 <= o <= 0xFFE6  # fullwidth signs ￥ ￡
    )


def looks_chinese(text: str) -> bool:
    """True if `text` reads as Chinese (or plain ASCII) text: no control characters, no private-use
    or kana garbage, and at least 95% ASCII, hanzi and CJK/general punctuation.

    >>> looks_chinese("一、支持跨境电商发展\\r\\n单个独立站补助最高不超过 20万元。")
    True
    >>> looks_chinese("この矢今は泣塑胳で今かれています。")   # EUC-JP Japanese misread as GB18030
    False
    >>> looks_chinese("补助\\x01金额")
    False
    """
    if not text or _BAD_CONTROL_CHARS.search(text):
        return False
    texty = sum(1 for ch in text if _is_texty(ch))
    return texty >= 0.95 * len(text)


def common_hanzi_share(text: str) -> float:
    """Share of the hanzi in `text` that are in GB2312 (the 6,763 common characters); 1.0 if none.

    Text in another CJK encoding (Shift-JIS, Big5) misread as GB18030 decodes to rare hanzi.

    >>> common_hanzi_share("跨境电商综试区")
    1.0
    >>> common_hanzi_share("偙偺暥彂偼擔杮岅偱彂偐傟偰偄傑偡")   # Shift-JIS misread as GB18030
    0.0
    >>> common_hanzi_share("abc")
    1.0
    """
    hanzi = [ch for ch in text if is_cjk(ch)]
    if not hanzi:
        return 1.0
    common = 0
    for ch in hanzi:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common / len(hanzi)


def _charset_normalizer_says_chinese(data: bytes) -> bool:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return best is not None and codecs.lookup(best.encoding).name in {"gb18030", "gbk", "gb2312", "hz"}


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text file's bytes exactly (no newline or Unicode normalisation).

    Returns (text, encoding). A UTF-8 BOM is stripped and reported as "utf-8-sig".

    >>> decode_text("第一条\\r\\n".encode("utf-8"), Path("a.txt"))
    ('第一条\\r\\n', 'utf-8')
    >>> decode_text(codecs.BOM_UTF8 + "补助".encode("utf-8"), Path("a.txt"))
    ('补助', 'utf-8-sig')
    >>> decode_text("温州市人民政府办公室".encode("gbk"), Path("a.txt"))
    ('温州市人民政府办公室', 'gb18030')
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PolicyKGError(f"{path} is UTF-16 (or UTF-32) encoded, which is not supported: re-save it as UTF-8")
    if looks_binary(data):
        raise PolicyKGError(
            f"{path} is not a text document (binary?): give the policy as .txt, .md, .pdf, .docx or .html"
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise PolicyKGError(
                f"{path} starts with a UTF-8 byte-order mark but byte {exc.start} is not UTF-8: "
                "re-save it as UTF-8"
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        utf8_at = utf8_error.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and looks_chinese(text):
        if common_hanzi_share(text) >= 0.8 or _charset_normalizer_says_chinese(data):
            return text, "gb18030"
    guess = _charset_normalizer_guess(data)
    hint = f" (it may be {guess})" if guess and codecs.lookup(guess).name != "utf-8" else ""
    raise PolicyKGError(
        f"{path} is neither UTF-8 nor GB18030/GBK (first bad UTF-8 byte at offset {utf8_at}){hint}: "
        "re-save it as UTF-8"
    )


def _require_text(text: str, path: Path) -> None:
    if not text.strip():
        raise PolicyKGError(f"{path} is empty (only whitespace): give a file that contains the policy text")


# --- PDF ----------------------------------------------------------------------------------------


def _read_pdf(data: bytes, path: Path) -> str:
    import io
    import logging

    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise PolicyKGError(
            f"{path} is not a readable PDF: no %PDF header; check that the file really is a PDF"
        )
    # pypdf logs its repairs of damaged files as warnings; the user gets one line (below) instead.
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    # pypdf raises many exception types on damaged files (PdfReadError, ValueError, KeyError,
    # struct.error, zlib.error, ...): any failure while parsing means "not a readable PDF".
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PolicyKGError(f"{path} is a password-protected PDF: remove the password and try again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PolicyKGError:
        raise
    except Exception as exc:  # noqa: BLE001 - see comment above
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PolicyKGError(
            f"{path} is not a readable PDF: {reason}; re-export it from the original document"
        ) from exc
    finally:
        pypdf_log.setLevel(level)
    text = "\n".join(pages)
    if not text.strip():
        raise PolicyKGError(
            f"{path} has no text layer (scanned PDF?): run OCR on it (e.g. ocrmypdf) and read the result"
        )
    return text


# --- DOCX ---------------------------------------------------------------------------------------


def _read_docx(data: bytes, path: Path) -> str:
    import io

    import docx

    # python-docx raises PackageNotFoundError, BadZipFile, KeyError, lxml errors, ... on files
    # that are not Word documents: any failure while opening means "not a readable DOCX".
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except Exception as exc:  # noqa: BLE001 - see comment above
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PolicyKGError(
            f"{path} is not a readable Word document (.docx): {reason}; open and re-save it in Word or WPS"
        ) from exc
    text = "\n".join(lines)
    if not text.strip():
        raise PolicyKGError(f"{path} is empty (no paragraph has text): give a file that contains the policy text")
    return text


def _docx_lines(container):
    """Paragraph texts in document order; a table gives each cell's paragraphs, row by row."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is repeated for every grid column
                        continue
                    seen.add(id(cell._tc))
                    yield from _docx_lines(cell)
        else:
            yield block.text


# --- HTML ---------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)


def html_declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag (first 4 KB), as a Python codec name.

    GB2312 and GBK are widened to GB18030, their superset: pages labelled gb2312 often use GBK.

    >>> html_declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb18030'
    >>> html_declared_charset(b'<meta charset="UTF-8">'), html_declared_charset(b'<p>no</p>')
    ('utf-8', None)
    >>> html_declared_charset(b'<meta charset="x-klingon">') is None
    True
    """
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return "gb18030" if name in {"gb2312", "gbk", "gb18030"} else name


def _decode_html(data: bytes, path: Path) -> tuple[str, str]:
    declared = html_declared_charset(data)
    if declared and not data.startswith(codecs.BOM_UTF8) and not looks_binary(data):
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # a wrong declaration is common; detect instead
    return decode_text(data, path)


_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "object", "embed", "svg", "canvas", "button", "select", "head",
)
_NAV_WORDS = re.compile(r"nav|menu|breadcrumb|crumb|footer|header|sidebar", re.I)
_CONTENT_WORDS = re.compile(r"content|article|main|trs_editor|detail|zoom", re.I)
_BLOCK_TAGS = frozenset(
    "address article blockquote body br caption center dd div dl dt fieldset figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr li main ol p pre section table tbody td tfoot th thead tr ul".split()
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def looks_like_navigation(attrs: dict) -> bool:
    """True if an element's id or class names navigation, menus, breadcrumbs, headers or footers.

    >>> looks_like_navigation({"class": ["top-navbar"]}), looks_like_navigation({"id": "siteFooter"})
    (True, True)
    >>> looks_like_navigation({"class": ["TRS_Editor"], "id": "zoom"})
    False
    """
    values = [attrs.get("id") or ""]
    classes = attrs.get("class") or []
    values.extend([classes] if isinstance(classes, str) else classes)
    return any(_NAV_WORDS.search(v) for v in values if v)


def cjk_count(text: str) -> int:
    """How many hanzi `text` contains.

    >>> cjk_count("单个独立站补助最高不超过 20万元")
    14
    """
    return sum(1 for ch in text if is_cjk(ch))


def _html_article_text(markup: str, path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        style = (tag.get("style") or "").replace(" ", "").lower()
        if tag.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style:
            tag.decompose()
    root = soup.body or soup
    total = cjk_count(root.get_text())
    # Drop navigation-like blocks, but never one that holds most of the page's text (a wrapper
    # such as <div id="header-and-content"> or <body class="has-header">).
    for tag in root.find_all(True):
        if tag.decomposed or not looks_like_navigation(tag.attrs):
            continue
        if cjk_count(tag.get_text()) * 2 <= total:
            tag.decompose()
    total = cjk_count(root.get_text())
    root = _article_root(root, total)
    lines = _block_text(root).split("\n")
    text = "\n".join(line.strip() for line in lines if line.strip())
    if not text:
        raise PolicyKGError(f"{path} has no article text: give the page that contains the policy itself")
    return text


def _article_root(root, total: int):
    """<article>, else the content-like element (content/article/main/TRS_Editor) with the most
    hanzi, else <main>, else the whole body; a candidate must hold at least half the page's hanzi."""

    def best(tags):
        scored = [(cjk_count(t.get_text()), -depth(t), t) for t in tags]
        scored = [s for s in scored if s[0] * 2 >= total and s[0] > 0]
        return max(scored, key=lambda s: s[:2])[2] if scored else None

    def depth(tag) -> int:
        return sum(1 for _ in tag.parents)

    articles = root.find_all("article")
    content_like = [
        t
        for t in root.find_all(True)
        if any(_CONTENT_WORDS.search(v) for v in [t.get("id") or "", *(t.get("class") or [])] if v)
    ]
    return best(articles) or best(content_like) or best(root.find_all("main")) or root


def _block_text(root) -> str:
    """Text of `root` with block elements as line breaks and HTML whitespace collapsed."""
    from bs4.element import NavigableString, PreformattedString, Tag

    parts: list[str] = []
    block_end = object()
    # An explicit stack, not recursion: a page may nest elements thousands deep.
    stack: list = [(child, False) for child in reversed(root.contents)]
    while stack:
        node, pre = stack.pop()
        if node is block_end:
            parts.append("\n")
        elif isinstance(node, Tag):
            name = node.name.lower()
            if name == "br":
                parts.append("\n")
                continue
            if name in _BLOCK_TAGS:
                parts.append("\n")
                stack.append((block_end, pre))
            inner = pre or name == "pre"
            stack.extend((child, inner) for child in reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            # PreformattedString covers comments, doctypes, CDATA and processing instructions
            parts.append(str(node) if pre else _HTML_SPACE.sub(" ", str(node)))
    return "".join(parts)
