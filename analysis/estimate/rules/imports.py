"""Imports (进口): an amount per USD imported (or per USD of growth), or a rate of the imports'
value, for the kind of import or the freight route the clause names, cleared at the city's port
or not, with thresholds on the imports and a cap."""
from __future__ import annotations

from decimal import Decimal

from analysis.estimate.messages import Key, Money, Msg, Term, clause_words, says
from analysis.estimate.rules.base import Rule
from analysis.estimate.working import (
    Metric,
    NotComputable,
    NotEligible,
    Working,
    caps,
    need,
    per_unit,
    segment,
)
from analysis.profile import ImportLine
from ingest.model import Clause


class Imports(Rule):
    """An amount per USD imported (or of growth), or a rate of the imports' value."""

    name = "import"
    categories = ("import",)
    profile_keys = ("imports",)

    def matches(self, c: Clause) -> bool:
        return any(a.basis == "usd" for a in per_unit(c)) or any(says(r.base or "", "imports_base") for r in c.rates)

    def chosen(self, c: Clause, lines: list[ImportLine]) -> tuple[list[tuple[int, ImportLine]], Msg]:
        """The import lines the clause pays for: by rail freight (班列, a route), or of the kind it names."""
        if says(c.text, "rail"):
            return [(i, x) for i, x in enumerate(lines) if x.china_europe_rail], Msg("import.by_rail")
        kind = next((k for k, words in clause_words("import_kind").items() if any(x in c.text for x in words)), None)
        if kind is None:
            raise NotComputable(Msg("import.kind_unknown"))
        return [(i, x) for i, x in enumerate(lines) if x.kind == kind], Msg(
            "import.of_kind", kind=Term("import_kind", kind))

    def pay(self, w: Working) -> tuple[Decimal, str | None]:
        c, p = w.c, w.p
        text = c.text
        lines = need(p.imports, "imports")
        chosen, what = self.chosen(c, lines)
        port_needed = False if says(text, "port_not_local") else True if says(text, "port_local") else None
        if port_needed is not None:
            for i, x in chosen:
                if x.local_port is None:
                    raise NotComputable(Msg("key.not_stated", key=Key(f"imports[{i}].local_port")))
            chosen = [(i, x) for i, x in chosen if x.local_port == port_needed]
            what = Msg("import.at_port" if port_needed else "import.not_at_port", what=what)
        if not chosen:
            raise NotEligible(Msg("import.none", what=what))
        usd = sum((x.usd for _, x in chosen), Decimal(0))
        m = w.base_metrics()
        m["imports"] = Metric(usd, "USD", Key(f"imports[{chosen[0][0]}].usd"))
        failed = w.thresholds(m)
        if failed:
            raise NotEligible(failed)
        units = per_unit(c)
        if units:
            u = units[0]
            if says(text, "growth"):
                base = Decimal(0)
                for i, x in chosen:
                    base += need(x.increase_usd, f"imports[{i}].increase_usd")
                base_what = Msg("import.growth")
            else:
                base, base_what = usd, Msg("import.imports")
            amount = u.value * base
            w.lines.append(Msg("calc.per_usd", each=Money(u.value), what=base_what, base=Money(base, "USD"),
                               amount=Money(amount), quote=segment(text, u.text)))
        elif c.rates:
            cny = usd * p.usd_cny_rate
            w.rate_used = True
            w.lines.append(Msg("calc.usd_to_cny", value=Money(usd, "USD"), rate=p.usd_cny_rate, cny=Money(cny)))
            amount = w.times(c.rates[0], Money(cny), Msg("word.enterprise"), Msg("import.imports"))
        else:
            raise NotComputable(Msg("rule.no_rate_or_award"))
        for cap in caps(c):
            amount = w.cap(amount, cap)
        w.basis += [f"imports[{i}]" for i, _ in chosen]
        return amount, "import"


