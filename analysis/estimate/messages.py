"""The estimate's words as data: a message is a key and parameters, rendered in Chinese or English.

The engine never writes a sentence: it records `Msg("cap.binds", who=..., amount=Money(...))`, and
`render(msg, lang)` fills the zh or en template of ontology/estimate.yaml (the one place the
estimate's wording lives, beside the ontology's labels). Parameters carry their kind, so each
language shows them its own way: `Money` as 20万元 or "CNY 200,000 (20万元)", `Key` (a profile key)
as its label (跨境电商交易额) or the key itself (turnover_cny), `Qty` with its unit, `Term` with the
ontology's label. Messages go to JSON and back (`to_json`, `from_json`) so the app renders a cached
result in either language.

>>> render(Msg("amount.total", amount=Money(Decimal(200000))), "zh")
'金额 20万元。'
>>> render(Msg("amount.total", amount=Money(Decimal(200000))), "en")
'Amount CNY 200,000 (20万元).'
>>> render(Msg("key.not_stated", key=Key("independent_sites[0].turnover_cny")), "zh")
'企业档案未填写：独立站1·该站当年交易额'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import yaml

from graph.vocabulary import term_label
from ingest.categories import scheme
from policykg.config import ontology_dir
from policykg.errors import PolicyKGError

WORDING = ontology_dir() / "estimate.yaml"
WAN = Decimal(10000)
YI = Decimal(100000000)
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Money:
    """An amount of money: 20万元 in Chinese, 'CNY 200,000 (20万元)' in English."""

    value: Decimal
    currency: str = "CNY"


@dataclass(frozen=True)
class Qty:
    """A number with a unit of ontology/estimate.yaml's `units` (m2, month, percent, ...)."""

    value: Decimal
    unit: str


@dataclass(frozen=True)
class Key:
    """A profile key, possibly with list indices: independent_sites[0].turnover_cny."""

    path: str


@dataclass(frozen=True)
class Term:
    """A term of a vocabulary: kind category, metric (the ontology's labels), or a table of
    ontology/estimate.yaml (fair_kind, import_kind, recognition, level, location, period, bound)."""

    kind: str
    value: str


@dataclass(frozen=True)
class Code:
    """Shown as written in both languages: a clause id, a document number."""

    text: str


@dataclass(frozen=True)
class Msg:
    """A message key of ontology/estimate.yaml and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, /, **params: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", params)

    def __hash__(self) -> int:
        return hash((self.key, repr(sorted(self.params.items()))))


@cache
def wording() -> dict[str, Any]:
    """ontology/estimate.yaml: messages, units, terms and profile key labels."""
    try:
        data = yaml.safe_load(WORDING.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyKGError(f"{WORDING}: cannot read the estimate's wording: {exc}") from None
    for key, texts in data["messages"].items():
        if set(texts) != set(LANGS):
            raise PolicyKGError(f"{WORDING}: message {key} needs zh and en, has {sorted(texts)}")
    return data


def clause_words(name: str) -> Any:
    """A table of ontology/estimate.yaml's `clause_words`: the words that tell a rule which case a
    clause is (a list of words, or a mapping of a word to what it means)."""
    return wording()["clause_words"][name]


def says(text: str, name: str) -> str | None:
    """The first of `clause_words(name)` found in `text`, or None.

    >>> says("对企业通过班列进口货物", "rail"), says("给予50%补助", "rail")
    ('班列', None)
    """
    return next((w for w in clause_words(name) if w in text), None)


def plain(v: Decimal) -> str:
    """A decimal with thousands separators, without trailing zeros or exponent.

    >>> plain(Decimal("1234567.50")), plain(Decimal("0.2")), plain(Decimal(20))
    ('1,234,567.5', '0.2', '20')
    """
    v = v.normalize()
    if v == v.to_integral_value():
        v = v.quantize(Decimal(1))
    return f"{v:,f}"


def _short(v: Decimal) -> str:
    s = format(v.normalize(), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def wan(v: Decimal, currency: str = "CNY") -> str:
    """An amount the way the policies write it: 20万元, 1.5万元, 5,000元, 3亿元, 200万美元.

    >>> wan(Decimal(200000)), wan(Decimal(5000)), wan(Decimal(2000000), "USD")
    ('20万元', '5,000元', '200万美元')
    """
    unit = "美元" if currency == "USD" else "元"
    if abs(v) >= YI:
        return f"{_short(v / YI)}亿{unit}"
    if abs(v) >= WAN:
        return f"{_short(v / WAN)}万{unit}"
    return f"{plain(v)}{unit}"


def money(v: Decimal, lang: str, currency: str = "CNY") -> str:
    """An amount in the language's words.

    >>> money(Decimal(2000000), "en"), money(Decimal(400000), "en"), money(Decimal("0.2"), "zh")
    ('CNY 2 million (200万元)', 'CNY 400,000 (40万元)', '0.2元')
    """
    zh = wan(v, currency)
    if lang == "zh":
        return zh
    million = Decimal(1000000)
    body = f"{_short(v / million)} million" if abs(v) >= million else plain(v)
    return f"{currency} {body} ({zh})"


_INDEX = re.compile(r"\[(\d+)\]")


def key_label(path: str, lang: str) -> str:
    """A profile key's label: zh 独立站1·域名持股比例, en the key itself.

    >>> key_label("independent_sites[1].domain_share_percent", "zh"), key_label("turnover_cny", "en")
    ('独立站2·域名持股比例', 'turnover_cny')
    >>> key_label("independent_sites[].spend_cny", "zh")
    '独立站·建设运维推广费用'
    
    """
    if lang == "en":
        return path
    labels = wording()["keys"]
    out, prefix = [], ""
    for part in path.split("."):
        m = _INDEX.search(part)
        name = _INDEX.sub("", part).removesuffix("[]")
        generic = f"{prefix}{name}"
        label = labels.get(generic, [name])[0]
        out.append(f"{label}{int(m.group(1)) + 1}" if m else label)
        prefix = f"{generic}[]." if m or part.endswith("[]") else f"{generic}."
    return "·".join(out)


def term(kind: str, value: str, lang: str) -> str:
    """A vocabulary term's label in `lang`; the slug only when no label exists anywhere."""
    if kind == "category":
        c = scheme().get(value)
        if c is not None:
            return c.zh if lang == "zh" else c.en
    elif kind == "metric":
        found = term_label("metric", value, lang)
        if found:
            return found
    table = wording()["terms"].get(kind, {})
    if value in table:
        return str(table[value][LANGS.index(lang)])
    return value


def quantity(value: Decimal, unit: str, lang: str) -> str:
    """A number with its unit in `lang`.

    >>> quantity(Decimal(3000), "m2", "zh"), quantity(Decimal(14), "month", "en"), quantity(Decimal(100), "percent", "en")
    ('3,000平方米', '14 months', '100%')
    """
    return _param(Qty(value, unit), lang)


def _param(value: Any, lang: str) -> str:
    if isinstance(value, Msg):
        return render(value, lang)
    if isinstance(value, Money):
        return money(value.value, lang, value.currency)
    if isinstance(value, Qty):
        unit = wording()["units"].get(value.unit, ["", value.unit])[LANGS.index(lang)]
        return f"{plain(value.value)}{unit}" if lang == "zh" or unit in ("%", "") else f"{plain(value.value)} {unit}"
    if isinstance(value, Key):
        return key_label(value.path, lang)
    if isinstance(value, Term):
        return term(value.kind, value.value, lang)
    if isinstance(value, Code):
        return value.text
    if isinstance(value, bool):
        return render(Msg("word.yes" if value else "word.no"), lang)
    if isinstance(value, (Decimal, int)):
        return plain(Decimal(value))
    if isinstance(value, (list, tuple)):
        return ("、" if lang == "zh" else ", ").join(_param(v, lang) for v in value)
    return str(value)


def render(msg: Msg, lang: str) -> str:
    """The message in `lang` ('zh' or 'en'), its parameters shown that language's way."""
    templates = wording()["messages"].get(msg.key)
    if templates is None:
        raise KeyError(f"no estimate message {msg.key!r} in {WORDING}")
    return str(templates[lang]).format(**{k: _param(v, lang) for k, v in msg.params.items()})


def render_all(msgs: list[Msg], lang: str, sep: str | None = None) -> str:
    """Several messages as one text: joined with '；' in Chinese, '; ' in English."""
    return (sep if sep is not None else "；" if lang == "zh" else "; ").join(render(m, lang) for m in msgs)


def to_json(value: Any) -> Any:
    """A message or parameter as JSON data (numbers as strings, so nothing is rounded)."""
    if isinstance(value, Msg):
        return {"msg": value.key, "params": {k: to_json(v) for k, v in value.params.items()}}
    if isinstance(value, Money):
        return {"money": str(value.value), "currency": value.currency}
    if isinstance(value, Qty):
        return {"qty": str(value.value), "unit": value.unit}
    if isinstance(value, Key):
        return {"key": value.path}
    if isinstance(value, Term):
        return {"term": value.value, "kind": value.kind}
    if isinstance(value, Code):
        return {"code": value.text}
    if isinstance(value, Decimal):
        return {"number": str(value)}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def from_json(data: Any) -> Any:
    """The inverse of `to_json`."""
    if isinstance(data, list):
        return [from_json(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "msg" in data:
        return Msg(data["msg"], **{k: from_json(v) for k, v in data["params"].items()})
    if "money" in data:
        return Money(Decimal(data["money"]), data["currency"])
    if "qty" in data:
        return Qty(Decimal(data["qty"]), data["unit"])
    if "key" in data:
        return Key(data["key"])
    if "term" in data:
        return Term(data["kind"], data["term"])
    if "code" in data:
        return Code(data["code"])
    return Decimal(data["number"])


def render_json(data: Any, lang: str) -> str:
    """A message (or list of messages) from `to_json`, rendered in `lang`."""
    value = from_json(data)
    if isinstance(value, list):
        return render_all(value, lang)
    return render(value, lang)
