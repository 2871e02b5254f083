"""Document-level facts read from the text: city, number, title, issuer, dates, validity.
(The funding rules are read by ingest.funding.)
"""
from __future__ import annotations

import re
from datetime import date

from ingest.figures import DATE_RE, add_duration, parse_date, parse_duration
from ingest.model import Validity
from ingest.normalize import Normalized
from ingest.structure import BACK_MATTER

NUMBER_LINE = re.compile(r"^(\S{1,12}[〔\[（]\d{4}[〕\]）]\d+号)$", re.M)
ISSUER = re.compile(r"(?P<issuer>(?P<place>[\u4e00-\u9fff]{2,8}?)(?P<kind>市|县|区|自治州|州|盟)人民政府(?:办公室|办公厅)?)")
TITLE_END = re.compile(r"(?:意见|通知|措施|办法|决定|方案|规定|细则|计划|政策)(?:（[^）]*）)?$")


def _lines(norm: Normalized) -> list[tuple[int, str]]:
    out, pos = [], 0
    for raw in norm.text.split("\n"):
        if raw:
            out.append((pos, raw))
        pos += len(raw) + 1
    return out


def read_number(norm: Normalized) -> str | None:
    m = NUMBER_LINE.search(norm.text)
    return m.group(1) if m else None


def read_issuer(norm: Normalized) -> tuple[str | None, str | None]:
    """(issuer, city short name without 市)."""
    for _, line in _lines(norm)[:12]:
        m = ISSUER.match(line)
        if m:
            return m["issuer"], m["place"]
    m = ISSUER.search(norm.text)
    return (m["issuer"], m["place"]) if m else (None, None)


def read_title(norm: Normalized, issuer: str | None) -> str | None:
    lines = [l for _, l in _lines(norm)]
    for i, line in enumerate(lines[:15]):
        if "关于" in line and (issuer is None or line.startswith(issuer) or line.startswith("关于")):
            title = line
            j = i
            while not TITLE_END.search(title) and j + 1 < len(lines) and j - i < 3:
                j += 1
                title += lines[j]
            if TITLE_END.search(title):
                return title
    return None


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
