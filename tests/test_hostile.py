"""Property tests: the number parser is exact, and mutated copies of the five documents never end
in a traceback (a Document or one PolicyKGError, nothing else). Fixed budgets keep CI time bounded."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.figures import add_duration, find_money, find_percents, plain
from ingest.normalize import CONTEXT_PUNCT, fold, fold_char, looks_traditional, normalize
from ingest.pipeline import ingest_text
from policykg.errors import PolicyKGError
from tests.conftest import CORPUS

DOCS = {p.name: p.read_text("utf-8") for p in sorted(CORPUS.glob("*.txt"))}
BUDGET = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)


@BUDGET
@given(amounts, st.sampled_from(["", "万", "亿"]), st.sampled_from(["元", "美元"]))
def test_money_is_scaled_exactly(value, mag, cur):
    text = f"给予{value}{mag}{cur}补助"
    found = find_money(text)
    scale = {"": 1, "万": 10_000, "亿": 100_000_000}[mag]
    assert len(found) == 1
    assert found[0].value == plain(value * scale)
    assert found[0].currency == ("USD" if cur == "美元" else "CNY")


@BUDGET
@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("100"), places=1))
def test_percentages_are_exact(value):
    assert [v for v, _, _ in find_percents(f"按费用的{value}%给予补助")] == [plain(value)]


@BUDGET
@given(st.text(alphabet="０１２３４５６７８９ＡＢ（）：；．％一二三", max_size=30))
def test_fold_is_idempotent_and_keeps_length(text):
    assert fold(fold(text)) == fold(text)
    assert len(fold(text)) == len(text)


@BUDGET
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 10))
def test_a_period_of_n_years_ends_the_day_before_the_anniversary(start, years):
    end = add_duration(start, years=years)
    if (start.month, start.day) == (2, 29):
        anniversary = date(start.year + years, 3, 1) if _leap(start.year + years) is False else \
            date(start.year + years, 2, 29)
        assert end == anniversary - timedelta(days=1) or end == date(start.year + years, 2, 28)
    else:
        assert end + timedelta(days=1) == date(start.year + years, start.month, start.day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@BUDGET
@given(st.text(max_size=400))
def test_normalised_offsets_point_at_original_characters(text):
    n = normalize(text)
    assert len(n.offsets) == len(n.text)
    traditional = looks_traditional(text)
    for i, ch in enumerate(n.text):
        if ch not in "\n ":
            orig = text[n.offsets[i]]
            assert ch in (fold_char(orig, traditional), CONTEXT_PUNCT.get(orig))


@st.composite
def mutated_document(draw):
    name = draw(st.sampled_from(sorted(DOCS)))
    text = DOCS[name]
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "truncate", "swap"]))
        i = draw(st.integers(0, max(0, len(text) - 1)))
        j = min(len(text), i + draw(st.integers(0, 400)))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "insert":
            text = text[:i] + draw(st.text(alphabet="一、（）1.。；，%万元美元第条附件\n \x00\ufeff", max_size=40)) + text[i:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "truncate":
            text = text[:i]
        else:
            k = min(len(text), j + draw(st.integers(0, 200)))
            text = text[:i] + text[j:k] + text[i:j] + text[k:]
    return name, text


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_document())
def test_mutated_documents_never_crash(case):
    name, text = case
    try:
        doc = ingest_text(text, name, "mutated")
    except PolicyKGError as exc:
        assert str(exc).startswith(name), str(exc)
        return
    for c in doc.clauses:
        assert 0 <= c.span.start < c.span.end <= len(text)
