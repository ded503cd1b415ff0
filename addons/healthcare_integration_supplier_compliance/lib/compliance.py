"""Supplier compliance documents: validity, overlaps and what blocks an order.

A document is valid from ``valid_from`` to ``valid_until`` included (either
open). Two documents of one type for one supplier may not cover the same day:
a renewal starts after the document it renews ends. A supplier may be ordered
from when each mandatory type has a document valid on the order's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"


@dataclass(frozen=True)
class Period:
    valid_from: dt.date | None
    valid_until: dt.date | None

    def contains(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def overlaps(self, other: Period) -> bool:
        low = max(self.valid_from or dt.date.min, other.valid_from or dt.date.min)
        high = min(self.valid_until or dt.date.max, other.valid_until or dt.date.max)
        return low <= high


def date_problem(valid_from, valid_until, issued_on=None) -> str | None:
    """Why the dates of a document are inconsistent, or None."""
    if valid_from and valid_until and valid_until < valid_from:
        return f"valid until {valid_until} is before valid from {valid_from}"
    if issued_on and valid_until and valid_until < issued_on:
        return f"valid until {valid_until} is before its issue date {issued_on}"
    return None


def state_on(period: Period, day: dt.date, reminder_days: int) -> str:
    """valid, expiring (within ``reminder_days``), expired or not yet valid."""
    if period.valid_from and day < period.valid_from:
        return NOT_YET_VALID
    if period.valid_until and day > period.valid_until:
        return EXPIRED
    if period.valid_until and (period.valid_until - day).days <= reminder_days:
        return EXPIRING
    return VALID


def missing_types(
    mandatory: Iterable[str], documents: Iterable[tuple[str, Period]], day: dt.date
) -> list[str]:
    """The mandatory types with no document valid on ``day``, in order."""
    covered = {kind for kind, period in documents if period.contains(day)}
    return [kind for kind in mandatory if kind not in covered]
