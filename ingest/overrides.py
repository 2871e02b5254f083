"""What a user says about a document, over what is read from it: a sidecar `NAME.meta.yaml` beside
`NAME.txt`, or the options of `policykg ingest --city … --number …`. Keys: city, province, number,
title, issuer, issued, valid_from, valid_to, status, source_url. A bad sidecar is one error line
naming the file and the key.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ingest.figures import parse_date
from ingest.model import STATUSES, Document, Evidence
from ingest.origin import describe
from ingest.places import Place, lookup
from policykg.errors import PolicyKGError

SIDECAR_SUFFIX = ".meta.yaml"


@dataclass
class Overrides:
    """Values given by the user; None leaves what was read."""

    city: str | None = None
    province: str | None = None
    number: str | None = None
    title: str | None = None
    issuer: str | None = None
    issued: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    status: str | None = None
    source_url: str | None = None

    def merged(self, other: Overrides) -> Overrides:
        """These values, with `other`'s where it gives one."""
        return Overrides(**{f.name: getattr(other, f.name) if getattr(other, f.name) is not None
                            else getattr(self, f.name) for f in dataclasses.fields(self)})

    def any(self) -> bool:
        return any(getattr(self, f.name) is not None for f in dataclasses.fields(self))


KEYS = tuple(f.name for f in dataclasses.fields(Overrides))


def sidecar_of(path: Path) -> Path:
    """'corpus/x.txt' -> 'corpus/x.meta.yaml'."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def to_date(value, where: str, key: str) -> date:
    """A date from YAML (2024-01-01 or '2024年1月1日') or a command-line string."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parsed = parse_date(text) if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", text) else None
    if parsed is not None:
        return parsed
    raise PolicyKGError(f"{where}: {key} '{text}' is not a date: write it as 2024-01-31 or 2024年1月31日")


def check(raw: dict, where: str) -> Overrides:
    """Overrides from a mapping of keys to values, each checked (a city must be a real division)."""
    out = Overrides()
    for key, value in raw.items():
        if key not in KEYS:
            raise PolicyKGError(f"{where}: unknown key '{key}': expected one of {', '.join(KEYS)}")
        if value is None or value == "":
            continue
        if key in ("issued", "valid_from", "valid_to"):
            value = to_date(value, where, key)
        else:
            value = str(value).strip()
        if key in ("city", "province") and not lookup(value) and not lookup(value + "市"):
            raise PolicyKGError(f"{where}: {key} '{value}' is not a Chinese administrative division")
        if key == "status" and value not in STATUSES:
            raise PolicyKGError(f"{where}: status '{value}' is not one of {', '.join(STATUSES)}")
        if key == "source_url" and not re.match(r"https?://\S+$", value):
            raise PolicyKGError(f"{where}: source_url '{value}' is not an http(s) address")
        setattr(out, key, value)
    if out.valid_from and out.valid_to and out.valid_to < out.valid_from:
        raise PolicyKGError(f"{where}: valid_to {out.valid_to} is before valid_from {out.valid_from}")
    return out


def read_sidecar(path: Path) -> Overrides:
    """The sidecar of `path` (an empty Overrides when there is none)."""
    side = sidecar_of(path)
    if not side.is_file():
        return Overrides()
    try:
        data = yaml.safe_load(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyKGError(f"{side}: cannot be read as UTF-8 text ({exc})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" line {mark.line + 1}" if mark else ""
        raise PolicyKGError(f"{side}:{at} is not valid YAML: write one 'key: value' per line") from exc
    if data is None:
        return Overrides()
    if not isinstance(data, dict):
        raise PolicyKGError(f"{side}: expected 'key: value' lines ({', '.join(KEYS)})")
    return check(data, str(side))


def _place_of(over: Overrides) -> Place | None:
    if over.city:
        found = lookup(over.city) or lookup(over.city + "市")
        if over.province:
            found = [p for p in found if p.province.startswith(over.province.removesuffix("省"))] or found
        return found[0] if found else None
    if over.province:
        found = lookup(over.province)
        return found[0] if found else None
    return None


def apply(doc: Document, over: Overrides, rule: str) -> None:
    """Put the user's values into `doc`, each recorded as evidence of `rule` (sidecar | command-line)."""
    place = _place_of(over)
    if place is not None:
        set_place(doc, place)
        given = " ".join(v for v in (over.province, over.city) if v)
        doc.origin = [Evidence("place", rule, given, describe(place))] + \
            [dataclasses.replace(e, accepted=False) if e.field == "place" else e for e in doc.origin]
    for key in ("number", "title", "issuer", "status", "source_url"):
        value = getattr(over, key)
        if value is not None:
            setattr(doc, key, value)
            doc.origin.append(Evidence(key, rule, value, value))
    v = doc.validity
    for key, attr in (("issued", "issued"), ("valid_from", "effective"), ("valid_to", "expiry")):
        value = getattr(over, key)
        if value is not None:
            setattr(v, attr, value)
            if attr == "expiry":
                v.expiry_computed = False
            doc.origin.append(Evidence(key, rule, value.isoformat(), value.isoformat()))


def set_place(doc: Document, place: Place | None) -> None:
    """city, province, district and level from a place (a provincial document's city is its province)."""
    if place is None:
        doc.city = doc.province = doc.district = doc.level = None
        return
    doc.province, doc.district, doc.level = place.province, place.district, place.level
    doc.city = place.city if place.city else place.province
