"""Every corpus document in every dress real texts arrive in (tests/variants.py: a PDF-to-text single
line with page markers, half-width punctuation, full-width digits, traditional characters, a portal
page with its chrome, Word, a PDF printed by Chromium, GBK, UTF-16 with a BOM, CRLF with a BOM, a
WeChat repost) gives all the hand-read facts of tests/facts/ with the same roles, and the same
document metadata (city, number, title, validity), as the plain text.

The variants are built once per session into a temporary folder; each test is one variant of one
city, so a failure names both, and lists every fact it missed. `python -m tests.variants` prints
the whole matrix.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.factcheck import load_spec, score_file
from tests.variants import FACTS, VARIANTS, make_variant


@pytest.fixture(scope="session")
def variant_files(tmp_path_factory):
    """variant_files(variant, spec_path): the variant's file, made on first use, once per session."""
    root = tmp_path_factory.mktemp("variants")
    made: dict[tuple[str, Path], Path] = {}

    def get(variant: str, spec_path: Path) -> Path:
        if (variant, spec_path) not in made:
            made[variant, spec_path] = make_variant(variant, spec_path, root)
        return made[variant, spec_path]
    return get


def test_the_matrix_is_full():
    assert len(FACTS) == 5, "expected the hand-read facts of the five corpus documents in tests/facts/"
    assert len(VARIANTS) == 11


@pytest.mark.parametrize("spec_path", FACTS, ids=[p.stem for p in FACTS])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variant_gives_the_hand_read_facts(variant_files, variant, spec_path, record_property):
    spec = load_spec(spec_path)
    path = variant_files(variant, spec_path)
    result = score_file(path, spec, path.parent, name=f"{variant}/{path.name}")
    record_property("figure", result.line())
    if result.refused:
        pytest.fail(f"{variant} of {spec_path.stem} refused: {result.refused}", pytrace=False)
    if result.city != spec["document"]["city"]:
        pytest.fail(f"{variant} of {spec_path.stem}: city {result.city!r}, expected "
                    f"{spec['document']['city']!r}", pytrace=False)
    if result.matched != result.total:
        misses = "\n  ".join(result.misses)
        pytest.fail(f"{variant} of {spec_path.stem}: {result.matched}/{result.total} facts; missed:\n  {misses}",
                    pytrace=False)
