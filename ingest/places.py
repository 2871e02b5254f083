"""China's administrative divisions, from the table the `cpca` package ships (adcodes.csv), so that
a name read from a document counts as a place only when it is a real province, city, district or
county: "欢迎访问宁波" is no place, "鹿城区" is a district of 温州 in 浙江省.

`lookup(name)` resolves a full name (温州市, 鹿城区, 浙江省, 同江市) or, for provinces and cities
only, a short name (温州, 郑州, 浙江) to the `Place`s it can mean; `mentions(text)` finds the full
names of divisions written in a text.
"""
from __future__ import annotations

import csv
import importlib.metadata
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policykg.errors import PolicyKGError

# rows of adcodes.csv that group divisions rather than name one
_GROUPS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "城区", "郊区", "矿区"}
_MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: provinces that are cities
_SHORT = re.compile(r"(?:省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$")
_SUFFIXES = ("市", "县", "区", "省", "州", "旗", "盟")


@dataclass(frozen=True)
class Place:
    """Where a document comes from: its province, city (short name, 温州) and, below the city,
    the district or county as named (鹿城区, 同江市). `level` is that of the issuer's own place."""

    province: str
    city: str | None
    district: str | None
    level: str  # province | city | district | county
    adcode: str  # the division's own 6-digit code

    @property
    def name(self) -> str:
        """The place as a reader names it: 浙江省, 温州, 温州 鹿城区."""
        if self.level == "province":
            return self.province
        return f"{self.city} {self.district}" if self.district else self.city or self.province


@dataclass(frozen=True)
class _Row:
    code: str
    name: str


@lru_cache(maxsize=1)
def _table() -> dict[str, _Row]:
    """adcode (6 digits) -> row, from cpca's data file (read without importing cpca, which loads pandas)."""
    try:
        path = importlib.metadata.distribution("cpca").locate_file("cpca/resources/adcodes.csv")
        text = Path(str(path)).read_text(encoding="utf-8")
    except (importlib.metadata.PackageNotFoundError, OSError) as exc:
        raise PolicyKGError("the administrative divisions table is missing: install the cpca package "
                            "(pip install cpca)") from exc
    rows = {}
    for rec in csv.DictReader(text.splitlines()):
        code = rec["adcode"][:6]
        rows[code] = _Row(code, rec["name"])
    return rows


def short_name(full: str) -> str:
    """温州市 -> 温州, 浙江省 -> 浙江, 广西壮族自治区 -> 广西 (districts and counties keep their name).

    >>> short_name("温州市"), short_name("浙江省"), short_name("广西壮族自治区"), short_name("鹿城区")
    ('温州', '浙江', '广西', '鹿城区')
    """
    out = _SHORT.sub("", full)
    return out if len(out) >= 2 else full


def _place(code: str) -> Place | None:
    rows = _table()
    row = rows.get(code)
    if row is None or row.name in _GROUPS:
        return None
    prov_code = code[:2] + "0000"
    province = rows[prov_code].name if prov_code in rows else row.name
    if code.endswith("0000"):
        if code[:2] in _MUNICIPALITIES:
            return Place(province, short_name(province), None, "city", code)
        return Place(province, None, None, "province", code)
    level = "district" if row.name.endswith("区") else "county"
    if code.endswith("00"):
        return Place(province, short_name(row.name), None, "city", code)
    city_row = rows.get(code[:4] + "00")
    if code[:2] in _MUNICIPALITIES:
        city = short_name(province)
    elif city_row is None or city_row.name in _GROUPS:
        return Place(province, short_name(row.name), None, "city", code)  # 省直辖县级市: a city of its own
    else:
        city = short_name(city_row.name)
    return Place(province, city, row.name, level, code)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[Place]], dict[str, list[Place]]]:
    """(full name -> places, short name of a province or city -> places)."""
    full: dict[str, list[Place]] = {}
    short: dict[str, list[Place]] = {}
    for code, row in _table().items():
        place = _place(code)
        if place is None:
            continue
        full.setdefault(row.name, []).append(place)
        if place.level in ("province", "city") and place.district is None:
            short.setdefault(short_name(row.name), []).append(place)
    return full, short


def lookup(name: str, short: bool = True) -> list[Place]:
    """The places a name can mean; [] when it is no division's name.

    >>> [p.name for p in lookup("温州市")], [p.name for p in lookup("温州")], lookup("欢迎访问温州")
    (['温州'], ['温州'], [])
    >>> p = lookup("同江市")[0]; (p.province, p.city, p.district, p.level)
    ('黑龙江省', '佳木斯', '同江市', 'county')
    >>> [(p.name, p.level) for p in lookup("浙江")]
    [('浙江省', 'province')]
    """
    full, shorts = _index()
    if name in full:
        return list(full[name])
    return list(shorts.get(name, [])) if short else []


def mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, full name) of every division's full name written in `text`, longest first at
    each place; names are checked against the table, so "欢迎访问温州市" yields only 温州市.

    >>> mentions("中国（郑州）跨境电子商务综合试验区，同江市依法经营")
    [(18, 21, '同江市')]
    """
    full, _ = _index()
    out = []
    end_taken = -1
    for i, ch in enumerate(text):
        if ch not in _SUFFIXES:
            continue
        for k in range(8, 1, -1):  # the longest name ending at this suffix
            s = i + 1 - k
            if s < 0 or s <= end_taken and s < i:
                continue
            if text[s:i + 1] in full:
                out.append((s, i + 1, text[s:i + 1]))
                end_taken = i
                break
    return out
