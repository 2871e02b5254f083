"""Independent sites (独立站): a rate of each site's spend, or an award per site, with per-site
thresholds and requirements (newly built, domain held, the site's own turnover), a count limit
per enterprise and caps per site and per enterprise."""
from __future__ import annotations

from decimal import Decimal

from analysis.estimate.messages import Key, Money, Msg, Qty
from analysis.estimate.rules.base import Rule
from analysis.estimate.working import (
    Metric,
    NotComputable,
    NotEligible,
    Working,
    awards,
    caps,
    need,
    segment,
    who,
)


class IndependentSite(Rule):
    """An independent site: a rate of each site's spend or an award per site."""

    name = "independent-site"
    categories = ("independent-site",)
    profile_keys = ("independent_sites", "exports_usd", "exports_cny", "turnover_cny")

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        sites = need(p.independent_sites, "independent_sites")
        if not sites:
            raise NotEligible(Msg("list.none", key=Key("independent_sites")))
        per_site = any(a.per == "site" for a in c.amounts)
        metrics = w.base_metrics()
        limit = next((x for x in c.count_limits if x.unit == "site"), None)
        new_needed = next((r for r in c.requirements if r.kind == "new-build"), None)
        rate = c.rates[0] if c.rates else None
        fixed = awards(c)
        if rate is None and not fixed:
            raise NotComputable(Msg("rule.no_rate_or_award"))
        amounts: list[tuple[Decimal, int, Key]] = []
        failures: list[Msg] = []
        for i, s in enumerate(sites):
            site = who("independent_sites", i)
            m = dict(metrics)
            if s.domain_share_percent is not None:
                m["ownership"] = Metric(s.domain_share_percent, "percent",
                                        Key(f"independent_sites[{i}].domain_share_percent"))
            if per_site:
                m.pop("turnover", None)
                if s.turnover_cny is not None:
                    m["turnover"] = Metric(s.turnover_cny, "CNY", Key(f"independent_sites[{i}].turnover_cny"))
            failed = w.thresholds(m, site)
            if new_needed is not None:
                if s.new is None:
                    raise NotComputable(Msg("key.not_stated_for", key=Key(f"independent_sites[{i}].new"),
                                            quote=new_needed.text or segment(c.text, "新建")))
                if not s.new:
                    failed.append(Msg("site.not_new", who=site))
            if failed:
                failures += failed
                continue
            if rate is not None:
                raw = w.times(rate, Money(s.spend_cny), site, Msg("what.spend", key=Key(f"independent_sites[{i}].spend_cny")))
                for cap in caps(c):
                    if cap.per == "site":
                        raw = w.cap(raw, cap, site)
            else:
                raw = fixed[0].value
                w.lines.append(Msg("calc.award_per", who=site, amount=Money(raw),
                                   quote=segment(c.text, fixed[0].text)))
            w.basis.append(f"independent_sites[{i}]")
            amounts.append((raw, i, site))
        if not amounts:
            raise NotEligible(failures)
        w.notes += failures
        if limit is not None and len(amounts) > limit.count:
            amounts.sort(key=lambda x: (-x[0], x[1]))
            dropped = amounts[limit.count:]
            amounts = amounts[:limit.count]
            w.notes.append(Msg("count.limit", count=Qty(Decimal(limit.count), "site"),
                               quote=limit.text or segment(c.text, str(limit.count)), dropped=[d[2] for d in dropped]))
            w.basis = [f"independent_sites[{a[1]}]" for a in amounts]
        total = sum((a[0] for a in amounts), Decimal(0))
        for cap in caps(c):
            if cap.per in (None, "enterprise"):
                total = w.cap(total, cap, Msg("word.total"))
        return total, "independent-site"
