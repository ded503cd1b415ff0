"""Period figures of capital equipment for finance: per cost centre, and deltas.

Plain Python, no Odoo. Figures are ``{cost centre: {measure: amount}}``; the
month-end run computes them from OCA's asset records, keeps what it sent, and
sends only the difference when a closed period is run again.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MEASURES = (
    "capitalized",
    "capitalized_count",
    "depreciation",
    "disposed_book_value",
    "disposal_proceeds",
)
UNALLOCATED = "UNALLOCATED"
PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_of(day):
    """The ``YYYY-MM`` period of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def period_bounds(period):
    """(first day, last day) of a ``YYYY-MM`` period; ValueError if malformed."""
    match = PERIOD_RE.match(period or "")
    if not match:
        raise ValueError(f"{period!r} is not a period (YYYY-MM)")
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def previous_period(today):
    """The period before the one ``today`` falls in."""
    year, month = (
        (today.year, today.month - 1)
        if today.month > 1
        else (
            today.year - 1,
            12,
        )
    )
    return f"{year:04d}-{month:02d}"


def split(amount, distribution, digits=2):
    """``amount`` spread over ``{cost centre: percentage}``; the rest unallocated.

    Shares are rounded to ``digits``; the rounding difference goes to the
    largest share, so that the shares always add up to ``amount``.
    """
    shares = {}
    allocated = 0.0
    for centre, percentage in (distribution or {}).items():
        if not percentage:
            continue
        share = round(amount * float(percentage) / 100.0, digits)
        shares[centre] = shares.get(centre, 0.0) + share
        allocated += float(percentage)
    if allocated < 100.0 - 1e-9:
        rest = round(amount * (100.0 - allocated) / 100.0, digits)
        shares[UNALLOCATED] = shares.get(UNALLOCATED, 0.0) + rest
    if not shares:
        return {UNALLOCATED: round(amount, digits)}
    difference = round(amount - sum(shares.values()), digits)
    if difference:
        largest = max(shares, key=lambda centre: abs(shares[centre]))
        shares[largest] = round(shares[largest] + difference, digits)
    return shares


def add(figures, centre, measure, value):
    """Add ``value`` to one measure of one cost centre (in place)."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    row = figures.setdefault(centre, dict.fromkeys(MEASURES, 0.0))
    row[measure] = row[measure] + value
    return figures


def rounded(figures, digits=2):
    """The figures with every amount rounded (counts stay whole)."""
    return {
        centre: {
            measure: round(
                row.get(measure, 0.0), 0 if measure.endswith("_count") else digits
            )
            for measure in MEASURES
        }
        for centre, row in figures.items()
    }


def delta(sent, current, digits=2):
    """What must be sent so that ``sent`` plus it equals ``current``.

    Cost centres and measures that did not change are left out; an empty
    result means there is nothing new to send.
    """
    changes = {}
    for centre in sorted(set(sent) | set(current)):
        before = sent.get(centre, {})
        after = current.get(centre, {})
        row = {}
        for measure in MEASURES:
            diff = round(after.get(measure, 0.0) - before.get(measure, 0.0), digits)
            if diff:
                row[measure] = diff
        if row:
            changes[centre] = {measure: row.get(measure, 0.0) for measure in MEASURES}
    return changes


def pages(header, figures, page_size=200):
    """Payloads of a push: ``header`` plus up to ``page_size`` cost centres each."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    rows = [{"cost_centre": centre, **figures[centre]} for centre in sorted(figures)]
    chunks = [rows[i : i + page_size] for i in range(0, len(rows), page_size)] or [[]]
    return [
        {
            **header,
            "page": number,
            "pages": len(chunks),
            "cost_centres": chunk,
            "totals": totals(chunk),
        }
        for number, chunk in enumerate(chunks, start=1)
    ]


def totals(rows):
    """The sum of each measure over rows of a page."""
    return {
        measure: round(sum(row.get(measure, 0.0) for row in rows), 2)
        for measure in MEASURES
    }


def main_cost_centre(distribution):
    """The cost centre with the largest share of an analytic distribution.

    Keys of an Odoo analytic distribution are account ids, or comma-separated
    ids when several analytic plans are combined; the first id is taken.
    """
    best, best_share = None, 0.0
    for key, share in (distribution or {}).items():
        first = str(key).split(",")[0].strip()
        if first.isdigit() and float(share or 0) > best_share:
            best, best_share = int(first), float(share)
    return best
