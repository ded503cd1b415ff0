"""Conversions between X12 text and Python values.

``decode`` turns received bytes into text without ever failing: X12's basic
and extended character sets fit in UTF-8, and Latin-1 reads any byte.

Dates are ``CCYYMMDD`` (``YYMMDD`` in ISA09 and some 004010 elements), times
``HHMM[SS[d[d]]]``, ``R`` elements explicit decimals ("12.50") and ``N2``
elements implied decimals ("12345" is 123.45). The parsers raise ``ValueError``;
the callers turn it into an ``X12Error`` that names the segment.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_IMPLIED_RE = re.compile(r"[+-]?[0-9]+")
# X12 numbers have at most 18 digits: longer text is refused, not converted
_MAX_DIGITS = 30


def decode(data: bytes | bytearray | memoryview | str) -> str:
    """UTF-8 when the data is valid UTF-8, else Latin-1 (which never fails)."""
    if isinstance(data, str):
        return data
    raw = bytes(data)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def is_digits(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts other scripts' digits."""
    return value.isascii() and value.isdigit()


def parse_int(value: str) -> int:
    if not is_digits(value) or len(value) > _MAX_DIGITS:
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def parse_date(value: str) -> dt.date:
    """``CCYYMMDD``, or ``YYMMDD`` read as 20YY."""
    if not is_digits(value) or len(value) not in (6, 8):
        raise ValueError(f"{value!r} is not a date CCYYMMDD")
    if len(value) == 6:
        value = "20" + value
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None


def format_date(value: dt.date, short: bool = False) -> str:
    if short:
        return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def parse_time(value: str) -> dt.time:
    """``HHMM``, ``HHMMSS`` or ``HHMMSS`` followed by decimal seconds."""
    if not is_digits(value) or not 4 <= len(value) <= 8 or len(value) == 5:
        raise ValueError(f"{value!r} is not a time HHMM[SS]")
    fraction = value[6:]
    try:
        return dt.time(
            int(value[:2]),
            int(value[2:4]),
            int(value[4:6] or 0),
            int(fraction.ljust(6, "0")) if fraction else 0,
        )
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day") from None


def format_time(value: dt.time) -> str:
    """Shortest exact form: HHMM, HHMMSS or HHMMSSdd (hundredths)."""
    text = f"{value.hour:02d}{value.minute:02d}"
    if value.second or value.microsecond:
        text += f"{value.second:02d}"
    if value.microsecond:
        text += f"{value.microsecond // 10000:02d}"
    return text


def parse_decimal(value: str) -> Decimal:
    if len(value) > _MAX_DIGITS or not _DECIMAL_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a decimal number")
    return Decimal(value)


def format_decimal(value: Decimal | int | float | str) -> str:
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    text = format(number, "f")
    return text[1:] if text.startswith("-0") and number == 0 else text


def parse_implied(value: str, places: int = 2) -> Decimal:
    """``N2`` elements: "12345" with two implied places is 123.45."""
    if len(value) > _MAX_DIGITS or not _IMPLIED_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a number with implied decimals")
    return Decimal(value).scaleb(-places)


def format_implied(value: Decimal | int | float | str, places: int = 2) -> str:
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    scaled = number.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {places} decimal places")
    return str(int(scaled))
