"""Supplier contracts of the contract repository, read and checked without Odoo.

The eProcurement platform's contract repository publishes a contract as JSON::

    {"contract_id": "CTR-2026-017", "reference": "MedDistrib framework 2026",
     "supplier": {"code": "MD-001", "vat": "BE0477472701"},
     "date_start": "2026-01-01", "date_end": "2026-12-31", "currency": "EUR",
     "lines": [{"item": "100234", "gtin": "2000000000015",
                "quantity": 5000, "uom": "BX", "unit_price": 8.10}]}

The repository owns what it sends: a changed copy replaces the contract's
dates and lines, a second copy changes nothing. A contract whose dates make
no period, or whose period overlaps another contract of the same supplier for
the same item, is refused with the reason (two prices valid on one day would
make the contract price ambiguous).

The contract variance of a bill line compares the billed unit price with the
contract price valid on the order date, with its own tolerance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

try:  # inside Odoo
    from odoo.addons.healthcare_integration_core.lib import document_values
except ImportError:  # database-free use: the core's lib folder is on sys.path
    from lib import document_values  # type: ignore[no-redef]

CONTRACT_VARIANCE = "contract_variance"
OWNED_FIELDS = ("contract_id", "reference", "supplier", "date_start", "date_end")
LINE_FIELDS = ("item", "gtin", "description", "quantity", "uom", "unit_price")
MAX_LINES = 5000


class ContractError(ValueError):
    """A contract that cannot be read; the text says what to fix."""


@dataclass(frozen=True)
class ContractLine:
    item: str
    gtin: str | None
    description: str | None
    quantity: Decimal
    uom: str | None
    unit_price: Decimal


@dataclass(frozen=True)
class Contract:
    ref: str
    reference: str | None
    supplier: dict
    date_start: dt.date
    date_end: dt.date
    currency: str | None
    lines: tuple[ContractLine, ...]
    digest: str

    @property
    def item_codes(self):
        return sorted({line.item for line in self.lines})

    @property
    def uoms(self):
        return sorted({line.uom for line in self.lines if line.uom})


def _text(value, limit=255):
    return document_values.text(value, limit)


def _decimal(value, what):
    return document_values.decimal(value, what, ContractError)


def _date(value, what):
    return document_values.date(value, what, ContractError, required=True)


def content_digest(document: Mapping) -> str:
    """SHA-256 of what the repository owns: equal digests, same contract."""
    lines = document.get("lines") if isinstance(document.get("lines"), list) else []
    owned = {name: document.get(name) for name in OWNED_FIELDS}
    owned["currency"] = document.get("currency")
    owned["lines"] = [
        {name: line.get(name) for name in LINE_FIELDS}
        for line in lines
        if isinstance(line, Mapping)
    ]
    canonical = json.dumps(owned, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_period(date_start, date_end, where="contract"):
    """Refuse a validity that makes no period (the reason in words)."""
    if not date_start or not date_end:
        raise ContractError(f"{where}: a contract needs a start and an end date")
    if date_end < date_start:
        raise ContractError(
            f"{where}: ends on {date_end.isoformat()}, before it starts on "
            f"{date_start.isoformat()}"
        )


def read_contract(document) -> Contract:
    """A contract read and checked; ``ContractError`` names the problem."""
    if not isinstance(document, Mapping):
        raise ContractError("a contract must be a JSON object")
    ref = _text(document.get("contract_id") or document.get("id"))
    if not ref:
        raise ContractError("contract: contract_id is missing")
    where = f"contract {ref}"
    supplier = document.get("supplier")
    if not isinstance(supplier, Mapping) or not any(
        _text(supplier.get(key)) for key in ("code", "vat", "gln")
    ):
        raise ContractError(f"{where}: supplier needs a code, VAT or GLN")
    date_start = _date(document.get("date_start"), f"{where}: date_start")
    date_end = _date(document.get("date_end"), f"{where}: date_end")
    check_period(date_start, date_end, where)
    lines = document.get("lines")
    if not isinstance(lines, list) or not lines:
        raise ContractError(f"{where}: lines must be a non-empty list")
    if len(lines) > MAX_LINES:
        raise ContractError(f"{where}: more than {MAX_LINES} lines")
    read, items = [], set()
    for index, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping):
            raise ContractError(f"{where}: line {index} is not an object")
        read.append(_read_line(line, f"{where}, line {index}"))
        if read[-1].item in items:
            raise ContractError(
                f"{where}: item {read[-1].item} has two prices in one contract"
            )
        items.add(read[-1].item)
    return Contract(
        ref=ref,
        reference=_text(document.get("reference")),
        supplier={key: _text(supplier.get(key)) for key in ("code", "vat", "gln")},
        date_start=date_start,
        date_end=date_end,
        currency=_text(document.get("currency"), 3),
        lines=tuple(read),
        digest=content_digest(document),
    )


def _read_line(line, label):
    item = _text(line.get("item"))
    if not item:
        raise ContractError(f"{label}: item is missing")
    price = _decimal(line.get("unit_price"), f"{label}: unit_price")
    if price <= 0:
        raise ContractError(f"{label}: unit_price must be positive")
    quantity = _decimal(line.get("quantity"), f"{label}: quantity")
    if quantity <= 0:
        raise ContractError(f"{label}: quantity must be positive")
    return ContractLine(
        item=item,
        gtin=_text(line.get("gtin")),
        description=_text(line.get("description"), 2000),
        quantity=quantity,
        uom=_text(line.get("uom")),
        unit_price=price,
    )


def describe_tolerance(percent, amount):
    """The contract tolerance in words, as a bill shows it::

    >>> describe_tolerance(Decimal("1"), None)
    'Contract price: ±1% (no amount limit).'
    """
    if not percent and not amount:
        return "Contract price: must equal the contract's."
    parts = [f"±{_fmt(percent)}%"] if percent else []
    if amount is not None:
        parts.append(f"at most {_fmt(amount)} per unit")
        return f"Contract price: {' and '.join(parts)}."
    return f"Contract price: {parts[0]} (no amount limit)."


def variance_reason(reference, invoiced_price, contract_price, contract_name):
    """Why a bill line fails against its contract, in words."""
    ratio = (invoiced_price - contract_price) * 100 / contract_price
    return (
        f"Line {reference}: invoiced price {_fmt(invoiced_price)} differs from "
        f"the contract price {_fmt(contract_price)} of {contract_name} "
        f"({_fmt(ratio.quantize(Decimal('0.01')))}%)."
    )


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")
