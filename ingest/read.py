"""Read one input file (txt, md, pdf, docx, html) into text, or fail with one clear line.

`read_source(path)` returns a `Source`. What its character offsets mean depends on `extracted`:

- `.txt` / `.md` (`extracted=False`): the text is the file's bytes decoded, nothing else. Line
  endings are kept as they are (CRLF stays CRLF), so offsets are exact character offsets into
  the decoded file. A byte-order mark is the one exception: it is stripped, so offset 0 is the
  first character AFTER the BOM (`encoding` "utf-8-sig", "utf-16-le", "utf-32-be", ... says
  which one there was).
- `.pdf` / `.docx` / `.html` / `.htm` (`extracted=True`): the text is extracted by this module
  and offsets refer to that extracted text, which the build saves beside the store.

Encodings for plain text (and for HTML without a usable meta charset): a BOM decides (UTF-8,
UTF-16, UTF-32); else strict UTF-8; else strict GB18030 (a superset of GBK and GB2312) and
strict Big5 (cp950), the one whose hanzi are the more common characters winning, accepted only
when the result looks like Chinese text. HTML pages are reduced to their main text by
trafilatura (navigation, breadcrumbs, banners, footers and scripts dropped).

Every file is bounded before it is parsed (`LIMITS`, each overridable by an environment
variable): file size, characters of text, PDF pages, DOCX expansion; HTML nested deeper than
the HTML parser's depth limit is refused rather than silently cut.
"""
from __future__ import annotations

import codecs
import io
import logging
import os
import re
import zipfile
from configparser import ConfigParser
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import lxml.html
from charset_normalizer import from_bytes

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
_CONTROL_BYTES = frozenset(range(0x09)) | frozenset(range(0x0E, 0x20)) | {0x7F}
_BAD_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Limit:
    """A bound on the work one input file may cause; `env` overrides `default`."""

    env: str
    default: int
    unit: str
    what: str

    def value(self) -> int:
        """The limit in force: the environment variable if set, else the default.

        >>> LIMITS["pdf_pages"].value() > 0
        True
        """
        raw = os.environ.get(self.env)
        if raw is None or not raw.strip():
            return self.default
        if not raw.strip().isdigit() or int(raw) <= 0:
            raise PolicyKGError(f"{self.env}={raw!r}: expected a positive whole number of {self.unit}")
        return int(raw)


LIMITS: dict[str, Limit] = {
    "file_mb": Limit("POLICYKG_MAX_FILE_MB", 50, "MB", "size of an input file"),
    "text_chars": Limit("POLICYKG_MAX_TEXT_CHARS", 1_000_000, "characters", "characters of text in a document"),
    "pdf_pages": Limit("POLICYKG_MAX_PDF_PAGES", 500, "pages", "pages of a PDF"),
    "docx_mb": Limit("POLICYKG_MAX_DOCX_MB", 100, "MB", "unpacked size of a .docx"),
}
HTML_MAX_DEPTH = 255  # libxml2's nesting limit: a deeper page would be cut silently, so it is refused


def _over(path: Path, key: str, amount: int, shown: str) -> None:
    limit = LIMITS[key]
    cap = limit.value()
    scale = 1_000_000 if limit.unit == "MB" else 1
    if amount > cap * scale:
        raise PolicyKGError(
            f"{path}: {limit.what} is {shown}, over the limit of {cap:,} {limit.unit} "
            f"(raise it with {limit.env}=N if the file is genuine)")


@dataclass(frozen=True)
class Source:
    """The text of one input file and how it was obtained."""

    text: str
    kind: Kind
    encoding: str | None  # "utf-8", "utf-8-sig"/"utf-16-le"/... (BOM stripped), "gb18030", "big5"; None for pdf/docx
    extracted: bool  # True: offsets refer to this extracted text, not to the file's bytes


def read_source(path: Path | str) -> Source:
    """Read `path` into a `Source`; raise PolicyKGError naming the file for any bad input."""
    path = Path(path)
    if path.is_dir():
        raise PolicyKGError(f"{path} is a directory: give one policy file")
    kind = kind_for(path)
    try:
        size = path.stat().st_size
        _over(path, "file_mb", size, f"{size / 1e6:,.1f} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyKGError(f"{path}: cannot be read ({exc.strerror or exc}); check the path") from exc
    if not data:
        raise PolicyKGError(f"{path} is empty: give a file that contains the policy text")
    if kind in ("txt", "md"):
        text, encoding = decode_text(data, path)
        _require_text(text, path)
        source = Source(text=text, kind=kind, encoding=encoding, extracted=False)
    elif kind == "pdf":
        source = Source(text=_read_pdf(data, path), kind="pdf", encoding=None, extracted=True)
    elif kind == "docx":
        source = Source(text=_read_docx(data, path), kind="docx", encoding=None, extracted=True)
    else:
        text, encoding = _decode_html(data, path)
        source = Source(text=_html_article_text(text, path), kind="html", encoding=encoding, extracted=True)
    _over(path, "text_chars", len(source.text), f"{len(source.text):,} characters")
    return source


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

# (byte-order mark, codec, reported encoding): UTF-32-LE's mark begins with UTF-16-LE's, so first
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
# Legacy Chinese encodings tried after UTF-8, with the name reported for each.
LEGACY = (("gb18030", "gb18030"), ("cp950", "big5"))


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
        or 0x25A0 <= o <= 0x27BF  # geometric shapes and dingbats used as decoration ◆ ■ ▶ ★
        or 0x3000 <= o <= 0x303F  # CJK symbols and punctuation 、。〔〕《》
        or 0xFE30 <= o <= 0xFE4F  # CJK compatibility forms ︰ ﹁
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


def _is_common(ch: str) -> bool:
    """One of the most frequent hanzi: GB2312 level 1 (3,755 simplified) or Big5 level 1 (5,401
    traditional). Text decoded with the wrong codec turns into rare characters."""
    try:
        b = ch.encode("gb2312")
        if 0xB0 <= b[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        b = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xA440 <= (b[0] << 8 | b[1]) <= 0xC67E


def common_hanzi_share(text: str) -> float:
    """Share of the hanzi in `text` that are common characters (simplified or traditional); 1.0 if none.

    Text in another CJK encoding (Shift-JIS, Big5 as GBK, GBK as Big5) decodes to rare hanzi.

    >>> common_hanzi_share("跨境电商综试区"), common_hanzi_share("跨境電商綜試區")
    (1.0, 1.0)
    >>> round(common_hanzi_share("偙偺暥彂偼擔杮岅偱彂偐傟偰偄傑偡"), 2)   # Shift-JIS misread as GB18030
    0.19
    >>> common_hanzi_share("abc")
    1.0
    """
    hanzi = [ch for ch in text if is_cjk(ch)]
    if not hanzi:
        return 1.0
    return sum(1 for ch in hanzi if _is_common(ch)) / len(hanzi)


def _charset_normalizer_guess(data: bytes) -> str | None:
    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text file's bytes exactly (no newline or Unicode normalisation).

    Returns (text, encoding). A byte-order mark is stripped and reported in the encoding.

    >>> decode_text("第一条\\r\\n".encode("utf-8"), Path("a.txt"))
    ('第一条\\r\\n', 'utf-8')
    >>> decode_text(codecs.BOM_UTF8 + "补助".encode("utf-8"), Path("a.txt"))
    ('补助', 'utf-8-sig')
    >>> decode_text("\\ufeff萬元補助".encode("utf-16-le"), Path("a.txt"))
    ('萬元補助', 'utf-16-le')
    >>> decode_text("温州市人民政府办公室".encode("gbk"), Path("a.txt"))
    ('温州市人民政府办公室', 'gb18030')
    >>> decode_text("臺州市人民政府辦公室關於補助".encode("big5"), Path("a.txt"))
    ('臺州市人民政府辦公室關於補助', 'big5')
    """
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise PolicyKGError(
                    f"{path} starts with a {codec.upper()} byte-order mark but byte {exc.start + len(bom)} "
                    f"is not {codec.upper()}: re-save it as UTF-8") from exc
            if _BAD_CONTROL_CHARS.search(text):
                raise PolicyKGError(f"{path} is not a text document (binary?): give the policy as "
                                    ".txt, .md, .pdf, .docx or .html")
            return text, name
    if looks_binary(data):
        raise PolicyKGError(
            f"{path} is not a text document (binary?): give the policy as .txt, .md, .pdf, .docx or .html"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        utf8_at = utf8_error.start
    candidates = []
    for codec, name in LEGACY:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if looks_chinese(text):
            candidates.append((common_hanzi_share(text), text, name))
    if candidates:
        share, text, name = max(candidates, key=lambda c: c[0])
        guess = _charset_normalizer_guess(data) if share < 0.8 else None
        if share >= 0.8 or (guess and codecs.lookup(guess).name in {"gb18030", "gbk", "gb2312", "big5", "cp950"}):
            return text, name
    guess = _charset_normalizer_guess(data)
    hint = f" (it may be {guess})" if guess and codecs.lookup(guess).name != "utf-8" else ""
    raise PolicyKGError(
        f"{path} is neither UTF-8, GB18030/GBK nor Big5 (first bad UTF-8 byte at offset {utf8_at}){hint}: "
        "re-save it as UTF-8"
    )


def _require_text(text: str, path: Path) -> None:
    if not text.strip():
        raise PolicyKGError(f"{path} is empty (only whitespace): give a file that contains the policy text")


# --- PDF ----------------------------------------------------------------------------------------


def _read_pdf(data: bytes, path: Path) -> str:
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
    from pypdf import (
        PdfReader,  # heavy (seconds): imported when needed, so that start-up and refusals stay fast
    )

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PolicyKGError(f"{path} is a password-protected PDF: remove the password and try again")
        count = len(reader.pages)
        _over(path, "pdf_pages", count, f"{count:,} pages")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PolicyKGError:
        raise
    except Exception as exc:
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


def _check_docx_expansion(data: bytes, path: Path) -> None:
    """Refuse a .docx whose parts unpack to more than the limit (a zip bomb) before opening it.
    The sizes come from the zip's directory; zipfile never inflates a part past its stated size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: python-docx reports it below
    _over(path, "docx_mb", unpacked, f"{unpacked / 1e6:,.1f} MB")


def _read_docx(data: bytes, path: Path) -> str:
    import docx  # heavy (seconds): imported when needed, so that start-up and refusals stay fast

    _check_docx_expansion(data, path)
    # python-docx raises PackageNotFoundError, BadZipFile, KeyError, lxml errors, ... on files
    # that are not Word documents: any failure while opening means "not a readable DOCX".
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except Exception as exc:
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
    from docx.table import (
        Table,  # heavy (seconds): imported when needed, so that start-up and refusals stay fast
    )

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

_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
INLINE_TAGS = ("b", "strong", "em", "i", "u", "span", "font", "sup", "sub", "small", "big")
MIN_ARTICLE_HANZI = 20  # fewer hanzi than this is a menu or an error page, not a policy


def html_declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag (first 4 KB), as a Python codec name.

    GB2312 and GBK are widened to GB18030, their superset: pages labelled gb2312 often use GBK;
    Big5 is widened to cp950 for the same reason.

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
    return {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950"}.get(name, name)


def _decode_html(data: bytes, path: Path) -> tuple[str, str]:
    declared = html_declared_charset(data)
    if declared and not data.startswith(tuple(b for b, _, _ in BOMS)) and not looks_binary(data):
        try:
            return data.decode(declared), "big5" if declared == "cp950" else declared
        except UnicodeDecodeError:
            pass  # a wrong declaration is common; detect instead
    return decode_text(data, path)


def cjk_count(text: str) -> int:
    """How many hanzi `text` contains.

    >>> cjk_count("单个独立站补助最高不超过 20万元")
    14
    """
    return sum(1 for ch in text if is_cjk(ch))


@lru_cache(maxsize=1)
def _trafilatura_config() -> ConfigParser:
    """trafilatura's defaults, but a short notice (under its 250 characters) is still an article,
    not a reason to fall back to the whole page with its banner and menus."""
    from trafilatura.settings import (
        use_config,  # heavy (seconds): imported when needed, so that start-up and refusals stay fast
    )

    config = deepcopy(use_config())
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_ARTICLE_HANZI))
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", str(MIN_ARTICLE_HANZI))
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal-based timer: bounds are ours
    return config


def _html_article_text(markup: str, path: Path) -> str:
    """The page's title and main text by trafilatura: one line per paragraph, page chrome left out.

    lxml parses in linear time but stops at depth 255; a page nested deeper is refused, not cut."""
    import trafilatura  # heavy (seconds): imported when needed, so that start-up and refusals stay fast

    text = ""
    for recall in (False, True):  # precision first: it drops banners and breadcrumbs
        tree = _parse_html(markup, path)
        page_title = tree.findtext(".//title") or ""
        found = trafilatura.bare_extraction(
            tree, favor_recall=recall, include_comments=False, include_tables=True,
            deduplicate=False, with_metadata=True, config=_trafilatura_config())
        body = title = ""
        if found is not None and not isinstance(found, dict):  # a Document: as_dict is left False
            body, title = found.text or "", (found.title or "").strip()
        text = "\n".join(line.strip() for line in body.split("\n") if line.strip())
        # the heading trafilatura took out of the text, if it is the page's own <title> (a site
        # banner in an <h1> is not)
        if cjk_count(title) >= 4 and title in page_title and title not in text[:len(title) + 200]:
            text = f"{title}\n{text}"
        if cjk_count(text) >= MIN_ARTICLE_HANZI:
            return text
    raise PolicyKGError(f"{path} has no article text: give the page that contains the policy itself")


def _parse_html(markup: str, path: Path):
    parser = lxml.html.HTMLParser(remove_comments=True)
    try:
        tree = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise PolicyKGError(f"{path} has no article text: {exc}; give the page that contains the policy") from exc
    if any("Excessive depth" in entry.message for entry in parser.error_log):
        raise PolicyKGError(
            f"{path}: HTML elements are nested more than {HTML_MAX_DEPTH} deep, over the HTML parser's "
            "limit; a policy page is never that deep: save its text as .txt")
    # inline formatting inside a block would otherwise become line breaks in trafilatura's text
    lxml.etree.strip_tags(tree, *INLINE_TAGS)
    return tree
