"""Catalog and contract price lines: reading them from JSON items or CSV files.

A price line is one vendor price of one item: the supplier's item code (and
GTIN when known), the price in a currency for a minimum quantity, expressed
in the supplier's unit, valid between two dates. ``read_line`` turns one JSON
item or CSV row into a ``PriceLine`` or raises ``LineError`` naming the field;
``iter_csv_pages`` streams a CSV file page by page so that a file of a million
lines is never held whole as Python objects::

    >>> line = read_line({"item": "NBG-4402M", "price": "8.75", "uom": "BX"})
    >>> line.item_code, line.price, line.key
    ('NBG-4402M', Decimal('8.75'), 'NBG-4402M|1|BX|')

CSV columns (header row, any order, unknown columns ignored): ``id``, ``item``,
``gtin``, ``description``, ``price``, ``currency``, ``min_qty``, ``uom``,
``valid_from``, ``valid_to``, ``lead_time_days``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_CODE = 128
COLUMNS = (
    "id",
    "item",
    "gtin",
    "description",
    "price",
    "currency",
    "min_qty",
    "uom",
    "valid_from",
    "valid_to",
    "lead_time_days",
)


class LineError(ValueError):
    """A price line that cannot be read; ``field`` names the culprit."""

    def __init__(self, reason: str, field: str | None = None):
        super().__init__(reason)
        self.field = field


@dataclass(frozen=True, slots=True)
class PriceLine:
    key: str
    item_code: str
    gtin: str | None
    description: str | None
    price: Decimal
    currency: str | None
    min_qty: Decimal
    uom: str | None
    date_start: dt.date | None
    date_end: dt.date | None
    lead_time_days: int | None


def _text(item: Mapping, name: str) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    value = str(value).strip()
    if len(value) > MAX_CODE and name != "description":
        raise LineError(f"{name} is longer than {MAX_CODE} characters", name)
    return value or None


def _decimal(item: Mapping, name: str, default: Decimal | None = None) -> Decimal:
    value = item.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise LineError(f"{name} is missing", name)
        return default
    if isinstance(value, bool):
        raise LineError(f"{name} is not a number", name)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise LineError(f"{name} {value!r} is not a number", name) from None
    if not number.is_finite() or number < 0:
        raise LineError(f"{name} {value!r} is not a positive number", name)
    return number


def _date(item: Mapping, name: str) -> dt.date | None:
    value = _text(item, name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise LineError(f"{name} {value!r} is not a date YYYY-MM-DD", name) from None


def line_key(item_code, min_qty, uom, date_start) -> str:
    """The identity of a price line for its supplier, when it carries no id."""
    return "|".join(
        (
            item_code,
            format(min_qty.normalize(), "f"),
            uom or "",
            date_start.isoformat() if date_start else "",
        )
    )


def read_line(item: Mapping) -> PriceLine:
    """One JSON item or CSV row as a ``PriceLine``; raises ``LineError``."""
    if not isinstance(item, Mapping):
        raise LineError("a price line must be an object")
    item_code = _text(item, "item") or _text(item, "gtin")
    if not item_code:
        raise LineError("item (or gtin) is missing", "item")
    price = _decimal(item, "price")
    min_qty = _decimal(item, "min_qty", Decimal(1))
    uom = _text(item, "uom")
    date_start = _date(item, "valid_from")
    date_end = _date(item, "valid_to")
    if date_start and date_end and date_end < date_start:
        raise LineError("valid_to is before valid_from", "valid_to")
    lead = item.get("lead_time_days")
    try:
        lead_time = int(lead) if lead not in (None, "") else None
    except (TypeError, ValueError):
        raise LineError(f"lead_time_days {lead!r} is not a number", "lead") from None
    return PriceLine(
        key=_text(item, "id") or line_key(item_code, min_qty, uom, date_start),
        item_code=item_code,
        gtin=_text(item, "gtin"),
        description=(_text(item, "description") or "")[:256] or None,
        price=price,
        currency=(_text(item, "currency") or "").upper() or None,
        min_qty=min_qty,
        uom=uom,
        date_start=date_start,
        date_end=date_end,
        lead_time_days=lead_time,
    )


def read_lines(items: Iterable[Mapping]):
    """([PriceLine], [(item reference, LineError)]) of a page of items."""
    lines, errors = [], []
    for number, item in enumerate(items, 1):
        try:
            lines.append(read_line(item))
        except LineError as exc:
            reference = item.get("item") if isinstance(item, Mapping) else None
            errors.append((str(reference or f"#{number}"), exc))
    return lines, errors


def iter_csv_pages(data, page_size: int = 1000) -> Iterator[list[dict]]:
    """Pages of CSV rows (dicts by header) from bytes or a binary stream.

    The file is decoded as UTF-8 (a BOM is skipped) as it is read, so memory
    holds one page of rows at a time.
    """
    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    text = codecs.getreader("utf-8-sig")(stream, errors="strict")
    reader = csv.DictReader(text)
    if reader.fieldnames is None:
        return
    page: list[dict] = []
    for row in reader:
        page.append(row)
        if len(page) >= page_size:
            yield page
            page = []
    if page:
        yield page


def price_change_percent(old: Decimal, new: Decimal) -> Decimal | None:
    """Change of a price in percent of the old one (None when the old is 0)."""
    if not old:
        return None
    return abs(new - old) * 100 / old
