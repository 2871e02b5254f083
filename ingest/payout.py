"""The payout model of a clause, a post-pass after field extraction: how the amount is set and
how far it goes for one enterprise.

`apply(doc)` sets, on every incentive clause: the instrument `ceiling` where the text states only
an upper bound (给予不超过200万元, 最高60万元的资金支持) and `ceiling_only`; each amount's
`basis` (site, enterprise, booth, m2, person …) and `period` (one-time, yearly, term); a pool for
all beneficiaries (所有企业年度累计…) as its own role `pool`, never one firm's cap; `count_limits`
(单家企业申报独立站数量不超过2个); `requirements`, the conditions as structured fields (新建,
domain held directly or ≥ 50%, the site's own turnover, 运营一年以上 in years, 市级公共海外仓 as the
level of public warehouse, 新认定 as a recognition this year, 首次开展跨境电商 as the enterprise's
first year, 直报系统…填报 as reporting); each threshold's
`scope` (whose figure it is); and `max_per_enterprise_cny`, the most one enterprise can receive in
a year under the clause with the counts limits applied (None where the text sets no bound).
The words are data: ontology/lexicon/payout.yaml.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import yaml

from ingest.figures import cn_number, plain
from ingest.model import Amount, Clause, CountLimit, Document, Requirement, Threshold
from policykg.config import ontology_dir

MONEY_METRICS = {"service-exports", "exports", "imports", "trade", "turnover", "revenue", "investment",
                 "contract-value", "logistics-revenue"}
_MONTHS_PER_YEAR = Decimal(12)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, dict]:
    """meaning -> entry of ontology/lexicon/payout.yaml (read once per process)."""
    data = yaml.safe_load((ontology_dir() / "lexicon" / "payout.yaml").read_text("utf-8"))
    return {e["meaning"]: e for e in data["entries"]}


def _phrases(meaning: str) -> list[str]:
    return list(lexicon()[meaning].get("phrases", []))


def _patterns(meaning: str) -> list[re.Pattern]:
    return [re.compile(p) for p in lexicon()[meaning].get("patterns", [])]


def _map(meaning: str) -> dict[str, str]:
    return dict(lexicon()[meaning].get("map", {}))


def _count(text: str) -> int:
    return int(plain(cn_number(text)))


# --- one clause --------------------------------------------------------------------------------

def count_limits(c: Clause) -> list[CountLimit]:
    """单家企业申报独立站数量最多2个 -> CountLimit(2, 'site', 'enterprise').

    >>> c = Clause(id="x", doc_id="d", article="a", article_key="1", kind="incentive", span=None,
    ...            text="给予单个独立站15万元奖励，单家企业申报独立站数量最多2个。")
    >>> [(x.count, x.unit, x.per) for x in count_limits(c)]
    [(2, 'site', 'enterprise')]
    """
    basis = _map("unit-basis")
    out: list[CountLimit] = []
    for pat in _patterns("count-limit"):
        for m in pat.finditer(c.text):
            out.append(CountLimit(_count(m["n"]), basis.get(m["unit"], m["unit"]), basis.get(m["per"], m["per"]),
                                  None, m.group(0)))
    return out


def _amount_basis(a: Amount, c: Clause) -> str:
    if a.role == "per-unit" and a.unit:
        per_unit = _map("per-unit-basis")
        if a.unit in per_unit:
            return per_unit[a.unit]
        return "usd" if "USD" in a.unit else a.unit.split()[-1].rstrip("s")
    if a.per:
        return a.per
    words = c.beneficiary or ""  # the beneficiary named by 给予<X> / 对…的<X>; else an enterprise
    best, pos = "enterprise", -1
    for word, slug in _map("beneficiary-basis").items():
        i = words.rfind(word)
        if i > pos:
            best, pos = slug, i
    return best


def _amount_period(a: Amount, c: Clause) -> str:
    if a.per_year:
        return "yearly"
    if c.one_time:
        return "one-time"
    if c.one_time is False:
        return "yearly"
    return "term"


def _is_pool(a: Amount, c: Clause) -> bool:
    if a.per == "all-enterprises":
        return True
    seg_start = max(c.text.rfind(p, 0, c.text.find(a.text)) for p in "，。；") + 1 if a.text in c.text else 0
    seg = c.text[seg_start:c.text.find(a.text)] if a.text in c.text else ""
    return any(p in seg for p in _phrases("pool"))


def requirements(c: Clause) -> list[Requirement]:
    """The conditions of a clause that the payout depends on, as fields."""
    out: list[Requirement] = []
    for pat in _patterns("new-build"):
        for m in pat.finditer(c.text):
            out.append(Requirement("new-build", scope=_map("facility-scope").get(m["what"]), text=m.group(0)))
    for pat in _patterns("domain-direct"):
        found = pat.search(c.text)
        if found:
            out.append(Requirement("domain-ownership", ">=", Decimal(100), "percent", "site", True,
                                   text=found.group(0)))
    for pat in _patterns("domain-share"):
        found = pat.search(c.text)
        if found:
            out.append(Requirement("domain-ownership", ">=", Decimal(found["n"]), "percent", "site", False,
                                   text=found.group(0)))
    levels = _map("public-level")
    for pat in _patterns("public-warehouse"):
        for m in pat.finditer(c.text):
            lv = levels[m["level"]]
            if lv not in {r.level for r in out if r.kind == "public-warehouse"}:
                out.append(Requirement("public-warehouse", scope="warehouse", text=m.group(0), level=lv))
    for pat in _patterns("new-recognition"):
        found = pat.search(c.text)
        if found:
            out.append(Requirement("new-recognition", scope=_map("facility-scope")[found["what"]],
                                   text=found.group(0)))
    for pat in _patterns("first-year"):
        found = pat.search(c.text)
        if found:
            out.append(Requirement("first-year", scope="enterprise", text=found.group(0)))
    for pat in _patterns("reporting"):
        found = pat.search(c.text)
        if found:
            out.append(Requirement("reporting", scope="enterprise", text=found.group(0)))
            break
    for t in c.thresholds:
        if t.metric == "turnover" and t.scope == "site":
            out.append(Requirement("own-turnover", t.op, t.value, t.unit, "site", span=t.span, text=t.text))
        if t.metric == "operating-time" and t.unit in ("year", "month"):
            years = t.value if t.unit == "year" else t.value / _MONTHS_PER_YEAR
            out.append(Requirement("operating-time", t.op, plain(years), "year", t.scope, span=t.span,
                                   text=t.text))
    return out


def _scope(t: Threshold, c: Clause) -> str:
    i = c.text.find(t.text) if t.text else -1
    before = c.text[max(0, i - 16):i] if i >= 0 else ""
    if t.metric == "turnover" and any(p in before for p in _phrases("own-turnover")):
        return "site"
    if t.metric in MONEY_METRICS:
        after = c.text[i:i + 80] if i >= 0 else ""
        return "store" if re.match(r"[^。；]*?的店铺", after) else "enterprise"
    facilities = _map("facility-scope")
    hits = [(c.text.rfind(w, 0, max(i, 0)), slug) for w, slug in facilities.items()]
    hits = [h for h in hits if h[0] >= 0]
    return max(hits)[1] if hits else "beneficiary"


def _entity(basis: str | None) -> bool:
    return basis in set(_phrases("entity-basis"))


def _limit_for(c: Clause, unit: str | None) -> CountLimit | None:
    return next((x for x in c.count_limits if x.unit == unit and _entity(x.per)), None)


def max_per_enterprise(c: Clause) -> tuple[Decimal | None, str]:
    """The most one enterprise can get in a year under the clause, and how (None: unbounded)."""
    if c.instrument in (None, "case-by-case", "reference", "unspecified"):
        return None, f"no bound: {c.instrument or 'no instrument'}"
    money = [a for a in c.amounts if a.role in ("cap", "award")]
    ent_caps = [a for a in money if a.role == "cap" and _entity(a.basis)]
    bound: Decimal | None = None
    how = ""
    # what one unit (or the enterprise itself) can get: a fixed award, a ceiling, or the tiers' highest
    base = [a for a in money if a.role == "award"] or ([a for a in money if a.role == "cap"]
                                                         if c.instrument == "ceiling" else [])
    if c.tiers and c.instrument in ("tiered", "fixed", "ceiling"):
        top = max(c.tiers, key=lambda t: t.amount.value).amount
        bound, how = top.value, f"highest tier {plain(top.value)}"
    elif c.instrument in ("fixed", "ceiling") and base:
        unit_amounts = [a for a in base if not _entity(a.basis)]
        if unit_amounts:
            a = max(unit_amounts, key=lambda x: x.value)
            lim = _limit_for(c, a.basis)
            if lim is not None:
                bound, how = a.value * lim.count, f"{plain(a.value)} per {a.basis} × at most {lim.count}"
        else:
            a = max(base, key=lambda x: x.value)
            bound, how = a.value, f"{plain(a.value)} per {a.basis}"
    elif c.instrument == "proportional":
        unit_caps = [a for a in c.amounts if a.role == "cap" and not _entity(a.basis)]
        for a in unit_caps:
            lim = _limit_for(c, a.basis)
            if lim is not None:
                bound, how = a.value * lim.count, f"cap {plain(a.value)} per {a.basis} × at most {lim.count}"
    if ent_caps:
        qualified = [a for a in ent_caps if a.qualifier]
        cap = max(qualified, key=lambda x: x.value) if qualified and len(qualified) == len(ent_caps) \
            else min((a for a in ent_caps if not a.qualifier), key=lambda x: x.value)
        if bound is None or cap.value < bound:
            bound, how = cap.value, f"cap {plain(cap.value)} per {cap.basis}"
    if bound is None:
        return None, "no bound per enterprise in the text"
    extra = [b for b in c.amounts if b.role == "bonus"]
    if extra:
        top = max(extra, key=lambda b: b.value)
        bound += top.value
        how += f" + bonus {plain(top.value)}"
    return plain(bound), how


def _ceiling_only(c: Clause) -> bool:
    if c.rates or any(a.role in ("award", "per-unit") for a in c.amounts):
        return False
    roles = {a.role for a in c.amounts if a.role in ("cap",)} | {t.amount.role for t in c.tiers}
    return roles == {"cap"}


def apply_clause(c: Clause) -> None:
    """Set the payout model of one clause (an incentive; others are left as they are)."""
    if c.kind != "incentive":
        return
    for a in c.amounts:
        if a.role == "cap" and _is_pool(a, c):
            a.role = "pool"
            a.per = a.per or "all-enterprises"
    for t in c.thresholds:
        t.scope = _scope(t, c)
    if c.instrument == "fixed" and _ceiling_only(c):
        c.instrument = "ceiling"
    c.ceiling_only = c.instrument == "ceiling" or (c.instrument == "tiered" and _ceiling_only(c))
    for a in c.amounts + [t.amount for t in c.tiers]:
        a.basis = _amount_basis(a, c)
        a.period = _amount_period(a, c)
    c.count_limits = count_limits(c)
    c.requirements = requirements(c)
    c.max_per_enterprise_cny, c.max_basis = max_per_enterprise(c)


def apply(doc: Document) -> Document:
    """The payout model of every clause of `doc` (in place; returns `doc`)."""
    for c in doc.clauses:
        apply_clause(c)
    return doc
