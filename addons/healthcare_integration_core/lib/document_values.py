"""Values read from a partner's JSON document, each refused with the
caller's own error naming what to fix (never a traceback)::

    quantity = document_values.decimal(line.get("qty"), "line 2: qty", MyError)
    start = document_values.date(document.get("start"), "start", MyError)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation


def text(value, limit=255):
    """A stripped string of at most ``limit`` characters; None for nothing,
    or for a value that is not a scalar."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value).strip()[:limit] or None


def decimal(value, what, error=ValueError):
    """A finite ``Decimal``; ``error`` when missing or not a number."""
    if value is None or value == "":
        raise error(f"{what} is missing")
    if isinstance(value, bool):  # JSON's true is no quantity (Decimal(True) is 1)
        raise error(f"{what}: {value!r} is not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise error(f"{what}: {value!r} is not a number") from None
    if not number.is_finite():
        raise error(f"{what}: {value!r} is not a number")
    return number


def date(value, what, error=ValueError, required=True):
    """A ``date`` from ``YYYY-MM-DD`` (a time after it is ignored) or a
    ``date``; a missing one is ``error`` when ``required``, else None."""
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        if required:
            raise error(f"{what} is missing")
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise error(f"{what}: {value!r} is not a date YYYY-MM-DD") from None
