"""Normalise extracted policy text while keeping a map back to the original characters.

The normalised text has one line per source line (blank lines dropped) in one canonical form:
full-width digits and letters folded to ASCII (２０万元 -> 20万元); ASCII punctuation as
scrapers deliver it folded to the Chinese form ("补助,最高" -> "补助，最高"; "1,000" and "2.5"
untouched); traditional characters to simplified (萬元 -> 万元), one character for one with
OpenCC's character table; page numbers ("— 3 —", "- 12 -", "第2页", "第 2 页 共 9 页") removed
wherever they stand, and the header and footer lines a browser prints on each page; decoration (◆ ▶ ■ ● ★, 【】 around a heading, emoji), zero-width characters,
byte-order marks, Markdown heading marks, emphasis and rules removed; spaces removed except
between two ASCII words (so "落 户", "200 万元" and "2 0 万" close up).

Nothing is ever inserted: `Normalized.offsets[i]` is the index in the original text of
normalised character i, so any span found in the normalised text maps back to exact original
offsets, and what was removed inside it is reported as a gap.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import opencc

from ingest.model import Span

# Page numbers as printed in extracted PDFs, on a line of their own: "— 3 —", "- 12 -", "－3－".
_PAGE_NUMBER = re.compile(r"^\s*[—–\-－]{1,2}\s*\d{1,3}\s*[—–\-－]{1,2}\s*$")
# ... and inside a line (PDF-to-text joins pages): dashes around a page number, or 第2页 (共9页).
_PAGE_INLINE = re.compile(
    r"(?:(?<=\s)|^)[—–\-－]{1,2}[ \t\u3000\xa0]*\d{1,3}[ \t\u3000\xa0]*[—–\-－]{1,2}(?=\s|$)"
    r"|(?<![\d—–\-－])[—－]{1,2}[ \t\u3000\xa0]*\d{1,3}[ \t\u3000\xa0]*[—－]{1,2}(?![\d—–\-－])"
    r"|第[ \t\u3000\xa0]*\d{1,3}[ \t\u3000\xa0]*页(?:[ \t\u3000\xa0]*[，,/]?[ \t\u3000\xa0]*共[ \t\u3000\xa0]*\d{1,3}[ \t\u3000\xa0]*页)?"
    r"|共[ \t\u3000\xa0]*\d{1,3}[ \t\u3000\xa0]*页[ \t\u3000\xa0]*[，,/]?[ \t\u3000\xa0]*第[ \t\u3000\xa0]*\d{1,3}[ \t\u3000\xa0]*页"
)
# What a browser prints at the top and foot of each page: "12/1/26, 3:04 AM 政策文件 _ 温州市…网站",
# "2026/12/1 下午3:04 …", and the page's address with the page count "file:///…/a.html 1/9".
_PRINT_HEADER = re.compile(r"^\s*\d{1,4}/\d{1,2}/\d{1,4},?\s*(?:上午|下午)?\s*\d{1,2}:\d{2}(?:\s*[AP]M)?(?:\s.*)?$")
_PRINT_FOOTER = re.compile(r"^\s*(?:(?:ﬁ|fi)le|https?)://\S*\s+\d{1,4}\s*/\s*\d{1,4}\s*$")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_WHOLE_LINE_NOISE = (_PAGE_NUMBER, _PRINT_HEADER, _PRINT_FOOTER, _RULE)
_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")
_EMPHASIS = re.compile(r"\*\*")
# 第X条【标题】 is numbering, not decoration: its brackets stay.
_ARTICLE_BRACKET = re.compile(r"第[一二三四五六七八九十百零〇\d]{1,4}条\s*(【)[^】\n]{1,30}(】)")

# Canonical punctuation: Chinese full-width forms for brackets and clause punctuation.
_PUNCT = {"(": "（", ")": "）", ":": "：", ";": "；", "．": ".", "％": "%", "～": "~",
          "﹪": "%", "〈": "<", "〉": ">", "＜": "<", "＞": ">", "\u3000": " ", "\xa0": " ",
          "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ", "\t": " "}
# ASCII marks that become full-width next to Chinese text (a comma only outside "1,000").
CONTEXT_PUNCT = {",": "，", "!": "！", "?": "？"}
# Characters that carry nothing: zero-width, joiners, byte-order marks, soft hyphen, variation selectors.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\ufe0e\ufe0f")
_KEEP_SHAPES = frozenset("○〇")  # a circle is a zero in 二○二二年


def is_decoration(ch: str) -> bool:
    """A bullet, shape, dingbat or emoji put before headings and in reposts; never text.

    >>> [is_decoration(c) for c in "◆▶■●★▍✅🔥【】补○·"]
    [True, True, True, True, True, True, True, True, True, True, False, False, False]
    """
    if ch in _KEEP_SHAPES:
        return False
    o = ord(ch)
    return (ch in "【】•※❖➤➢✦✧" or 0x2580 <= o <= 0x25FF or 0x2600 <= o <= 0x27BF
            or 0x2B00 <= o <= 0x2BFF or 0x1F000 <= o <= 0x1FAFF)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def simplified(ch: str) -> str:
    """The simplified form of one character by OpenCC's character table; itself if it has none
    or OpenCC would make it more than one character.

    >>> [simplified(c) for c in "萬獨補臺著A"]
    ['万', '独', '补', '台', '著', 'A']
    """
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch


@cache
def in_gb2312(ch: str) -> bool:
    """A character of GB2312, the common simplified set (萬 and 補 are not in it; 著 and 乾 are).

    >>> in_gb2312("万"), in_gb2312("萬"), in_gb2312("乾")
    (True, False, True)
    """
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def looks_traditional(text: str) -> bool:
    """True if the text is written in traditional characters: at least 1% of its hanzi (and at
    least two) exist only in traditional form. Only then are characters that are both (乾, 著,
    於) converted too; in simplified text a stray 萬 is still made 万.

    >>> looks_traditional("單個獨立站補助最高不超過二十萬元"), looks_traditional("单个独立站补助最高不超过20萬元")
    (True, False)
    """
    hanzi = trad = 0
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            hanzi += 1
            if not in_gb2312(ch) and simplified(ch) != ch:
                trad += 1
    return trad >= 2 and trad * 100 >= hanzi


def fold_char(ch: str, traditional: bool = False) -> str:
    """Fold one character to its canonical form (without context: see `normalize` for ", ! ?").

    >>> [fold_char(c) for c in "１２Ａ(；．％萬"]
    ['1', '2', 'A', '（', '；', '.', '%', '万']
    >>> fold_char("，"), fold_char("乾"), fold_char("乾", traditional=True)
    ('，', '乾', '干')
    """
    if ch in _PUNCT:
        return _PUNCT[ch]
    o = ord(ch)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return unicodedata.normalize("NFKC", ch)
    if "\u4e00" <= ch <= "\u9fff" and (traditional or not in_gb2312(ch)):
        return simplified(ch)
    return ch


def fold(text: str) -> str:
    """Fold a whole string (used for patterns typed by people, e.g. trigger terms).

    >>> fold("第５条(一)補助")
    '第5条（一）补助'
    """
    return "".join(fold_char(c) for c in text)


@dataclass
class Normalized:
    text: str  # lines separated by "\n"
    offsets: list[int]  # original index of each character of `text` ("\n" maps to the line end)
    original: str

    def span(self, start: int, end: int) -> Span:
        """The original span of normalised characters start..end, with the noise inside it."""
        while start < end and self.text[start] == "\n":
            start += 1
        while end > start and self.text[end - 1] == "\n":
            end -= 1
        o_start, o_end = self.offsets[start], self.offsets[end - 1] + 1
        gaps = []
        prev = o_start
        for i in range(start + 1, end):
            if self.text[i] == "\n":
                continue
            o = self.offsets[i]
            if o > prev + 1:
                skipped = self.original[prev + 1:o]
                stripped = skipped.strip()
                if stripped:
                    lead = len(skipped) - len(skipped.lstrip())
                    g0 = prev + 1 + lead
                    gaps.append((g0, g0 + len(stripped)))
            prev = o
        return Span(o_start, o_end, gaps)

    def original_text(self, start: int, end: int) -> str:
        """The original characters behind normalised start..end, noise and line breaks left out."""
        return "".join(self.original[self.offsets[i]] for i in range(start, end)
                       if self.text[i] != "\n")


def _noise(body: str) -> bytearray:
    """A mask of the positions of one line that normalisation drops (1 = drop)."""
    drop = bytearray(len(body))
    m = _HEADING_MARK.match(body)
    if m:
        drop[:m.end()] = b"\x01" * m.end()
    for rx in (_PAGE_INLINE, _EMPHASIS):
        for m in rx.finditer(body):
            drop[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    kept = {m.start(g) for m in _ARTICLE_BRACKET.finditer(body) for g in (1, 2)}
    for i, ch in enumerate(body):
        if ch in _INVISIBLE or (is_decoration(ch) and i not in kept):
            drop[i] = 1
    return drop


def _context_punct(body: str, i: int, ch: str) -> str:
    """`,` `!` `?` become full-width next to Chinese text; a comma grouping digits stays."""
    if ch == "," and i > 0 and body[i - 1].isdigit() and body[i + 1:i + 4].isdigit() \
            and len(body[i + 1:i + 4]) == 3 and not body[i + 4:i + 5].isdigit():
        return ch
    b = i - 1
    while b >= 0 and body[b] in " \t":
        b -= 1
    a = i + 1
    while a < len(body) and body[a] in " \t":
        a += 1
    if (b >= 0 and not body[b].isascii()) or (a < len(body) and not body[a].isascii()):
        return CONTEXT_PUNCT[ch]
    return ch


def normalize(original: str) -> Normalized:
    """Normalise `original` line by line.

    >>> n = normalize("一、支持\\n\\n— 3 —\\n\\n２０万 元 B2C  模式")
    >>> n.text
    '一、支持\\n20万元B2C模式\\n'
    >>> n.original[n.offsets[5]:n.offsets[6] + 1]
    '２０'
    >>> normalize("◆ 補助最高不超過20萬元 — 2 — ,單家企業(含)限1,000萬元").text
    '补助最高不超过20万元，单家企业（含）限1,000万元\\n'
    >>> normalize("第三条【适用范围】本办法 第 2 页 共 9 页 适用于…").text
    '第三条【适用范围】本办法适用于…\\n'
    """
    traditional = looks_traditional(original)
    out: list[str] = []
    offs: list[int] = []
    pos = 0
    for line in original.splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        base = pos
        pos += len(line)
        if not body.strip() or any(rx.match(body) for rx in _WHOLE_LINE_NOISE):
            continue
        drop = _noise(body)
        line_chars: list[str] = []
        line_offs: list[int] = []
        n = len(body)
        i = 0
        while i < n:
            if drop[i]:
                i += 1
                continue
            ch = body[i]
            c = _context_punct(body, i, ch) if ch in CONTEXT_PUNCT else fold_char(ch, traditional)
            if c.isspace():
                # keep one space only between two ASCII words ("Google Ads"), never in numbers
                j = i
                while j < n and (drop[j] or fold_char(body[j]).isspace()):
                    j += 1
                nxt = fold_char(body[j]) if j < n else ""
                prv = line_chars[-1] if line_chars else ""
                if prv.isascii() and prv.isalpha() and nxt.isascii() and nxt.isalpha():
                    line_chars.append(" ")
                    line_offs.append(base + i)
                i = j
                continue
            line_chars.append(c)
            line_offs.append(base + i)
            i += 1
        if not line_chars:
            continue
        out.extend(line_chars)
        offs.extend(line_offs)
        out.append("\n")
        offs.append(line_offs[-1])
    return Normalized("".join(out), offs, original)
