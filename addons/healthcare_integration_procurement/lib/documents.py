"""The procurement documents in one shape, whatever format they came in.

Acknowledgements, ship notices and invoices arrive as JSON, X12 (855, 856,
810) or UBL (OrderResponse, DespatchAdvice; invoices go through Odoo's own
importer). The readers of each format (``x12_documents``, ``ubl_documents``
and the JSON readers below) return the same plain dicts, so that one handler
applies them:

acknowledgement::

    {"po_number": "P00012", "reference": "SO-778201", "date": date | None,
     "lines": [{"line_number": "2", "item_code": "NBS-1010LL", "gtin": None,
                "acks": [{"status": "accepted", "quantity": Decimal("10"),
                          "date": date(2024, 3, 13), "substitute": None},
                         {"status": "backordered", "quantity": Decimal("5"),
                          "date": date(2024, 3, 22), "substitute": None}]}]}

ship notice::

    {"shipment_id": "ASN-1", "date": date | None, "orders": [
        {"po_number": "P00012", "lines": [
            {"line_number": "1", "item_code": "...", "gtin": None,
             "quantity": Decimal("20"), "uom": "BX",
             "lots": [{"lot": "GL24031A", "quantity": Decimal("20"),
                       "expiry": date | None}],
             "serials": ["SN1", ...],
             "instances": [{"serial": "SN1" | None, "lot": "L1" | None,
                            "expiry": date | None,
                            "manufactured": date | None}]}]}]}  (UBL)

invoice::

    {"invoice_number": "INV-1", "date": date, "po_number": "P00012",
     "currency": "USD", "credit_note": False, "supplier": {"vat", "gln", "code"},
     "lines": [{"line_number": "1", "item_code": "...", "gtin": None,
                "description": "...", "quantity": Decimal, "uom": "BX",
                "unit_price": Decimal}]}

Every reader raises ``DocumentError`` with a message a person can act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

try:  # inside Odoo
    from odoo.addons.healthcare_integration_core.lib import document_values
except ImportError:  # database-free use: the core's lib folder is on sys.path
    from lib import document_values  # type: ignore[no-redef]

ACCEPTED = "accepted"
BACKORDERED = "backordered"
CHANGED = "changed"
REJECTED = "rejected"
SUBSTITUTED = "substituted"
ACK_STATUSES = (ACCEPTED, BACKORDERED, CHANGED, REJECTED, SUBSTITUTED)


class DocumentError(ValueError):
    """A document that cannot be read as the procurement document it claims."""


def decimal(value, what: str) -> Decimal:
    """A finite number (``document_values.decimal``), else ``DocumentError``."""
    return document_values.decimal(value, what, DocumentError)


def date(value, what: str) -> dt.date | None:
    """An optional ``YYYY-MM-DD`` date (``document_values.date``)."""
    return document_values.date(value, what, DocumentError, required=False)


def text(value) -> str | None:
    """A stripped string of any length; None for nothing or a non-scalar."""
    return document_values.text(value, limit=None)


def _object(document, what: str) -> Mapping:
    if not isinstance(document, Mapping):
        raise DocumentError(f"{what} must be a JSON object")
    return document


def _lines(document: Mapping, what: str) -> list:
    lines = document.get("lines")
    if not isinstance(lines, list) or not lines:
        raise DocumentError(f"{what} needs a non-empty 'lines' list")
    return lines


def _required(document: Mapping, key: str, what: str) -> str:
    value = text(document.get(key))
    if not value:
        raise DocumentError(f"{what}: '{key}' is missing")
    return value


# ---------------------------------------------------------------- JSON readers


def read_ack_json(document) -> dict:
    """A JSON acknowledgement; a line has one ``status`` or a list ``acks``."""
    document = _object(document, "An acknowledgement")
    po_number = _required(document, "po_number", "Acknowledgement")
    lines = []
    for number, line in enumerate(_lines(document, "An acknowledgement"), 1):
        line = _object(line, f"Acknowledgement line {number}")
        where = f"Acknowledgement line {line.get('line_number', number)}"
        entries = line.get("acks")
        if entries is None:
            entries = [line]
        if not isinstance(entries, list) or not entries:
            raise DocumentError(f"{where}: 'acks' must be a non-empty list")
        acks = []
        for entry in entries:
            entry = _object(entry, where)
            status = text(entry.get("status"))
            if status not in ACK_STATUSES:
                raise DocumentError(
                    f"{where}: status {status!r} is not one of "
                    f"{', '.join(ACK_STATUSES)}"
                )
            substitute = None
            if status == SUBSTITUTED:
                offered = _object(entry.get("substitute") or {}, where)
                substitute = {
                    "item_code": text(offered.get("item")),
                    "gtin": text(offered.get("gtin")),
                    "description": text(offered.get("description")),
                    "unit_price": decimal(offered["unit_price"], f"{where} price")
                    if offered.get("unit_price") not in (None, "")
                    else None,
                }
                if not (substitute["item_code"] or substitute["gtin"]):
                    raise DocumentError(f"{where}: the substitute has no item")
            acks.append(
                {
                    "status": status,
                    "quantity": decimal(
                        entry.get("quantity", 0 if status == REJECTED else None),
                        f"{where} quantity",
                    ),
                    "date": date(entry.get("date"), f"{where} date"),
                    "substitute": substitute,
                }
            )
        lines.append(
            {
                "line_number": _required(line, "line_number", where),
                "item_code": text(line.get("item")),
                "gtin": text(line.get("gtin")),
                "acks": acks,
            }
        )
    return {
        "po_number": po_number,
        "reference": text(document.get("supplier_order_ref")),
        "date": date(document.get("date"), "Acknowledgement date"),
        "lines": lines,
    }


def _lots(line: Mapping, where: str) -> list[dict]:
    lots = []
    for lot in line.get("lots") or []:
        lot = _object(lot, where)
        lots.append(
            {
                "lot": _required(lot, "lot", where),
                "quantity": decimal(lot["quantity"], f"{where} lot quantity")
                if lot.get("quantity") not in (None, "")
                else None,
                "expiry": date(lot.get("expiry"), f"{where} expiry"),
            }
        )
    return lots


def read_asn_json(document) -> dict:
    """A JSON ship notice: one order (``po_number``) or ``orders``."""
    document = _object(document, "A ship notice")
    shipment_id = _required(document, "shipment_id", "Ship notice")
    orders = document.get("orders")
    if orders is None:
        orders = [document]
    if not isinstance(orders, list) or not orders:
        raise DocumentError("Ship notice: 'orders' must be a non-empty list")
    read_orders = []
    for order in orders:
        order = _object(order, "A ship notice order")
        po_number = _required(order, "po_number", "Ship notice")
        lines = []
        for number, line in enumerate(_lines(order, "A ship notice order"), 1):
            line = _object(line, "A ship notice line")
            where = f"Ship notice line {line.get('line_number', number)}"
            expiry = date(line.get("expiry"), f"{where} expiry")
            lots = _lots(line, where)
            for lot in lots:
                lot["expiry"] = lot["expiry"] or expiry
            quantity = decimal(line.get("quantity"), f"{where} quantity")
            if len(lots) == 1 and lots[0]["quantity"] is None:
                lots[0]["quantity"] = quantity
            lines.append(
                {
                    "line_number": _required(line, "line_number", where),
                    "item_code": text(line.get("item")),
                    "gtin": text(line.get("gtin")),
                    "quantity": quantity,
                    "uom": text(line.get("uom")),
                    "lots": lots,
                    "serials": [str(s) for s in line.get("serials") or []],
                    "expiry": expiry,
                }
            )
        read_orders.append({"po_number": po_number, "lines": lines})
    return {
        "shipment_id": shipment_id,
        "date": date(document.get("date"), "Ship notice date"),
        "orders": read_orders,
    }


def read_invoice_json(document) -> dict:
    document = _object(document, "An invoice")
    lines = []
    for number, line in enumerate(_lines(document, "An invoice"), 1):
        line = _object(line, "An invoice line")
        where = f"Invoice line {line.get('line_number', number)}"
        lines.append(
            {
                "line_number": text(line.get("line_number")) or str(number),
                "item_code": text(line.get("item")),
                "gtin": text(line.get("gtin")),
                "description": text(line.get("description")),
                "quantity": decimal(line.get("quantity"), f"{where} quantity"),
                "uom": text(line.get("uom")),
                "unit_price": decimal(line.get("unit_price"), f"{where} unit price"),
            }
        )
    supplier = _object(document.get("supplier") or {}, "Invoice supplier")
    return {
        "invoice_number": _required(document, "invoice_number", "Invoice"),
        "date": date(document.get("date"), "Invoice date"),
        "due_date": date(document.get("due_date"), "Invoice due date"),
        "po_number": text(document.get("po_number")),
        "currency": (text(document.get("currency")) or "").upper() or None,
        "credit_note": bool(document.get("credit_note")),
        "supplier": {
            "vat": text(supplier.get("vat")),
            "gln": text(supplier.get("gln")),
            "code": text(supplier.get("code")),
        },
        "lines": lines,
    }


def read_payment_status_json(document) -> dict:
    document = _object(document, "A payment status")
    status = text(document.get("status"))
    if status not in ("unpaid", "partial", "paid", "reversed", "blocked"):
        raise DocumentError(
            f"Payment status {status!r} is not unpaid, partial, paid, reversed "
            "or blocked"
        )
    supplier = _object(document.get("supplier") or {}, "Payment status supplier")
    return {
        "invoice_number": _required(document, "invoice_number", "Payment status"),
        "status": status,
        "amount_paid": decimal(document["amount_paid"], "amount_paid")
        if document.get("amount_paid") not in (None, "")
        else None,
        "date": date(document.get("date"), "Payment date"),
        "reference": text(document.get("reference")),
        "supplier": {
            "vat": text(supplier.get("vat")),
            "gln": text(supplier.get("gln")),
            "code": text(supplier.get("code")),
        },
    }
