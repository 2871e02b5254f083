"""Load and validate an enterprise profile (YAML or JSON) for the subsidy estimate.

The format is documented in docs/estimate.md. Every key is optional; a key that is absent
means "the profile does not say", which the estimate reports as not computable, never as
zero. Money is read into Decimal from the number's text, so 7.2 stays exactly 7.2.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from policykg.errors import PolicyKGError

DEFAULT_USD_CNY_RATE = Decimal("7.2")  # CNY per USD when the profile gives no usd_cny_rate

FAIR_KINDS = {
    "cross-border-ecommerce": "跨境电商展会",
    "service-trade": "服务贸易类展会",
    "import": "进口展会（列入市级重点国际性展会目录）",
    "key-international": "市政府支持的重点国际性展会",
    "general-international": "企业自行参加的一般性国际性展会",
}
IMPORT_KINDS = {
    "cbec-1210": "跨境电商1210模式进口",
    "cbec-9610": "跨境电商9610模式进口",
    "consumer-goods": "一般贸易进口日用消费品",
    "raw-materials": "一般贸易进口原材料或半成品、生产资料",
    "other": "其他进口",
}
RECOGNITIONS = {
    "national-cbec-demo-enterprise": "国家级跨境电商示范企业",
    "provincial-cbec-demo-enterprise": "省级跨境电商示范企业",
    "city-cbec-demo-enterprise": "市级跨境电商示范企业",
    "provincial-export-brand": "省级跨境电商出口知名品牌",
    "customs-advanced-certified": "海关高级认证企业",
    "high-tech-enterprise": "高新技术企业",
}


@dataclass
class Site:
    spend_cny: Decimal  # a year's building, running and promotion costs of the site
    name: str | None = None
    turnover_cny: Decimal | None = None  # the site's own transactions in the year (后台实际交易数据)
    new: bool | None = None  # built this year (新建)
    domain_share_percent: Decimal | None = None  # share held in the entity owning the domain


@dataclass
class Fair:
    kind: str
    booths: int
    fee_cny: Decimal  # booth fees actually paid, all booths together
    name: str | None = None
    location: str | None = None  # overseas | domestic
    country: str | None = None
    belt_and_road: bool = False
    rcep: bool = False


@dataclass
class Warehouse:
    name: str | None = None
    build_cost_cny: Decimal | None = None  # building or leasing cost (场地租赁、设备采购、系统开发)
    storage_cost_cny: Decimal | None = None  # storage service fees paid (仓储服务成本)
    area_m2: Decimal | None = None
    months_in_use: Decimal | None = None
    public: str | None = None  # city | province: a recognised public overseas warehouse of that level
    newly_recognised: bool | None = None  # recognised as a public overseas warehouse pilot this year
    belt_and_road: bool = False  # in a Belt and Road, RCEP or Silk Road e-commerce country


@dataclass
class ImportLine:
    kind: str
    usd: Decimal
    name: str | None = None
    increase_usd: Decimal | None = None  # growth over the previous year (每新增进口)
    local_port: bool | None = None  # cleared at the port of the city whose policy is applied
    china_europe_rail: bool = False  # came by a China–Europe freight train (中欧班列, e.g. 义新欧)


@dataclass
class Investment:
    usd: Decimal  # the Chinese side's actual investment in the year
    name: str | None = None
    belt_and_road: bool = False


@dataclass
class Training:
    enrolment: int | None = None  # students enrolled (招生人数)
    days: int | None = None  # training days (培训天数)
    contract_years: Decimal | None = None  # years of the labour contracts trainees signed


@dataclass
class Session:
    cost_cny: Decimal  # actual cost of one training session
    trainees: int
    name: str | None = None


@dataclass
class Parcels:
    postal_increase: int | None = None  # parcels out through the international mail exchange, over last year
    express: int | None = None  # international express parcels out through the express supervision centre


@dataclass
class Profile:
    name: str | None = None
    source: str | None = None
    cities: list[str] | None = None
    usd_cny_rate: Decimal = DEFAULT_USD_CNY_RATE
    usd_cny_rate_given: bool = False
    as_of: date | None = None  # the date the estimate is for; None: today
    exports_usd: Decimal | None = None
    exports_cny: Decimal | None = None
    turnover_cny: Decimal | None = None
    new_to_cross_border: bool | None = None
    service_exports_usd: Decimal | None = None
    service_trade_reported: bool | None = None
    independent_sites: list[Site] | None = None
    fairs: list[Fair] | None = None
    overseas_warehouses: list[Warehouse] | None = None
    trademark_fees_cny: Decimal | None = None
    patent_fees_cny: Decimal | None = None
    certification_fees_cny: Decimal | None = None
    testing_fees_cny: Decimal | None = None
    promotion_cny: Decimal | None = None
    platform_fees_cny: Decimal | None = None
    platform_promotion_cny: Decimal | None = None
    export_credit_insurance_premium_cny: Decimal | None = None
    imports: list[ImportLine] | None = None
    outbound_investments: list[Investment] | None = None
    recognitions: list[str] | None = None
    trainees: int | None = None
    training: Training | None = None
    training_sessions: list[Session] | None = None
    parcels: Parcels | None = None


# --- schema ------------------------------------------------------------------------------
# a field spec is (type, required); types: money, number, count, bool, str, enum:<set name>,
# strlist, list:<class>, block:<class>

_ENUMS = {"fair_kind": FAIR_KINDS, "import_kind": IMPORT_KINDS, "recognition": RECOGNITIONS,
          "location": {"overseas": "境外", "domestic": "境内"}, "public": {"city": "市级", "province": "省级"}}

_SCHEMAS: dict[type, dict[str, tuple[str, bool]]] = {
    Site: {"name": ("str", False), "spend_cny": ("money", True), "turnover_cny": ("money", False),
           "new": ("bool", False), "domain_share_percent": ("number", False)},
    Fair: {"name": ("str", False), "kind": ("enum:fair_kind", True), "booths": ("count", True),
           "fee_cny": ("money", True), "location": ("enum:location", False), "country": ("str", False),
           "belt_and_road": ("bool", False), "rcep": ("bool", False)},
    Warehouse: {"name": ("str", False), "build_cost_cny": ("money", False), "storage_cost_cny": ("money", False),
                "area_m2": ("number", False), "months_in_use": ("number", False), "public": ("enum:public", False),
                "newly_recognised": ("bool", False), "belt_and_road": ("bool", False)},
    ImportLine: {"name": ("str", False), "kind": ("enum:import_kind", True), "usd": ("money", True),
                 "increase_usd": ("money", False), "local_port": ("bool", False), "china_europe_rail": ("bool", False)},
    Investment: {"name": ("str", False), "usd": ("money", True), "belt_and_road": ("bool", False)},
    Training: {"enrolment": ("count", False), "days": ("count", False), "contract_years": ("number", False)},
    Session: {"name": ("str", False), "cost_cny": ("money", True), "trainees": ("count", True)},
    Parcels: {"postal_increase": ("count", False), "express": ("count", False)},
    Profile: {
        "name": ("str", False), "cities": ("strlist", False), "usd_cny_rate": ("number", False),
        "as_of": ("date", False),
        "exports_usd": ("money", False), "exports_cny": ("money", False), "turnover_cny": ("money", False),
        "new_to_cross_border": ("bool", False), "service_exports_usd": ("money", False),
        "service_trade_reported": ("bool", False), "independent_sites": ("list:Site", False),
        "fairs": ("list:Fair", False), "overseas_warehouses": ("list:Warehouse", False),
        "trademark_fees_cny": ("money", False), "patent_fees_cny": ("money", False),
        "certification_fees_cny": ("money", False), "testing_fees_cny": ("money", False),
        "promotion_cny": ("money", False), "platform_fees_cny": ("money", False),
        "platform_promotion_cny": ("money", False), "export_credit_insurance_premium_cny": ("money", False),
        "imports": ("list:ImportLine", False), "outbound_investments": ("list:Investment", False),
        "recognitions": ("list:recognition", False), "trainees": ("count", False),
        "training": ("block:Training", False), "training_sessions": ("list:Session", False),
        "parcels": ("block:Parcels", False)
    },
}
_CLASSES = {c.__name__: c for c in _SCHEMAS}

DESCRIPTIONS = {
    "name": "a name for the enterprise, shown in the output",
    "cities": "only these cities (default: every city in the store)",
    "as_of": "the date the estimate is for, YYYY-MM-DD (default today; the CLI's --as-of overrides it): "
             "a policy not in force on that date pays nothing",
    "usd_cny_rate": f"CNY per USD for USD thresholds and USD-based amounts (default {DEFAULT_USD_CNY_RATE}, "
                    "stated as an assumption in the output)",
    "exports_usd": "a year's cross-border e-commerce exports in USD (give this or exports_cny)",
    "exports_cny": "a year's cross-border e-commerce exports in yuan (give this or exports_usd)",
    "turnover_cny": "a year's cross-border e-commerce transactions (跨境电商交易额, imports and exports) in yuan",
    "new_to_cross_border": "true in the enterprise's first year of cross-border e-commerce (首次开展跨境电商)",
    "service_exports_usd": "a year's exports of services (服务贸易出口额) in USD",
    "service_trade_reported": "reports every quarter in MOFCOM's service trade direct reporting system (直报系统)",
    "independent_sites": "the enterprise's own web shops: a list of {spend_cny, turnover_cny, new, "
                         "domain_share_percent, name}",
    "independent_sites[].spend_cny": "a year's building, running and promotion costs of the site (required)",
    "independent_sites[].turnover_cny": "the site's own transactions in the year (后台实际交易数据)",
    "independent_sites[].new": "the site was built this year (新建)",
    "independent_sites[].domain_share_percent": "share the enterprise holds in the entity owning the domain "
                                                "(100 if it owns the domain itself)",
    "fairs": "trade fairs attended: a list of {kind, booths, fee_cny, location, country, belt_and_road, rcep, name}",
    "fairs[].kind": "one of: " + ", ".join(f"{k} ({v})" for k, v in FAIR_KINDS.items()),
    "fairs[].booths": "standard booths taken (required)",
    "fairs[].fee_cny": "booth fees actually paid, all booths together (required)",
    "fairs[].location": "overseas (境外) or domestic (境内); sets per-location caps",
    "fairs[].belt_and_road": "the fair's country is a Belt and Road country (default false)",
    "fairs[].rcep": "the fair's country is an RCEP member (default false)",
    "overseas_warehouses": "a list of {build_cost_cny, storage_cost_cny, area_m2, months_in_use, public, "
                           "newly_recognised, belt_and_road, name}",
    "overseas_warehouses[].build_cost_cny": "cost of building or leasing it (场地租赁、设备采购、系统开发)",
    "overseas_warehouses[].storage_cost_cny": "storage service fees paid to a public overseas warehouse "
                                              "(not first-leg or delivery)",
    "overseas_warehouses[].public": "city or province: a recognised public overseas warehouse of that level",
    "overseas_warehouses[].newly_recognised": "recognised as a public overseas warehouse pilot this year (新认定)",
    "overseas_warehouses[].belt_and_road": "in a Belt and Road, RCEP or Silk Road e-commerce country "
                                           "(default false)",
    "trademark_fees_cny": "fees for registering trademarks abroad (境外商标注册费用)",
    "patent_fees_cny": "fees for applying for patents abroad (专利申请费用)",
    "certification_fees_cny": "fees for international certification (国际认证费用)",
    "testing_fees_cny": "fees for testing (检测费用)",
    "promotion_cny": "own-brand promotion via social media, search engines and live streaming",
    "platform_fees_cny": "registration and service fees paid to third-party platforms",
    "platform_promotion_cny": "promotion bought on cross-border e-commerce platforms",
    "export_credit_insurance_premium_cny": "export credit insurance premium paid in the year (出口信保保费)",
    "imports": "imports: a list of {kind, usd, increase_usd, local_port, china_europe_rail, name}",
    "imports[].kind": "one of: " + ", ".join(f"{k} ({v})" for k, v in IMPORT_KINDS.items()),
    "imports[].increase_usd": "growth over the previous year (for clauses paying on 每新增进口)",
    "imports[].local_port": "cleared at the port of the city whose policy is applied",
    "imports[].china_europe_rail": "came by a China–Europe freight train (中欧班列, such as 义新欧; default false)",
    "outbound_investments": "investments abroad: a list of {usd, belt_and_road, name}",
    "recognitions": "titles obtained this year, any of: " + ", ".join(f"{k} ({v})" for k, v in RECOGNITIONS.items()),
    "trainees": "for a college: people trained who signed labour contracts with cross-border e-commerce firms",
    "training": "for a college: {enrolment, days, contract_years} of the training class",
    "training_sessions": "for a training institution: a list of {cost_cny, trainees, name}, one per session",
    "parcels": "for a facility operator: {postal_increase, express} parcels shipped out in the year",
    "fairs[].country": "the fair's country, shown in the output",
    "overseas_warehouses[].area_m2": "usable area in square metres",
    "overseas_warehouses[].months_in_use": "months the warehouse has been in use",
    "imports[].usd": "a year's imports of this kind in USD (required)",
    "outbound_investments[].usd": "the Chinese side's actual investment in the year, USD (required)",
    "outbound_investments[].belt_and_road": "a project in a Belt and Road country (default false)",
    "training.enrolment": "students enrolled in the class (招生人数)",
    "training.days": "training days (培训天数)",
    "training.contract_years": "years of the labour contracts the trainees signed",
    "training_sessions[].cost_cny": "actual cost of the session (required)",
    "training_sessions[].trainees": "people trained in the session (required)",
    "parcels.postal_increase": "cross-border parcels out through the international mail exchange, "
                               "over the previous year (同比新增)",
    "parcels.express": "international express parcels out through the express supervision centre",
    **{f"{key}[].name": "a label, shown in the output" for key in (
        "independent_sites", "fairs", "overseas_warehouses", "imports", "outbound_investments", "training_sessions")},
}


def schema() -> dict[str, dict]:
    """Every profile key with its type, whether required, and its description (for forms and docs)."""
    out = {}

    def walk(cls: type, prefix: str):
        for key, (kind, required) in _SCHEMAS[cls].items():
            path = f"{prefix}{key}"
            out[path] = {"type": kind, "required": required, "description": DESCRIPTIONS.get(path, "")}
            inner = kind.split(":", 1)[1] if ":" in kind else ""
            if inner in _CLASSES:
                walk(_CLASSES[inner], f"{path}[]." if kind.startswith("list:") else f"{path}.")

    walk(Profile, "")
    return out


MAX_AMOUNT = Decimal(10) ** 13  # yuan or dollars: far above any enterprise's figures
MAX_COUNT = 10 ** 6  # booths, trainees, days, sessions
MAX_PARCELS = 10 ** 10  # a facility operator's parcels in a year run to millions
MAX_PROFILE_BYTES = 1_000_000
SHOWN = 60  # characters of a bad value quoted in an error


def _show(value: Any) -> str:
    """repr(value), cut to SHOWN characters, so that an error stays one short line.

    >>> _show("9" * 100)[-22:], len(_show("9" * 100))
    ("999…' (102 characters)", 75)
    """
    text = repr(value)
    return text if len(text) <= SHOWN else f"{text[:SHOWN - 4]}…' ({len(text)} characters)"


def _decimal(value: Any, where: str, limit: Decimal = MAX_AMOUNT) -> Decimal:
    """A number >= 0 and <= limit, checked before any arithmetic on it (1e999999999 is refused
    at once).

    >>> _decimal("1e999999999", "fairs[0].booths", Decimal(10**6))
    Traceback (most recent call last):
    policykg.errors.PolicyKGError: fairs[0].booths: 1e999999999 is more than 1000000; check the figure
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise PolicyKGError(f"{where}: expected a number, got {_show(value)}")
    text = str(value).strip().replace(",", "").replace("_", "")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise PolicyKGError(f"{where}: expected a number, got {_show(value)} (write 2000000, not 200万)") from None
    if not d.is_finite() or d < 0:
        raise PolicyKGError(f"{where}: expected a number >= 0, got {_show(value)}")
    if d > limit:
        raise PolicyKGError(f"{where}: {_show(value).strip(chr(39))} is more than {limit:f}; check the figure")
    return d


def _value(kind: str, value: Any, where: str, count_limit: int = MAX_COUNT) -> Any:
    if kind in ("money", "number"):
        return _decimal(value, where)
    if kind == "count":
        d = _decimal(value, where, Decimal(count_limit))
        if d != d.to_integral_value():
            raise PolicyKGError(f"{where}: expected a whole number, got {_show(value)}")
        return int(d)
    if kind == "bool":
        if not isinstance(value, bool):
            raise PolicyKGError(f"{where}: expected true or false, got {_show(value)}")
        return value
    if kind == "str":
        if not isinstance(value, (str, int)):
            raise PolicyKGError(f"{where}: expected text, got {_show(value)}")
        return str(value)
    if kind == "date":
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise PolicyKGError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None
    if kind == "strlist":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PolicyKGError(f"{where}: expected a list of names, got {_show(value)}")
        return value
    if kind.startswith("enum:"):
        allowed = _ENUMS[kind[5:]]
        if value not in allowed:
            raise PolicyKGError(f"{where}: {_show(value)} is not one of: {', '.join(allowed)}")
        return value
    if kind.startswith("list:"):
        if not isinstance(value, list):
            raise PolicyKGError(f"{where}: expected a list, got {_show(value)}")
        inner = kind[5:]
        if inner in _CLASSES:
            return [_build(_CLASSES[inner], v, f"{where}[{i}]") for i, v in enumerate(value)]
        return [_value(f"enum:{inner}", v, f"{where}[{i}]") for i, v in enumerate(value)]
    if kind.startswith("block:"):
        return _build(_CLASSES[kind[6:]], value, where)
    raise AssertionError(kind)


def _build(cls: type, data: Any, where: str):
    if not isinstance(data, dict):
        raise PolicyKGError(f"{where}: expected a mapping of keys, got {_show(data)}")
    schema = _SCHEMAS[cls]
    unknown = [k for k in data if k not in schema]
    if unknown:
        raise PolicyKGError(f"{where}: unknown key {_show(unknown[0])}; known keys: {', '.join(schema)} "
                            "(see docs/estimate.md)")
    missing = [k for k, (_, req) in schema.items() if req and data.get(k) is None]
    if missing:
        raise PolicyKGError(f"{where}: missing key '{missing[0]}'")
    kwargs = {}
    for key, value in data.items():
        if value is None:
            continue
        kwargs[key] = _value(schema[key][0], value, f"{where}.{key}", MAX_PARCELS if cls is Parcels else MAX_COUNT)
    return kwargs if cls is Profile else cls(**kwargs)


def parse_profile(data: Any, where: str = "profile") -> Profile:
    """A Profile from already-parsed YAML/JSON data (the app's form builds such a dict)."""
    kwargs = _build(Profile, data, where)
    if "cities" in kwargs:
        kwargs["cities"] = [c.removesuffix("市") for c in kwargs["cities"]]
    if "usd_cny_rate" in kwargs:
        if kwargs["usd_cny_rate"] == 0:
            raise PolicyKGError(f"{where}.usd_cny_rate: must be > 0")
        kwargs["usd_cny_rate_given"] = True
    if "exports_usd" in kwargs and "exports_cny" in kwargs:
        raise PolicyKGError(f"{where}: give exports_usd or exports_cny, not both")
    sites = kwargs.get("independent_sites") or []
    for i, s in enumerate(sites):
        if s.domain_share_percent is not None and s.domain_share_percent > 100:
            raise PolicyKGError(f"{where}.independent_sites[{i}].domain_share_percent: at most 100")
    for i, f in enumerate(kwargs.get("fairs") or []):
        if f.booths == 0:
            raise PolicyKGError(f"{where}.fairs[{i}].booths: at least 1")
    return Profile(**kwargs)


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors' aliases: a profile has no use for them, and an alias bomb of a few
    hundred bytes expands to gigabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a profile",
                                              event.start_mark)
        return super().compose_node(parent, index)


def read_text(text: str, where: str, json_format: bool = False) -> Any:
    """Parse a profile's YAML (aliases refused) or JSON text; one short line for any error."""
    if len(text) > MAX_PROFILE_BYTES:
        raise PolicyKGError(f"{where}: a profile of {len(text):,} characters; at most {MAX_PROFILE_BYTES:,}")
    try:
        return json.loads(text) if json_format else yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506
    except (ValueError, RecursionError, yaml.YAMLError) as exc:
        kind = "JSON" if json_format else "YAML"
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise PolicyKGError(f"{where}: not valid {kind}: {first[:200]}") from None


def load_profile(path: Path) -> Profile:
    """Read a .yaml/.yml or .json profile file; errors name the file and the key."""
    path = Path(path)
    if not path.exists():
        raise PolicyKGError(f"{path}: no such profile file")
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise PolicyKGError(f"{path}: a profile of {path.stat().st_size:,} bytes; at most {MAX_PROFILE_BYTES:,}")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyKGError(f"{path}: cannot read the profile: {getattr(exc, 'strerror', None) or exc}") from None
    data = read_text(text, str(path), path.suffix.lower() == ".json")
    if data is None:
        data = {}
    profile = parse_profile(data, str(path))
    profile.source = str(path)
    return profile
