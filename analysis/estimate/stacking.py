"""Stacking rules between the items of one city: a clause naming the articles it does not combine
with (该条款与第11条、第12条不重复享受), a document's 同一事项…就高不叠加, and a note where two
items are computed on the same profile data with no rule against combining them."""
from __future__ import annotations

import re
from decimal import Decimal

from analysis.estimate.messages import Code, Key, Money, Msg, Term, says
from analysis.estimate.results import Item, Skipped
from ingest.model import Clause, Document


def _data(basis: set[str]) -> list[Key | Term]:
    """The profile data two items share, as parameters: keys, or a recognition by its label."""
    return [Term("recognition", b.split(":", 1)[1]) if b.startswith("recognitions:") else Key(b)
            for b in sorted(basis)]


def _article_number(c: Clause) -> str:
    return c.article_key.split(".")[-1]


def stack(docs: list[Document], items: list[Item], clauses: dict[str, Clause]) -> tuple[list[Item], list[Skipped]]:
    """The items kept and those excluded by a stacking rule (with what they would have paid)."""
    kept = list(items)
    excluded: list[Skipped] = []

    def drop(it: Item, reason: Msg) -> None:
        if it in kept:
            kept.remove(it)
            excluded.append(Skipped(it.clause_id, it.category, reason, it.article, it.source_text, it.most))

    for it in list(kept):
        c = clauses[it.clause_id]
        for rule in c.stacking:
            if rule.kind not in ("no-duplicate", "highest-only") or not rule.excludes_articles or it not in kept:
                continue
            nums = {re.sub(r"\D", "", a) for a in rule.excludes_articles}
            others = [o for o in kept if o is not it and clauses[o.clause_id].doc_id == c.doc_id
                      and _article_number(clauses[o.clause_id]) in nums]
            if not others:
                continue
            other_total = sum((o.most for o in others), Decimal(0))
            names = [Code(o.clause_id) for o in others]
            if it.most >= other_total:
                for o in others:
                    drop(o, Msg("stack.kept_higher", quote=rule.text, kept=Code(c.id), amount=Money(it.most),
                                others=names, other=Money(other_total)))
                it.notes.append(Msg("stack.kept", quote=rule.text, amount=Money(it.most), others=names,
                                    other=Money(other_total)))
            else:
                drop(it, Msg("stack.kept_higher", quote=rule.text, kept=names, amount=Money(other_total),
                             others=[Code(c.id)], other=Money(it.most)))
                for o in others:
                    o.notes.append(Msg("stack.kept", quote=rule.text, amount=Money(other_total), others=[Code(c.id)],
                                       other=Money(it.most)))

    for d in docs:
        rules = [s for s in d.stacking if s.kind in ("highest-only", "no-duplicate")
                 and says(s.text, "same_matter")]
        if not rules:
            continue
        rule = sorted(rules, key=lambda s: "同一" not in s.text)[0]  # the one about the same matter or data
        in_doc = [it for it in kept if clauses[it.clause_id].doc_id == d.id]
        for it in sorted(in_doc, key=lambda x: -x.most):
            if it not in kept:
                continue
            for o in [o for o in in_doc if o is not it and o in kept and set(o.basis) & set(it.basis)]:
                drop(o, Msg("stack.same_data", quote=rule.text, kept=Code(it.clause_id), amount=Money(it.most),
                            other=Money(o.most), data=_data(set(o.basis) & set(it.basis))))
                it.notes.append(Msg("stack.kept_same_data", quote=rule.text, others=[Code(o.clause_id)],
                                    other=Money(o.most)))

    for it in kept:
        for o in kept:
            if o is not it and set(o.basis) & set(it.basis):
                it.notes.append(Msg("stack.no_rule", others=[Code(o.clause_id)],
                                    data=_data(set(o.basis) & set(it.basis))))
    return kept, excluded
