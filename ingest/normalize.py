"""Normalise extracted policy text while keeping a map back to the original characters.

The normalised text has one line per source line (blank lines dropped), full-width digits,
letters and ASCII punctuation folded to one canonical form, page numbers ("— 3 —"), Markdown
heading marks, emphasis and rules removed, and spaces removed except between two ASCII
words. `Normalized.offsets[i]` is the index in the original text of normalised character i,
so any span found in the normalised text maps back to exact original offsets.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest.model import Span

# Page numbers as printed in extracted PDFs: "— 3 —", "- 12 -", "－3－".
_PAGE_NUMBER = re.compile(r"^\s*[—–\-－]{1,2}\s*\d{1,3}\s*[—–\-－]{1,2}\s*$")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")

# Canonical punctuation: Chinese full-width forms for brackets and clause punctuation.
_PUNCT = {"(": "（", ")": "）", ":": "：", ";": "；", "．": ".", "％": "%", "～": "~",
          "﹪": "%", "〈": "<", "〉": ">", "＜": "<", "＞": ">", "\u3000": " "}


def fold_char(ch: str) -> str:
    """Fold one character to its canonical form.

    >>> [fold_char(c) for c in "１２Ａ(；．％"]
    ['1', '2', 'A', '（', '；', '.', '%']
    >>> fold_char("，")
    '，'
    """
    if ch in _PUNCT:
        return _PUNCT[ch]
    o = ord(ch)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return unicodedata.normalize("NFKC", ch)
    return ch


def fold(text: str) -> str:
    """Fold a whole string (used for patterns typed by people, e.g. trigger terms).

    >>> fold("第５条(一)")
    '第5条（一）'
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


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "%.")


def normalize(original: str) -> Normalized:
    """Normalise `original` line by line.

    >>> n = normalize("一、支持\\n\\n— 3 —\\n\\n２０万 元 B2C  模式")
    >>> n.text
    '一、支持\\n20万元B2C模式\\n'
    >>> n.original[n.offsets[5]:n.offsets[6] + 1]
    '２０'
    """
    out: list[str] = []
    offs: list[int] = []
    pos = 0
    for line in original.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        base = pos
        pos += len(line)
        if not body.strip() or _PAGE_NUMBER.match(body) or _RULE.match(body):
            continue
        m = _HEADING_MARK.match(body)
        start = m.end() if m else 0
        line_chars: list[str] = []
        line_offs: list[int] = []
        i = start
        while i < len(body):
            ch = body[i]
            if ch == "*" and body.startswith("**", i):
                i += 2
                continue
            c = fold_char(ch)
            if c.isspace():
                # keep one space only between two ASCII words ("Google Ads"), never in numbers
                j = i
                while j < len(body) and fold_char(body[j]).isspace():
                    j += 1
                nxt = fold_char(body[j]) if j < len(body) else ""
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
