"""The document's structure: sections, articles and items (一、 （一） 1. （1） 第X条 附则 附件).

Works line by line on normalised text. The first numbering style met becomes level 1, the
next new style level 2, and so on; a style met again closes the deeper levels. A numbered
line that breaks the sequence (a wrapped "1美元…" line) is text, not a marker. Front and
back matter (issuer, document number, signature, 抄送, 印发) never becomes part of a body.
The result is a list of `Article`s and of `Body` ranges for the clause splitter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.figures import cn_number
from ingest.model import Article
from ingest.normalize import Normalized

CN = "一二三四五六七八九十"
STYLES = [  # (style, regex) — the number is group 1
    ("cn", re.compile(rf"^([{CN}]{{1,3}})、")),
    ("pcn", re.compile(rf"^（([{CN}]{{1,3}})）")),
    ("num", re.compile(r"^(\d{1,2})[.、](?!\d)")),
    ("pnum", re.compile(r"^（(\d{1,2})）")),
    ("art", re.compile(rf"^第([{CN}百零〇\d]{{1,4}})条")),
]
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
BACK_MATTER = re.compile(r"^抄送[：:]")
CLOSING_OPENER = re.compile(r"^(?:本(?:意见|政策|措施|办法|行动计划|计划|通知|规定|细则|方案)|各地各部门)")
PREAMBLE_OPENER = re.compile(r"^(?:为|根据|按照|《|经|近年来|当前|随着)")
GENERAL_TITLE = re.compile(r"附则|其他事项|总体要求|组织保障|保障措施|总则")
TITLE_PUNCT = re.compile(r"[。，；：、“”]")


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


def _lines(norm: Normalized) -> list[Line]:
    out, pos = [], 0
    for raw in norm.text.split("\n"):
        if raw:
            out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _number(style: str, token: str) -> int:
    return int(cn_number(token)) if not token.isdigit() else int(token)


def _label(style: str, token: str) -> str:
    return {"cn": f"{token}、", "pcn": f"（{token}）", "num": token, "pnum": f"（{token}）",
            "art": f"第{token}条"}[style]


def _marker(text: str):
    for style, rx in STYLES:
        m = rx.match(text)
        if m:
            return style, m.group(1), m.end()
    return None


def is_boilerplate(text: str) -> bool:
    return any(rx.search(text) for rx in BOILERPLATE)


def parse_structure(norm: Normalized) -> Structure:
    lines = _lines(norm)
    # cut the back matter
    for i, ln in enumerate(lines):
        if BACK_MATTER.match(ln.text):
            lines = lines[:i]
            break

    # pass 1: blocks = runs of lines that start with a marker (or annex / 附则 headings)
    blocks: list[dict] = []
    last_seen: dict[str, int] = {}
    annex_no = 0
    pre: list[Line] = []
    current: dict | None = None
    for ln in lines:
        text = ln.text
        if ANNEX_LIST.match(text) or is_boilerplate(text):
            if current is not None:
                current["stop"] = True
            continue
        m = ANNEX.match(text)
        if m:
            annex_no += 1
            current = {"style": "annex", "token": m.group(1) or "", "lines": [ln], "marker_end": ln.end,
                       "stop": False}
            blocks.append(current)
            last_seen = {}
            continue
        if FUZE.match(text):
            current = {"style": "fuze", "token": "", "lines": [ln], "marker_end": ln.end, "stop": False}
            blocks.append(current)
            last_seen.pop("num", None)
            last_seen.pop("pnum", None)
            continue
        mk = _marker(text)
        if mk:
            style, token, mend = mk
            n = _number(style, token)
            prev = last_seen.get(style)
            if prev is None and n == 1 or prev is not None and (n == prev + 1 or n == 1):
                last_seen[style] = n
                current = {"style": style, "token": token, "n": n, "lines": [ln],
                           "marker_end": ln.start + mend, "stop": False}
                blocks.append(current)
                continue
        if current is None:
            pre.append(ln)
            continue
        if current["stop"] or (CLOSING_OPENER.match(text) and _ends_paragraph(current["lines"][-1].text)
                               and current["style"] not in ("fuze",)):
            if CLOSING_OPENER.match(text) or current["stop"]:
                current = {"style": "closing", "token": "", "lines": [ln], "marker_end": ln.start,
                           "stop": False}
                blocks.append(current)
                continue
        current["lines"].append(ln)

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
            title_lines = []
            rest = []
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
        label = (parent.label if parent else "") + _label(style, blk["token"])
        text_after = norm.text[blk["marker_end"]:end].replace("\n", "")
        first_line_rest = norm.text[blk["marker_end"]:lines_[0].end]
        nxt = blocks[bi + 1] if bi + 1 < len(blocks) else None
        deeper_next = bool(nxt and nxt["style"] not in ("annex", "closing", "fuze")
                           and nxt["style"] not in [s for s, _ in stack] + [style])
        is_heading = deeper_next and len(text_after) <= 40 and not re.search(r"[，；]", text_after) \
            and text_after.count("。") <= 1 and (text_after.count("。") == 0 or text_after.endswith("。"))
        title_only_line = len(lines_) > 1 and not TITLE_PUNCT.search(first_line_rest) \
            and 0 < len(first_line_rest.strip()) <= 25
        general = any(GENERAL_TITLE.search(a.title or "") for _, a in stack)
        if is_heading:
            art = Article(key, label, level, text_after.rstrip("。") or None, "section",
                          parent.key if parent else None, norm.span(start, end))
            push(style, art)
            continue
        if title_only_line:
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
            body_start = blk["marker_end"]
        general = general or bool(GENERAL_TITLE.search(title or ""))
        bodies.append(Body(art, body_start, end, general))
    return Structure(articles, bodies, front_end)


def _ends_paragraph(text: str) -> bool:
    return text.endswith(("。", "）", "”"))


def _lead_title(text: str) -> str | None:
    """The short first sentence of an item that names it: "鼓励跨境电商企业自建独立站。"."""
    m = re.match(r"^([^。，；：]{2,30})。", text)
    if m and not re.search(r"\d+(?:\.\d+)?[万亿]?元|%|^对|^按", m.group(1)):
        return m.group(1)
    return None


def _preamble(pre: list[Line]) -> list[tuple[int, int]]:
    """The introductory paragraphs before the first numbered part, without titles or addressees."""
    paragraphs: list[list[Line]] = []
    for ln in pre:
        prev = paragraphs[-1][-1].text if paragraphs else ""
        title_like = not re.search(r"[，。]", prev)
        if not paragraphs or prev.endswith(("。", "：")) or (title_like and PREAMBLE_OPENER.match(ln.text)):
            paragraphs.append([ln])
        else:
            paragraphs[-1].append(ln)
    return [(p[0].start, p[-1].end) for p in paragraphs
            if PREAMBLE_OPENER.match(p[0].text) and p[-1].text.endswith(("。", "："))]
