"""Where a document comes from: its place (province, city, district, level) read by ordered rules,
most trusted first: the issuer line at the top, the signature at the end, the title, the 文号
prefix (ontology/number-prefixes.yaml), an issuing bureau named in the text, the body. Every
candidate is checked against the administrative divisions (ingest.places), so a portal banner
("欢迎访问宁波市人民政府门户网站") is never read as an issuer. Each rule's finding, taken or not, is
kept as `Evidence`, which `policykg inspect` shows.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ingest.model import Evidence
from ingest.normalize import Normalized
from ingest.places import Place, lookup, mentions
from policykg.config import ontology_dir
from policykg.errors import PolicyKGError

PREFIXES_FILE = "number-prefixes.yaml"
ORGAN = re.compile(r"人民政府(?:办公室|办公厅)?|人民代表大会常务委员会|[\u4e00-\u9fff]{1,10}?(?:局|委员会|厅|委|办公室)")
BANNER = re.compile(r"欢迎|门户网站|无障碍|长者模式|首页|登录|当前位置|网站地图")
DATE_LINE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
PILOT_ZONE = re.compile(r"中国（([\u4e00-\u9fff]{2,4})）跨境电子商务综合试验区")
DRAFT = re.compile(r"征求意见稿|（草案）|\(草案\)|草案征求意见")
TOP_LINES = 12
END_LINES = 8


@lru_cache(maxsize=1)
def number_prefixes() -> dict[str, str]:
    """文号 start -> full name of the division, from ontology/number-prefixes.yaml."""
    path = Path(ontology_dir()) / PREFIXES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyKGError(f"{path}: unreadable ({exc}): restore it from the repository") from exc
    return {str(k): str(v) for k, v in (data or {}).items()}


def _lines(norm: Normalized) -> list[tuple[int, str]]:
    out, pos = [], 0
    for raw in norm.text.split("\n"):
        if raw.strip():
            out.append((pos, raw))
        pos += len(raw) + 1
    return out


def _leading_place(text: str) -> str | None:
    """The division's full name `text` starts with (温州市 in 温州市人民政府办公室), if any."""
    for k in range(min(len(text), 10), 1, -1):
        if lookup(text[:k], short=False):
            return text[:k]
    return None


def issuer_at(text: str) -> tuple[str, str] | None:
    """(issuer, place name) when `text` starts with a place and an organ: 阳江市商务局."""
    name = _leading_place(text)
    if name is None:
        return None
    m = ORGAN.match(text, len(name))
    return (text[:m.end()], name) if m else None


class _Finder:
    """Collects the rules' findings; the first accepted one gives the place."""

    def __init__(self, norm: Normalized):
        self.norm = norm
        self.evidence: list[Evidence] = []
        self.place: Place | None = None

    def offer(self, rule: str, name: str, text: str, start: int | None = None, short: bool = False) -> None:
        found = lookup(name, short=short)
        if len(found) > 1 and self.place is not None:  # 朝阳区: the one in the province already found
            found = [p for p in found if p.province == self.place.province] or found
        span = self.norm.span(start, start + len(text)) if start is not None and text else None
        if not found:
            self.evidence.append(Evidence("place", rule, text, f"{name}: not an administrative division",
                                          accepted=False, span=span))
            return
        if len(found) > 1:
            where = "、".join(sorted({p.province for p in found}))
            self.evidence.append(Evidence("place", rule, text, f"{name}: ambiguous ({where})",
                                          accepted=False, span=span))
            return
        place = found[0]
        accepted = self.place is None
        if accepted:
            self.place = place
        self.evidence.append(Evidence("place", rule, text, describe(place), accepted=accepted, span=span))


def describe(place: Place) -> str:
    """温州 (浙江省, city); 温州 鹿城区 (浙江省, district)."""
    return f"{place.name} ({place.province}, {place.level})"


def read_place(norm: Normalized, number: str | None,
               title: str | None) -> tuple[Place | None, str | None, list[Evidence]]:
    """(place, issuer, evidence): the document's place, its issuer as printed at the top or in
    the signature (温州市人民政府办公室), and the evidence of every rule that proposed a place."""
    f = _Finder(norm)
    issuer = None
    lines = _lines(norm)
    text = norm.text
    for pos, line in lines[:TOP_LINES]:  # issuer line: 温州市人民政府办公室 (…关于…), above the text
        if BANNER.search(line):
            continue
        if re.search(r"[。：:]", line):
            break  # the addressee or the first sentence: the head of the document is over
        hit = issuer_at(line.strip())
        if hit and (line.strip() == hit[0] or line.strip()[len(hit[0]):].startswith(("关于", "文件", "印发"))):
            f.offer("issuer-line", hit[1], line.strip(), pos + line.index(hit[0][0]))
            issuer = hit[0]
            break
    body_end = len(lines)
    for i, (_, line) in enumerate(lines):
        if line.startswith("抄送"):
            body_end = i
            break
    tail = lines[max(0, body_end - END_LINES):body_end]
    for k, (pos, line) in enumerate(tail):  # signature: an issuer alone on a line, by a date
        hit = issuer_at(line.strip())
        near = [other for _, other in tail[k - 1:k] + tail[k + 1:k + 2]] + [line]
        if hit and line.strip() == hit[0] and any(DATE_LINE.search(one) for one in near):
            f.offer("signature", hit[1], hit[0], pos + line.index(hit[0][0]))
            issuer = issuer or hit[0]
    if title:  # 郑州市加快推进跨境电商发展的若干措施
        name = _leading_place(title)
        if name:
            f.offer("title", name, title, text.find(title) if title in text else None)
    if number:
        key = max((k for k in number_prefixes() if number.startswith(k)), key=len, default=None)
        if key:
            f.offer("number-prefix", number_prefixes()[key], number, text.find(number) if number in text else None)
    all_mentions = mentions(text)
    for s, e, name in all_mentions:  # a bureau named in the text: 记者从郑州市商务局获悉
        m = ORGAN.match(text, e)
        if m and not BANNER.search(text[max(0, s - 6):m.end() + 8]):
            f.offer("bureau", name, text[s:m.end()], s)
            break
    m = PILOT_ZONE.search(text)  # 中国（郑州）跨境电子商务综合试验区
    if m:
        f.offer("body", m.group(1), m.group(0), m.start(), short=True)
    counts: dict[str, tuple[int, int]] = {}
    for s, _, name in all_mentions:
        if not BANNER.search(text[max(0, s - 6):s + len(name) + 8]):
            n, first = counts.get(name, (0, s))
            counts[name] = (n + 1, first)
    if counts:  # the division the body names most often: 同江市依法经营
        name, (n, s) = max(counts.items(), key=lambda kv: (kv[1][0], -kv[1][1]))
        f.offer("body", name, name, s)
    return f.place, issuer, f.evidence


def is_draft(title: str | None, text: str) -> bool:
    """A 征求意见稿 (or 草案) in the title or the first lines of the text.

    >>> is_draft("关于促进跨境电商发展的若干措施（征求意见稿）", ""), is_draft(None, "正文")
    (True, False)
    """
    return bool(DRAFT.search(title or "") or DRAFT.search(text[:400]))
