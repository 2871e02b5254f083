"""Whether a policy document is in force on a date, from its validity (施行 … 有效期至 …).

A document is in force from its effective date (else its issue date) to its expiry, both days
included. A document that states no dates at all is taken as in force, and said so.
"""
from __future__ import annotations

from datetime import date

from ingest.model import Validity


def validity_words(v: Validity) -> str:
    """The validity as a short English phrase.

    >>> validity_words(Validity(effective=date(2022, 8, 25), expiry=date(2022, 12, 31)))
    'valid 2022-08-25 to 2022-12-31'
    >>> validity_words(Validity(issued=date(2024, 4, 10)))
    'valid from 2024-04-10, no end date stated'
    """
    start = v.effective or v.issued
    if start and v.expiry:
        return f"valid {start.isoformat()} to {v.expiry.isoformat()}" + (" (end computed from the stated duration)"
                                                                        if v.expiry_computed else "")
    if start:
        return f"valid from {start.isoformat()}, no end date stated"
    if v.expiry:
        return f"valid until {v.expiry.isoformat()}, no start date stated"
    return "no validity dates stated"


def in_force(v: Validity, on: date) -> bool | None:
    """True or False on `on`; None when the document states no dates.

    >>> v = Validity(effective=date(2025, 1, 1), expiry=date(2027, 12, 31))
    >>> in_force(v, date(2024, 12, 31)), in_force(v, date(2025, 1, 1)), in_force(v, date(2027, 12, 31)), in_force(v, date(2028, 1, 1))
    (False, True, True, False)
    >>> in_force(Validity(), date(2025, 1, 1)) is None
    True
    """
    start = v.effective or v.issued
    if start is None and v.expiry is None:
        return None
    return (start is None or start <= on) and (v.expiry is None or on <= v.expiry)
