"""Conversions between X12 text and Python values.

``decode`` turns received bytes into text without ever failing: X12's basic
and extended character sets fit in UTF-8, and Latin-1 reads any byte. A UTF-8
byte-order mark (written by several EDI tools) is dropped, and data whose ISA
is in EBCDIC (mainframe partners) is read with the code page its delimiters
point to (cp037, US, or cp500, international).

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


_BOM = "\ufeff"
# "ISA" in both EBCDIC code pages, after optional EBCDIC blanks/line breaks
_EBCDIC_ISA_RE = re.compile(rb"[\x40\x05\x15\x25\x0d]*\xc9\xe2\xc1")
EBCDIC_CODE_PAGES = ("cp037", "cp500")
# delimiters partners use; cp037 and cp500 differ on ^ | ! [ ]
_USUAL_DELIMITERS = frozenset("*|^:>~{}!+\\`<")
# YYMMDD: 00-49 are 2000-2049, 50-99 are 1950-1999 (the usual X12 window)
CENTURY_PIVOT = 50


def decode(data: bytes | bytearray | memoryview | str) -> str:
    """UTF-8 when the data is valid UTF-8, else Latin-1 (which never fails);
    EBCDIC when the ISA is; without a leading byte-order mark."""
    return decode_with_encoding(data)[0]


def decode_with_encoding(
    data: bytes | bytearray | memoryview | str,
) -> tuple[str, str | None]:
    """The text of ``data`` and the encoding it was read with (None for str),
    to write answers in the partner's encoding."""
    if isinstance(data, str):
        return data.removeprefix(_BOM), None
    raw = bytes(data)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if _EBCDIC_ISA_RE.match(raw):
        code_page = ebcdic_code_page(raw)
        return raw.decode(code_page), code_page
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def ebcdic_code_page(raw: bytes) -> str:
    """cp037 or cp500: the one that reads more of the ISA's delimiters (ISA03
    separator, ISA11, ISA16 and the terminator) as usual X12 delimiters."""
    start = _EBCDIC_ISA_RE.match(raw).end() - 3
    head = raw[start : start + 108]

    def score(code_page: str) -> int:
        text = head.decode(code_page)
        picked = (text[3:4], text[82:83], text[104:105], text[105:106])
        return sum(1 for char in picked if char in _USUAL_DELIMITERS)

    return max(EBCDIC_CODE_PAGES, key=score)


def is_digits(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts other scripts' digits."""
    return value.isascii() and value.isdigit()


def parse_int(value: str) -> int:
    if not is_digits(value) or len(value) > _MAX_DIGITS:
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def parse_date(value: str) -> dt.date:
    """``CCYYMMDD``, or ``YYMMDD`` in the century window (96 is 1996, 24 2024)."""
    if not is_digits(value) or len(value) not in (6, 8):
        raise ValueError(f"{value!r} is not a date CCYYMMDD")
    if len(value) == 6:
        value = ("19" if int(value[:2]) >= CENTURY_PIVOT else "20") + value
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
