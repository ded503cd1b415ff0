"""Requisitions of the eProcurement platform, read and compared without Odoo.

The platform sends a requisition as JSON::

    {"requisition_id": "REQ-2026-0042", "requester": "nurse.lee@riverside.example",
     "cost_centre": "CC-4100", "description": "Ward 4 restock",
     "date_required": "2026-12-20",
     "lines": [{"line": 1, "item": "T100234", "gtin": "2000000000015",
                "description": "Nitrile gloves M", "quantity": 20, "uom": "BX",
                "unit_price": 8.75}]}

The platform owns what it sends; Odoo owns the approval decisions. The
platform may echo back what Odoo told it (``status``, ``approvals``,
``purchase_orders``, its own ``updated_at``): those fields are not part of
the requisition's content, so an echo never changes the requisition and never
triggers another status message (no circular updates).
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

# what the platform owns, and so what a second copy is compared on
HEADER_FIELDS = (
    "requisition_id",
    "requester",
    "cost_centre",
    "description",
    "date_required",
)
LINE_FIELDS = (
    "line",
    "item",
    "gtin",
    "description",
    "quantity",
    "uom",
    "unit_price",
    "date_required",
)
MAX_LINES = 1000

# Odoo's state of a requisition, as the platform's status
PENDING = "pending_approval"
APPROVED = "approved"
REJECTED = "rejected"
ORDERED = "ordered"
# ordered on the platform, but no order made from it may be placed yet in
# Odoo: the document's "hold" says why (budget control: over budget until a
# budget holder approves it); "ordered" once one is released
HELD = "held"
DONE = "done"
CANCELLED = "cancelled"


class RequisitionError(ValueError):
    """A requisition that cannot be read; the text says what to fix."""


@dataclass(frozen=True)
class RequisitionLine:
    number: int
    item: str
    gtin: str | None
    description: str | None
    quantity: Decimal
    uom: str | None
    unit_price: Decimal
    date_required: dt.date | None


@dataclass(frozen=True)
class Requisition:
    ref: str
    requester: str
    cost_centre: str
    description: str | None
    date_required: dt.date | None
    lines: tuple[RequisitionLine, ...]
    digest: str

    @property
    def item_codes(self):
        return sorted({line.item for line in self.lines})

    @property
    def uoms(self):
        return sorted({line.uom for line in self.lines if line.uom})


def _required(document, name, where):
    value = _text(document.get(name))
    if not value:
        raise RequisitionError(f"{where}: {name} is missing")
    return value


def _text(value, limit=255):
    return document_values.text(value, limit)


def _decimal(value, what):
    return document_values.decimal(value, what, RequisitionError)


def _date(value, what):
    return document_values.date(value, what, RequisitionError, required=False)


def content_digest(document: Mapping) -> str:
    """SHA-256 of the fields the platform owns, in a canonical form.

    Two copies of a requisition with the same digest are the same
    requisition, whatever else (status echoed back, timestamps) differs.
    """
    lines = document.get("lines") if isinstance(document.get("lines"), list) else []
    owned = {name: document.get(name) for name in HEADER_FIELDS}
    owned["lines"] = [
        {name: line.get(name) for name in LINE_FIELDS}
        for line in lines
        if isinstance(line, Mapping)
    ]
    canonical = json.dumps(owned, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_requisition(document) -> Requisition:
    """A requisition read and checked; ``RequisitionError`` names the problem."""
    if not isinstance(document, Mapping):
        raise RequisitionError("a requisition must be a JSON object")
    ref = _required(document, "requisition_id", "requisition")
    where = f"requisition {ref}"
    lines = document.get("lines")
    if not isinstance(lines, list) or not lines:
        raise RequisitionError(f"{where}: lines must be a non-empty list")
    if len(lines) > MAX_LINES:
        raise RequisitionError(f"{where}: more than {MAX_LINES} lines")
    read, numbers = [], set()
    for index, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping):
            raise RequisitionError(f"{where}: line {index} is not an object")
        read.append(_read_line(line, index, where))
        if read[-1].number in numbers:
            raise RequisitionError(f"{where}: line {read[-1].number} appears twice")
        numbers.add(read[-1].number)
    return Requisition(
        ref=ref,
        requester=_required(document, "requester", where),
        cost_centre=_required(document, "cost_centre", where),
        description=_text(document.get("description"), 2000),
        date_required=_date(document.get("date_required"), f"{where}: date_required"),
        lines=tuple(read),
        digest=content_digest(document),
    )


def _read_line(line, index, where):
    try:
        number = int(str(line.get("line", index)).strip())
    except ValueError:
        raise RequisitionError(
            f"{where}: line {index}: line must be a number"
        ) from None
    label = f"{where}, line {number}"
    quantity = _decimal(line.get("quantity"), f"{label}: quantity")
    if quantity <= 0:
        raise RequisitionError(f"{label}: quantity must be positive")
    price = _decimal(line.get("unit_price", 0) or 0, f"{label}: unit_price")
    if price < 0:
        raise RequisitionError(f"{label}: unit_price cannot be negative")
    return RequisitionLine(
        number=number,
        item=_required(line, "item", label),
        gtin=_text(line.get("gtin")),
        description=_text(line.get("description"), 2000),
        quantity=quantity,
        uom=_text(line.get("uom")),
        unit_price=price,
        date_required=_date(line.get("date_required"), f"{label}: date_required"),
    )


def platform_status(state, validation_status):
    """The platform's status of a requisition in Odoo's ``state``.

    ``validation_status`` is the tier validation's (OCA base_tier_validation):
    a draft under review is pending, a draft whose review was rejected is
    rejected.
    """
    if state == "draft":
        return REJECTED if validation_status == "rejected" else PENDING
    return {
        "to_approve": PENDING,
        "approved": APPROVED,
        "in_progress": ORDERED,
        "done": DONE,
        "rejected": REJECTED,
    }.get(state, PENDING)


def status_key(ref, document):
    """The once-only key of a status message: the same status is sent once."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return f"{ref}/status/{hashlib.sha256(canonical.encode()).hexdigest()[:16]}"
