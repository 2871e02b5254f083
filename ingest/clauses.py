"""Split an article's body into provisions (clauses), each a range of normalised text.

A provision is a sentence (。 outside brackets and quotes), or a part of one between
top-level ；when two or more parts grant something of their own. A follow-up that only caps,
limits, adds a bonus or states a stacking rule for the provision before it (单家企业补助最高
不超过300万元。/ “一带一路”沿线国家项目上浮10%。/ （该条款与第11条不重复享受）) joins it.
An item's short lead sentence that names it (鼓励跨境电商企业自建独立站。) is its title,
not a clause, when more follows.
"""
from __future__ import annotations

import re

from ingest import lexicon
from ingest.figures import find_money, find_percents

OPEN, CLOSE = "（《“‘【", "）》”’】"
FOLLOW_UP = re.compile(r"^(?:其中|单家|单个|每家|同一|所有企业|每场次|（该|“一带一路”沿线|上述|以上|省市)")


def _words(family: str, meaning: str | tuple[str, ...] | None = None) -> re.Pattern[str]:
    """The lexicon's phrases of a family (grant verbs, cap words, bonus, stacking) as one pattern."""
    return lexicon.default().pattern(family, meaning)


def _split_top(text: str, seps: str) -> list[tuple[int, int]]:
    """Ranges of `text` cut after each separator that stands outside brackets and quotes."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            parts.append((start, i + 1))
            start = i + 1
    if start < len(text):
        parts.append((start, len(text)))
    return parts


def grants_something(text: str) -> bool:
    """A part grants something: a grant verb with money, a rate, 一事一议 or a reference."""
    if not _words("grant", "grant").search(text):
        return False
    if "一事一议" in text or "参照" in text:
        return True
    caps = _words("cap", ("cap-before", "limit"))
    money = [m for m in find_money(text) if not caps.search(text[max(0, m.start - 8):m.start])]
    return bool(money) or bool(find_percents(text)) and "给予" in text or bool(find_money(text)) and "给予" in text


def _is_follow_up(text: str) -> bool:
    """Only caps, limits, bonuses, stacking or a bracketed note: it belongs to the provision before."""
    t = text.strip()
    if t.startswith("（") and t.endswith(("）", "）。")):
        return True
    if _words("bonus", "bonus").search(t) and len(t) < 60:
        return True
    if _words("stacking").search(t) and not find_money(t) and len(t) < 40:
        return True
    if FOLLOW_UP.match(t):
        money = find_money(t)
        return all(_words("cap", ("cap-before", "limit")).search(t[max(0, m.start - 10):m.start]) for m in money) \
            and not find_percents(t)
    return False


def split_provisions(text: str, title: str | None) -> list[tuple[int, int]]:
    """Provision ranges within one body's text (offsets into `text`, newlines included).

    >>> body = "鼓励自建独立站。对A企业，按50%给予补助，最高20万元。单家企业补助最高不超过30万元。"
    >>> [body[s:e] for s, e in split_provisions(body, "鼓励自建独立站")]
    ['对A企业，按50%给予补助，最高20万元。单家企业补助最高不超过30万元。']
    >>> body = "对甲给予不超过20万元的一次性资金扶持；对乙给予不超过75万元的一次性资金扶持。"
    >>> len(split_provisions(body, None))
    2
    """
    flat = text.replace("\n", "")
    index = [i for i, ch in enumerate(text) if ch != "\n"]  # flat position -> text position
    sentences = _split_top(flat, "。")
    # a bracketed note right after a sentence belongs to it
    merged: list[tuple[int, int]] = []
    for s, e in sentences:
        chunk = flat[s:e]
        if merged and re.fullmatch(r"[（(][^）)]*[）)]。?", chunk.strip()) or merged and not chunk.strip("。 "):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    if len(merged) > 1:
        first = flat[merged[0][0]:merged[0][1]].rstrip("。")
        if first == title or (len(first) <= 24 and not re.search(r"[，；：\d]", first)):
            merged = merged[1:]  # the item's name (or a sub-heading), not a provision
    provisions: list[tuple[int, int]] = []
    for s, e in merged:
        sentence = flat[s:e]
        parts = [(s + a, s + b) for a, b in _split_top(sentence, "；")]
        granting = [grants_something(flat[a:b]) for a, b in parts]
        if len(parts) > 1 and sum(granting) >= 2:
            pieces: list[tuple[int, int]] = []
            for (a, b), g in zip(parts, granting):
                if pieces and not g:
                    pieces[-1] = (pieces[-1][0], b)
                else:
                    pieces.append((a, b))
            # a leading part that grants nothing joins the first granting part
            if len(pieces) > 1 and not grants_something(flat[pieces[0][0]:pieces[0][1]]):
                pieces[1] = (pieces[0][0], pieces[1][1])
                pieces = pieces[1:]
            units = pieces
        else:
            units = [(s, e)]
        for a, b in units:
            if provisions and _is_follow_up(flat[a:b]):
                provisions[-1] = (provisions[-1][0], b)
            else:
                provisions.append((a, b))
    out = []
    for a, b in provisions:
        while a < b and flat[a] in " ，；":
            a += 1
        if a < b:
            out.append((index[a], index[b - 1] + 1))
    return out
