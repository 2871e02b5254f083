"""The document's structure: sections, articles and items (一、 （一） 1. （1） ⑴ 第X条 附则 附件).

Works on normalised text without trusting its layout. A numbering marker counts at the start
of a line, and also inside running text (a PDF turned into one line) when it continues the
numbering at its level and stands where a part can begin: after a sentence ends or after a
short heading. The first numbering style met becomes level 1, the next new style level 2, and
so on; a style met again closes the deeper levels. A marker that breaks the sequence (a
wrapped "1美元…" line, "除“六、七、九”条") is text. Front and back matter (issuer, document
number, signature, 抄送, 印发) never becomes part of a body. A document with no numbering at
all (a notice, a news story) is split into paragraphs instead, and `Structure.structured`
says so. The result is a list of `Article`s and of `Body` ranges for the clause splitter.
"""
from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass, field

from ingest.figures import cn_number
from ingest.model import Article
from ingest.normalize import Normalized

CN = "一二三四五六七八九十"
STYLES = [  # (style, regex) — the number is group 1
    ("chap", re.compile(rf"^第([{CN}百零〇\d]{{1,4}})章")),
    ("art", re.compile(rf"^第([{CN}百零〇\d]{{1,4}})条")),
    ("dir", re.compile(rf"^方向([{CN}]{{1,3}})(?:[：、]|(?=[\u4e00-\u9fff]))")),
    ("cn", re.compile(rf"^([{CN}]{{1,3}})、")),
    ("pcn", re.compile(rf"^（([{CN}]{{1,3}})）")),
    ("num", re.compile(r"^(\d{1,2})[.、](?!\d)")),
    ("pnum", re.compile(r"^（(\d{1,2})）")),
    ("enc", re.compile(r"^([\u2474-\u2487])")),  # ⑴ ⑵ … ⒇
    ("circ", re.compile(r"^([\u2460-\u2473])")),  # ① ② … ⑳
]
MARKER_START = frozenset(CN + "第方（" + "0123456789" + "".join(map(chr, range(0x2460, 0x2488))))
BOUNDARY = frozenset("。；！？：）")  # a part may begin after these inside running text
NOT_BEFORE = frozenset("“‘《（〔【、第和及与或至到" + CN)  # "除“六、七”", "第1、2款", "十一、"
ENUMERATION = re.compile(rf"[{CN}]+(?:、|个|家|项|类|种|次|条|批|年|是)")
INLINE_ANNEX = re.compile(r"附件(\d*)(?![：:\d])")
FUZE = re.compile(r"^附\s*则[：:]?$")
ANNEX = re.compile(r"^附件(\d*)$")
ANNEX_LIST = re.compile(r"^附件\d*[：:]")
BOILERPLATE = [
    re.compile(r"人民政府(?:办公室|办公厅)?文件$"),
    re.compile(r"^\S{1,12}[〔\[（]\d{4}[〕\]）]\d+号$"),
    re.compile(r"^（此件.{0,12}）$"),
    re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日(?:印发)?$"),
    re.compile(r"^\S{2,16}(?:人民政府|委员会)(?:办公室|办公厅)?$"),
    re.compile(r"^[A-Z]{2,}[0-9A-Z]*[–\-—][0-9–\-—]+$"),
]
# a signature glued to the last sentence when line breaks were lost: "。温州市人民政府办公室2022年6月1日"
INLINE_SIGNATURE = re.compile(r"(?<=[。）])[^。，；：]{2,20}(?:人民政府|委员会|局|厅)(?:办公室|办公厅)?\d{4}年\d{1,2}月\d{1,2}日")
BACK_MATTER = re.compile(r"^抄送[：:]")
INLINE_BACK_MATTER = re.compile(r"抄送[：:]")
CLOSING_OPENER = re.compile(r"^(?:本(?:意见|政策|措施|办法|行动计划|计划|通知|规定|细则|方案)|各地各部门)")
PREAMBLE_OPENER = re.compile(r"^(?:为|根据|按照|《|经|近年来|当前|随着)")
GENERAL_TITLE = re.compile(r"附则|其他事项|总体要求|组织保障|保障措施|总则")
TITLE_PUNCT = re.compile(r"[。，；：、“”]")
BRACKET_TITLE = re.compile(r"【([^】]{1,30})】")
PAIRS: tuple[tuple[str, str], ...] = (("（", "）"), ("《", "》"), ("“", "”"), ("〔", "〕"), ("【", "】"))
HEADING_MAX = 40  # a heading run into the next part's marker is at most this long
LONG_PARAGRAPH = 300  # an unstructured paragraph longer than this is cut into runs of sentences


@dataclass
class Body:
    """A range of normalised text whose sentences become clauses of one article."""

    article: Article
    start: int
    end: int
    general: bool  # in a 附则-like section, a preamble or a closing paragraph


@dataclass
class Line:
    start: int
    end: int  # exclusive, without the "\n"
    text: str


@dataclass
class Structure:
    articles: list[Article]
    bodies: list[Body]
    front_matter_end: int  # normalised offset where the first body or article starts
    structured: bool = True  # False: no numbering found; the bodies are the document's paragraphs


@dataclass
class _Sequence:
    """Where each numbering style stands: its last number and the styles open above it."""

    last: dict[str, int] = field(default_factory=dict)
    open: list[str] = field(default_factory=list)

    def at_line_start(self, style: str, n: int) -> bool:
        prev = self.last.get(style)
        return n == 1 or prev is not None and n == prev + 1

    def in_text(self, style: str, n: int) -> bool:
        """Inside running text a marker must continue its open level, or open a new one at 1."""
        if style in self.open:
            return n == self.last.get(style, 0) + 1
        return n == 1 or n == self.last.get(style, -1) + 1  # 8. goes on under 二、 after 7. under 一、

    def accept(self, style: str, n: int) -> None:
        self.last[style] = n
        if style in self.open:
            del self.open[self.open.index(style) + 1:]
        else:
            self.open.append(style)

    def close(self, styles: tuple[str, ...]) -> None:
        for style in styles:
            self.last.pop(style, None)
        self.open = [s for s in self.open if s not in styles]


def _lines(norm: Normalized) -> list[Line]:
    out, pos = [], 0
    for raw in norm.text.split("\n"):
        if raw:
            out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _number(style: str, token: str) -> int | None:
    """The value of a marker's number token, None if it is no number (一一).

    >>> _number("cn", "十二"), _number("enc", "⑶"), _number("circ", "②"), _number("pnum", "01")
    (12, 3, 2, 1)
    """
    if style == "enc":
        return ord(token) - 0x2473
    if style == "circ":
        return ord(token) - 0x245F
    if token.isdigit():
        return int(token)
    try:
        return int(cn_number(token))
    except (ValueError, ArithmeticError):
        return None


def _label(style: str, token: str) -> str:
    return {"cn": f"{token}、", "pcn": f"（{token}）", "num": token, "pnum": f"（{token}）",
            "art": f"第{token}条", "chap": f"第{token}章", "dir": f"方向{token}",
            "enc": token, "circ": token}[style]


def _marker(text: str):
    """(style, token, length) of the numbering marker `text` starts with, or None.

    >>> _marker("（三）支持"), _marker("第十二条【适用】"), _marker("1.5万元"), _marker("⑵补助")
    (('pcn', '三', 3), ('art', '十二', 4), None, ('enc', '⑵', 1))
    """
    for style, rx in STYLES:
        m = rx.match(text)
        if m:
            return style, m.group(1), m.end()
    return None


def is_boilerplate(text: str) -> bool:
    return any(rx.search(text) for rx in BOILERPLATE)


def _heading_like(text: str) -> bool:
    """A short run without sentence punctuation: a heading whose marker-less end runs into the
    next marker ("一、支持跨境电商发展1.支持企业…")."""
    return len(text) <= HEADING_MAX and not re.search(r"[，。；：“”]", text)


def _context(text: str, p: int, style: str, length: int, since_marker: str | None) -> str | None:
    """How well the marker at `p` of `text` may begin a part: "strong" after a sentence end or a
    short heading, "weak" elsewhere, None inside an enumeration, a quotation or a number."""
    before = text[p - 1] if p else ""
    after = text[p + length:p + length + 2]
    if before in NOT_BEFORE or before.isascii() and (before.isalnum() or before == "."):
        return None
    if not after or after[0].isdigit() or after[0] in "、，。；":
        return None
    if style == "cn" and ENUMERATION.match(text, p + length):
        return None  # 六、七、九 / 三、四个
    if before in BOUNDARY or before == "\n":
        return "strong"
    if since_marker is not None and _heading_like(since_marker):
        return "strong"
    return "weak"


def _candidates(norm: Normalized) -> dict[tuple[str, int], list[int]]:
    """Every place a marker could stand in the text, by (style, number), in text order."""
    out: dict[tuple[str, int], list[int]] = {}
    text = norm.text
    for p, ch in enumerate(text):
        if ch not in MARKER_START:
            continue
        cand = _marker(text[p:p + 16])
        if cand is None or _context(text, p, cand[0], cand[2], None) is None:
            continue
        n = _number(cand[0], cand[1])
        if n is not None:
            out.setdefault((cand[0], n), []).append(p)
    return out


def _spaced(norm: Normalized, q: int) -> bool:
    """The original has white space right before normalised position `q` ("第一条 为进一步")."""
    if q <= 0 or q >= len(norm.text):
        return False
    gap = norm.original[norm.offsets[q - 1] + 1:norm.offsets[q]]
    return bool(gap) and gap.isspace()


def _wrap_width(lines: list[Line]) -> int | None:
    """The width at which the text was wrapped (PDF-to-text), or None if it was not: most lines
    end mid-sentence and have about the same length."""
    mid = [len(ln.text) for ln in lines if len(ln.text) >= 12 and ln.text[-1] not in "。；：）”"]
    if len(mid) < 5 or len(mid) * 5 < len(lines) * 2:
        return None
    return int(statistics.median(mid))


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in PAIRS)


def _cut_back_matter(norm: Normalized, lines: list[Line]) -> list[Line]:
    for i, ln in enumerate(lines):
        if BACK_MATTER.match(ln.text):
            return lines[:i]
    half = len(norm.text) // 2
    for i, ln in enumerate(lines):
        m = INLINE_BACK_MATTER.search(ln.text)
        if m and ln.start + m.start() >= half:
            cut = Line(ln.start, ln.start + m.start(), ln.text[:m.start()])
            return lines[:i] + ([cut] if cut.text else [])
    return lines


def _split_signatures(lines: list[Line]) -> list[Line]:
    """A signature glued to a sentence becomes a line of its own (then front/back matter)."""
    out: list[Line] = []
    for ln in lines:
        m = INLINE_SIGNATURE.search(ln.text)
        if not m:
            out.append(ln)
            continue
        pieces = [(0, m.start()), (m.start(), m.end()), (m.end(), len(ln.text))]
        out.extend(Line(ln.start + a, ln.start + b, ln.text[a:b]) for a, b in pieces if b > a)
    return out


def _blocks(norm: Normalized, lines: list[Line]) -> tuple[list[dict], list[Line]]:
    """Pass 1: runs of text that start with an accepted marker (or an annex / 附则 heading),
    and the lines before the first one."""
    blocks: list[dict] = []
    seq = _Sequence()
    candidates = _candidates(norm)
    pre: list[Line] = []
    current: dict | None = None

    def start_block(style: str, token: str, n: int, ln: Line, mend: int) -> dict:
        block = {"style": style, "token": token, "n": n, "lines": [ln], "marker_end": mend, "stop": False}
        blocks.append(block)
        return block

    def add_text(ln: Line) -> None:
        nonlocal current
        if current is None:
            pre.append(ln)
            return
        text = ln.text
        if current["stop"] or (CLOSING_OPENER.match(text) and _ends_paragraph(current["lines"][-1].text)
                               and current["style"] != "fuze"):
            current = start_block("closing", "", 0, ln, ln.start)
            return
        current["lines"].append(ln)

    for ln in lines:
        text = ln.text
        if ANNEX_LIST.match(text) or is_boilerplate(text):
            if current is not None:
                current["stop"] = True
            continue
        m = ANNEX.match(text)
        if m:
            current = start_block("annex", m.group(1) or "", 0, ln, ln.end)
            seq = _Sequence()
            continue
        if FUZE.match(text):
            current = start_block("fuze", "", 0, ln, ln.end)
            seq.close(("num", "pnum"))
            continue
        cursor, marker = 0, None
        mk = _marker(text)
        if mk:
            n = _number(mk[0], mk[1])
            if n is not None and seq.at_line_start(mk[0], n):
                seq.accept(mk[0], n)
                marker = (mk[0], mk[1], n, mk[2])
        scan_from = marker[3] if marker else 0
        for p in range(max(scan_from, 1), len(text)):
            ch = text[p]
            if ch == "附" and (marker is None or p >= cursor + marker[3]):
                title_end = _inline_annex(text, p, candidates, ln.start)
                am = INLINE_ANNEX.match(text, p)  # matches wherever _inline_annex found a title
                if title_end is not None and am is not None:
                    _emit(ln, cursor, p, marker, start_block, add_text)
                    current = start_block("annex", am.group(1), 0, Line(ln.start + p, ln.start + am.end(),
                                                                        am.group(0)), ln.start + am.end())
                    if title_end > am.end():
                        current["lines"].append(Line(ln.start + am.end(), ln.start + title_end,
                                                     text[am.end():title_end]))
                    seq = _Sequence()
                    cursor, marker = title_end, None
                    continue
            if ch == "附" and text.startswith("附则", p) and p >= cursor and text[p - 1] in BOUNDARY \
                    and _marker(text[p + 2:p + 18]):
                _emit(ln, cursor, p, marker, start_block, add_text)
                current = start_block("fuze", "", 0, Line(ln.start + p, ln.start + p + 2, "附则"), ln.start + p + 2)
                seq.close(("num", "pnum"))
                cursor, marker = p + 2, None
                continue
            if ch not in MARKER_START or p < cursor:
                continue
            cand = _marker(text[p:p + 16])
            if not cand:
                continue
            n = _number(cand[0], cand[1])
            if n is None or not seq.in_text(cand[0], n):
                continue
            if marker is not None:
                since = text[cursor + marker[3]:p]
            elif current is not None and current["marker_end"] >= ln.start + p - HEADING_MAX - 1:
                since = norm.text[current["marker_end"]:ln.start + p].replace("\n", "")
            else:
                since = None
            strength = _context(text, p, cand[0], cand[2], since)
            if strength is None:
                continue
            if strength == "weak" and not _spaced(norm, ln.start + p + cand[2]):
                later = candidates.get((cand[0], n + 1), [])
                if bisect.bisect_right(later, ln.start + p) == len(later):
                    continue  # a lone weak marker counts only when the numbering goes on after it
            _emit(ln, cursor, p, marker, start_block, add_text)
            if marker is not None:
                current = blocks[-1]
            seq.accept(cand[0], n)
            cursor, marker = p, (cand[0], cand[1], n, cand[2])
        _emit(ln, cursor, len(text), marker, start_block, add_text)
        if marker is not None:
            current = blocks[-1]
    return blocks, pre


def _inline_annex(text: str, p: int, candidates, base: int) -> int | None:
    """Where the title of an annex heading run into the text ends ("…的通知。附件关于推动…的若干
    政策一、…"), or None: "附件" not followed by "：" (the list of annexes), then a short title,
    then numbering that starts again at 1."""
    m = INLINE_ANNEX.match(text, p)
    if not m or (p and text[p - 1] in NOT_BEFORE):
        return None
    for (_, n), places in candidates.items():
        if n != 1:
            continue
        i = bisect.bisect_right(places, base + m.end() - 1)
        if i < len(places) and places[i] - base <= m.end() + HEADING_MAX + 20:
            q = places[i] - base
            if not re.search(r"[，。；]", text[m.end():q]):
                return q
    return None


def _emit(ln: Line, a: int, b: int, marker, start_block, add_text) -> None:
    """One piece of a line: a new block if it starts with an accepted marker, else text."""
    if b <= a:
        return
    piece = Line(ln.start + a, ln.start + b, ln.text[a:b])
    if marker is None:
        add_text(piece)
    else:
        style, token, n, length = marker
        start_block(style, token, n, piece, piece.start + length)


def parse_structure(norm: Normalized) -> Structure:
    lines = _split_signatures(_cut_back_matter(norm, _lines(norm)))
    blocks, pre = _blocks(norm, lines)
    if not any(b["style"] not in ("annex", "fuze", "closing") for b in blocks):
        return _unstructured(norm, lines)
    width = _wrap_width(lines)

    # pass 2: levels, headings, labels, keys
    articles: list[Article] = []
    bodies: list[Body] = []
    stack: list[tuple[str, Article]] = []  # (style, article) from level 1 down
    closing_no = 0
    in_annex = False
    annex_article: Article | None = None

    def push(style: str, art: Article):
        articles.append(art)
        stack.append((style, art))

    front_end = blocks[0]["lines"][0].start if blocks else len(norm.text)
    pre_bodies = _preamble(pre)
    if pre_bodies:
        art = Article("preamble", "序言", 0, None, "article", None,
                      norm.span(pre_bodies[0][0], pre_bodies[-1][1]))
        articles.append(art)
        bodies.extend(Body(art, s, e, True) for s, e in pre_bodies)
        front_end = min(front_end, pre_bodies[0][0])

    for bi, blk in enumerate(blocks):
        style = blk["style"]
        lines_ = blk["lines"]
        start, end = lines_[0].start, lines_[-1].end
        if style == "annex":
            in_annex = True
            stack = []
            title_lines: list[Line] = []
            rest: list[Line] = []
            for ln in lines_[1:]:
                (rest if rest or _marker(ln.text) else title_lines).append(ln)
            title = "".join(x.text for x in title_lines) or None
            annex_article = Article("annex" + (blk["token"] or ""), "附件" + blk["token"], 0, title,
                                    "annex", None, norm.span(start, end))
            articles.append(annex_article)
            continue
        if style == "closing":
            closing_no += 1
            art = Article(f"closing.{closing_no}", f"末段{closing_no}", 1, None, "closing",
                          None, norm.span(start, end))
            articles.append(art)
            bodies.append(Body(art, start, end, True))
            continue
        if style == "fuze":
            stack = []
            art = Article(("annex." if in_annex else "") + "fuze", "附则", 1, "附则", "section",
                          annex_article.key if in_annex and annex_article else None, norm.span(start, end))
            push("fuze", art)
            continue
        # pop to this style's level (or below a fuze section for its items)
        styles = [s for s, _ in stack]
        if style in styles:
            stack = stack[:styles.index(style)]
        parent = stack[-1][1] if stack else annex_article if in_annex else None
        level = len(stack) + 1
        prefix = "annex." if in_annex else ""
        key = (parent.key + "." if parent and parent.kind != "annex" else prefix) + str(blk["n"])
        # 第X条 are numbered through the chapters: "第五条", not "第二章第五条"
        inherited = parent.label if parent and not (style == "art" and stack and stack[-1][0] == "chap") else ""
        label = inherited + _label(style, blk["token"])
        marker_end = blk["marker_end"]
        bracket = BRACKET_TITLE.match(norm.text, marker_end)
        if bracket:  # 第X条【标题】
            marker_end = bracket.end()
        text_after = norm.text[marker_end:end].replace("\n", "")
        first_line_rest = norm.text[marker_end:lines_[0].end]
        nxt = blocks[bi + 1] if bi + 1 < len(blocks) else None
        deeper_next = bool(nxt and nxt["style"] not in ("annex", "closing", "fuze")
                           and nxt["style"] not in [s for s, _ in stack] + [style])
        is_heading = deeper_next and len(text_after) <= HEADING_MAX and not re.search(r"[，；]", text_after) \
            and not text_after.endswith("：") \
            and text_after.count("。") <= 1 and (text_after.count("。") == 0 or text_after.endswith("。"))
        if bracket and text_after:
            is_heading = False
        general = any(GENERAL_TITLE.search(a.title or "") for _, a in stack)
        if is_heading:
            title = bracket.group(1) if bracket else text_after.rstrip("。") or None
            art = Article(key, label, level, title, "section", parent.key if parent else None,
                          norm.span(start, end))
            push(style, art)
            continue
        if bracket:
            art = Article(key, label, level, bracket.group(1), "article", parent.key if parent else None,
                          norm.span(start, end))
            push(style, art)
            title, body_start = bracket.group(1), marker_end
        elif len(lines_) > 1 and _title_line(first_line_rest, len(lines_[0].text), width):
            title = first_line_rest.strip()
            art = Article(key, label, level, title, "article", parent.key if parent else None,
                          norm.span(start, end))
            push(style, art)
            body_start = lines_[1].start
        else:
            title = _lead_title(text_after)
            art = Article(key, label, level, title, "item", parent.key if parent else None,
                          norm.span(start, end))
            push(style, art)
            body_start = marker_end
        general = general or bool(GENERAL_TITLE.search(title or ""))
        if body_start < end:
            bodies.append(Body(art, body_start, end, general))
    return Structure(articles, bodies, front_end)


def _title_line(rest: str, line_length: int, width: int | None) -> bool:
    """A line holding only an article's name ("第四条 支持跨境电商企业开展品牌认证"), not the first
    line of a wrapped sentence ("14.企业参加进口展会（指已列入2022年度市级境内外")."""
    if TITLE_PUNCT.search(rest) or not 0 < len(rest.strip()) <= 25 or not _balanced(rest):
        return False
    return width is None or line_length < width - 2


def _ends_paragraph(text: str) -> bool:
    return text.endswith(("。", "）", "”"))


def _lead_title(text: str) -> str | None:
    """The short first sentence of an item that names it: "鼓励跨境电商企业自建独立站。"."""
    m = re.match(r"^([^。，；：]{2,30})。", text)
    if m and not re.search(r"\d+(?:\.\d+)?[万亿]?元|%|^对|^按", m.group(1)):
        return m.group(1)
    return None


def _preamble(pre: list[Line]) -> list[tuple[int, int]]:
    """The introductory paragraphs before the first numbered part, without titles or addressees.
    A line that runs an addressee into the preamble ("…各有关单位：为加快…") is cut at the colon."""
    pieces: list[Line] = []
    for ln in pre:
        cut = 0
        for m in re.finditer("：", ln.text):
            if m.end() < len(ln.text) and PREAMBLE_OPENER.match(ln.text[m.end():]):
                pieces.append(Line(ln.start + cut, ln.start + m.end(), ln.text[cut:m.end()]))
                cut = m.end()
        pieces.append(Line(ln.start + cut, ln.end, ln.text[cut:]))
    return [(p[0].start, p[-1].end) for p in _paragraphs(pieces)
            if PREAMBLE_OPENER.match(p[0].text) and p[-1].text.endswith(("。", "："))]


def _paragraphs(lines: list[Line], headlines: bool = False) -> list[list[Line]]:
    """Lines grouped into paragraphs: a line that ends a sentence (。：) ends its paragraph, and a
    title-like line (no ，。) ends before a line that opens a preamble; with `headlines`, a short
    line without sentence punctuation that opens a paragraph (a news headline) stands alone."""
    paragraphs: list[list[Line]] = []
    for ln in lines:
        prev = paragraphs[-1][-1].text if paragraphs else ""
        title_like = not re.search(r"[，。]", prev)
        headline = headlines and len(paragraphs[-1]) == 1 and _heading_like(prev) if paragraphs else False
        if not paragraphs or prev.endswith(("。", "：", "！", "？")) or headline \
                or (title_like and PREAMBLE_OPENER.match(ln.text)):
            paragraphs.append([ln])
        else:
            paragraphs[-1].append(ln)
    return paragraphs


def _sentence_runs(text: str, limit: int) -> list[tuple[int, int]]:
    """`text` cut after a 。 into runs of whole sentences of about `limit` characters.

    >>> _sentence_runs("甲。乙。丙。", 2)
    [(0, 2), (2, 4), (4, 6)]
    """
    runs, start = [], 0
    for m in re.finditer(r"[。！？]", text):
        if m.end() - start >= limit:
            runs.append((start, m.end()))
            start = m.end()
    if start < len(text):
        if runs and len(text) - start < limit // 3:
            runs[-1] = (runs[-1][0], len(text))
        else:
            runs.append((start, len(text)))
    return runs


def _unstructured(norm: Normalized, lines: list[Line]) -> Structure:
    """A document without numbering (a notice, a news story): each paragraph that reads as
    sentences is a body (a long one is cut into runs of sentences); titles, issuer lines, dates
    and source lines are left out."""
    articles: list[Article] = []
    bodies: list[Body] = []
    kept = [ln for ln in lines if not is_boilerplate(ln.text)]
    n = 0
    for para in _paragraphs(kept, headlines=True):
        start, end = para[0].start, para[-1].end
        flat = norm.text[start:end].replace("\n", "")
        if len(flat) <= 30 and not re.search(r"[，。；]", flat):
            continue  # a title, a 来源 line, a date
        runs = _sentence_runs(norm.text[start:end], LONG_PARAGRAPH) if len(flat) > LONG_PARAGRAPH \
            else [(0, end - start)]
        n += 1
        for m, (a, b) in enumerate(runs, 1):
            key, label = (f"p{n}", f"第{n}段") if len(runs) == 1 else (f"p{n}.{m}", f"第{n}段之{m}")
            art = Article(key, label, 1, None, "item", None, norm.span(start + a, start + b))
            articles.append(art)
            bodies.append(Body(art, start + a, start + b, False))
    front_end = bodies[0].start if bodies else len(norm.text)
    return Structure(articles, bodies, front_end, structured=False)
