"""Document-level facts read from the text: number, title, dates, validity. The place and
issuer are read by ingest.origin, the funding rules by ingest.funding.
"""
from __future__ import annotations

import re
from datetime import date

from ingest.figures import DATE_RE, add_duration, parse_date, parse_duration
from ingest.model import Validity
from ingest.normalize import Normalized
from ingest.origin import issuer_at, number_prefixes
from ingest.structure import BACK_MATTER

NUMBER_LINE = re.compile(r"^(\S{1,12}[〔\[（]\d{4}[〕\]）]\d+号)$", re.M)
NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[（]\d{4}[〕\]）]\d+号")
TITLE_END = re.compile(r"(?:意见|通知|措施|办法|决定|方案|规定|细则|计划|政策|指南|公告|通告)(?:（[^）]*）)?$")
TITLE_PUNCT = re.compile(r"[。，；：:;,]")
HEADED_NUMBER = re.compile(r"(?:人民政府|办公厅|办公室|局)文件([\u4e00-\u9fff]{1,8}[〔\[（]\d{4}[〕\]）]\d+号)")
TOP_LINES = 15
ADDRESSEE = re.compile(r"^各[^。]{1,60}(?:人民政府|单位|部门|企业|机构)[^。]{0,20}[：:]$")
INLINE_TITLES = (re.compile(r"关于印发[^。；：，《》]{2,80}?的通知(?:（[^）]*）)?"),
                 re.compile(r"关于[^。；：，《》]{2,80}?(?:意见|通知|措施|办法|决定|方案|规定|细则|计划|政策)(?:（[^）]*）)?"))
SIGNED = re.compile(r"(?:人民政府办公厅|人民政府办公室|人民政府|局|委员会)(\d{4}年\d{1,2}月\d{1,2}日)(?!印发|起|至|前|以)")


def _lines(norm: Normalized) -> list[tuple[int, str]]:
    out, pos = [], 0
    for raw in norm.text.split("\n"):
        if raw:
            out.append((pos, raw))
        pos += len(raw) + 1
    return out


def read_number(norm: Normalized) -> str | None:
    r"""The 文号: on a line of its own, else the first one near the top that is not a citation
    (a number inside 《》 or brackets cites another document).

    >>> from ingest.normalize import normalize
    >>> read_number(normalize("关于做好申报工作的通知\n温政办〔2024〕3号\n各区："))
    '温政办〔2024〕3号'
    >>> read_number(normalize("通知 温政办〔2024〕3号 各区：根据（浙政办发〔2020〕1号）"))
    '温政办〔2024〕3号'
    >>> read_number(normalize("根据（浙政办发〔2020〕1号）的要求")) is None
    True
    """
    m = NUMBER_LINE.search(norm.text)
    if m:
        return m.group(1)
    m = HEADED_NUMBER.search(norm.text)  # 丽水市人民政府办公室文件丽政办发〔2021〕67号, wherever the page put it
    if m:
        return m.group(1)
    for m in NUMBER.finditer(norm.text[:300]):
        if norm.text[max(0, m.start() - 1):m.start()] not in ("（", "(", "》", "《", "〈"):
            found = m.group(0)
            if "文件" in found[:found.find("〔") if "〔" in found else len(found)]:
                found = found[found.index("文件") + 2:]  # 济南市人民政府办公厅文件济政办发〔2024〕15号
            opening = re.search(r"[〔\[（]", found)
            bracket = opening.start() if opening else len(found)
            starts = [found.find(k) for k in number_prefixes() if 0 < found.find(k) < bracket]
            return found[min(starts):] if starts else found  # 通知温政办〔2024〕3号: from 温政
    return None


def read_title(norm: Normalized, issuer: str | None) -> str | None:
    """The title: a 关于… line (wrapped over up to four lines), the one nearest above the addressee
    line (各县（市、区）人民政府…：) when there are several (a portal's list of related documents
    comes first); else the first line near the top that ends like a title (…若干措施,
    …的通知（征求意见稿）) and is no sentence; else a 关于… inside running text."""
    lines = [line.strip() for _, line in _lines(norm)]
    addressee = next((i for i, text in enumerate(lines[:TOP_LINES * 2]) if ADDRESSEE.search(text)), None)
    candidates = []
    for i, line in enumerate(lines[:addressee if addressee is not None else TOP_LINES]):
        if "关于" in line and (issuer is None or line.startswith(issuer) or line.startswith("关于")):
            title = line
            j = i
            while not TITLE_END.search(title) and j + 1 < len(lines) and j - i < 3:
                j += 1
                title += lines[j]
            nxt = lines[j + 1] if j + 1 < len(lines) else ""
            if nxt.startswith("的") and len(nxt) <= 12 and TITLE_END.search(nxt):
                j, title = j + 1, title + nxt  # …行动计划（2024—2027年） / 的通知
            if TITLE_END.search(title):
                candidates.append((j, title))
    if candidates:
        return candidates[-1][1] if addressee is not None else candidates[0][1]
    for line in lines[:8]:
        if 6 <= len(line) <= 80 and TITLE_END.search(line) and not TITLE_PUNCT.search(line):
            return line
    return _inline_title(norm.text[:400].replace("\n", ""))


def _inline_title(head: str) -> str | None:
    """A title inside running text (PDF-to-text on one line): 关于印发…的通知 or 关于…意见, with
    the issuer just before it.

    >>> _inline_title("济南市人民政府办公厅文件济政办发〔2024〕15号济南市人民政府办公厅关于印发济南市若干措施的通知各区：")
    '济南市人民政府办公厅关于印发济南市若干措施的通知'
    """
    found = []
    for rank, pattern in enumerate(INLINE_TITLES):
        for m in pattern.finditer(head):
            if head.rfind("《", 0, m.start()) <= head.rfind("》", 0, m.start()):  # not a citation 《…》
                found.append((m.start(), rank, m))
                break
    if not found:
        return None
    m = min(found, key=lambda f: (f[0], f[1]))[2]
    before = head[max(0, m.start() - 24):m.start()].rstrip()
    for k in range(len(before)):
        hit = issuer_at(before[k:])
        if hit and hit[0] == before[k:]:
            return before[k:] + m.group(0)
    return m.group(0)


def read_validity(norm: Normalized) -> Validity:
    text = norm.text.replace("\n", "")
    v = Validity()
    m = re.search(r"(\d{4}年\d{1,2}月\d{1,2}日)印发", text)
    if m:
        v.printed = parse_date(m.group(1))
    # the signing date: a date alone on a line before the back matter, not a print date
    back = re.search(BACK_MATTER.pattern, norm.text, re.M)
    for pos, line in _lines(norm):
        if back and pos >= back.start():
            break
        if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line):
            v.issued = parse_date(line)
    if v.issued is None:  # on one line: the date right after the signing body
        sm = SIGNED.search(text)
        v.issued = parse_date(sm.group(1)) if sm else None
    if v.issued is None:
        v.issued = v.printed
    em = re.search(r"自(?P<d>\d{4}年\d{1,2}月\d{1,2}日|印发之日|发布之日)起(?:施行|实施|执行|生效)", text)
    if em:
        v.effective = parse_date(em["d"]) if DATE_RE.match(em["d"]) else v.printed or v.issued
    xm = re.search(r"有效期(?:至|到)(\d{4}年\d{1,2}月\d{1,2}日)", text)
    if xm:
        v.expiry = parse_date(xm.group(1))
    else:
        d = parse_duration(text)
        if d and v.effective:
            v.duration = d[0]
            v.expiry = add_duration(v.effective, years=d[1], months=d[2])
            v.expiry_computed = True
    am = re.search(r"适用于(\d{4}年\d{1,2}月\d{1,2}日)至(\d{4}年\d{1,2}月\d{1,2}日)", text)
    if am:
        v.awards_from, v.awards_to = parse_date(am.group(1)), parse_date(am.group(2))
    else:
        am = re.search(r"(?:奖补时间|申报时间|奖补对象)从(\d{4}年\d{1,2}月\d{1,2}日)(?:开始|起)", text)
        if am:
            v.awards_from = parse_date(am.group(1))
    return v


def in_force(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    """Whether a period contains `on` (open ends count as unbounded)."""
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)
