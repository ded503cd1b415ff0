"""X12 855, 856 and 810 read into the procurement shapes of ``documents``,
and purchase orders written as 850, with the core's X12 codec.

Transaction sets of another type in the same interchange are ignored by
each reader (a 997 travelling with an 855 is the transport's business).

BAK02 acknowledges the whole order when the 855 has no PO1 line: AK, AT, AD,
AC accept every line as ordered, RJ rejects every line (``header_status``).
A PO1 without PO101 is matched to its order line by item (``line_number``
None). ACK01 line status codes read as::

    IA, AC, IC, DR, IP, IF  accepted (DR: with a new date)
    IB                      backordered
    IQ                      quantity changed
    IR, ID, R1-R4           rejected
    IS                      substitution (the offered item in ACK07-ACK28)
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from . import documents as docs
from . import x12_maps

try:  # inside Odoo
    from odoo.addons.healthcare_integration_core.lib import x12
except ImportError:  # database-free use: the core's lib folder is on sys.path
    from lib import x12  # type: ignore[no-redef]

ACK_CODES = {
    "IA": docs.ACCEPTED,
    "AC": docs.ACCEPTED,
    "IC": docs.ACCEPTED,
    "DR": docs.ACCEPTED,
    "IP": docs.ACCEPTED,
    "IF": docs.ACCEPTED,
    "IB": docs.BACKORDERED,
    "IQ": docs.CHANGED,
    "IR": docs.REJECTED,
    "ID": docs.REJECTED,
    "R1": docs.REJECTED,
    "R2": docs.REJECTED,
    "R3": docs.REJECTED,
    "R4": docs.REJECTED,
    "IS": docs.SUBSTITUTED,
}
# 850 BEG01 transaction set purpose
# BAK02 of an 855 without lines: the status of every line
HEADER_ACK_CODES = {
    "AK": docs.ACCEPTED,
    "AT": docs.ACCEPTED,
    "AD": docs.ACCEPTED,
    "AC": docs.ACCEPTED,
    "AP": docs.ACCEPTED,
    "RJ": docs.REJECTED,
}
PURPOSE_ORIGINAL = "00"
PURPOSE_CANCEL = "01"
PURPOSE_REPLACE = "05"
VERSIONS = ("004010", "005010")


def _sets(data, set_id: str):
    try:
        interchanges = x12.parse(data)
    except x12.X12Error as exc:
        raise docs.DocumentError(f"Not readable as X12: {exc}") from None
    found = list(x12.transaction_sets(interchanges, set_id))
    if not found:
        raise docs.DocumentError(f"The interchange holds no {set_id} transaction set")
    return found


def _item_ids(ids: Mapping) -> tuple[str | None, str | None]:
    """(supplier item code, GTIN) of X12 qualifier/id pairs: the vendor's
    part number (VP, VN) or SKU, and a GTIN-14/EAN-13/UPC-A (UK, EN, UP)."""
    code = ids.get("VP") or ids.get("VN") or ids.get("SK")
    return code, x12_maps.gtin_of(ids)


def _read(mapper, transaction_set):
    try:
        return mapper(transaction_set)
    except x12.X12Error as exc:
        raise docs.DocumentError(str(exc)) from None


# ---------------------------------------------------------------- 855


def read_855(data) -> list[dict]:
    """Acknowledgements, one per 855 of the interchange(s)."""
    return [_ack(_read(x12_maps.map_855, ts)) for ts in _sets(data, "855")]


def _ack(record: Mapping) -> dict:
    if not record.get("po_number"):
        raise docs.DocumentError("855: BAK03 (purchase order number) is missing")
    lines = []
    for line in record.get("lines") or ():
        where = f"855 line {line.get('line_number') or '(no PO101)'}"
        item_code, gtin = _item_ids(line.get("ids") or {})
        if not (line.get("line_number") or item_code or gtin):
            raise docs.DocumentError(
                "855: a PO1 line has neither a PO101 line number nor an item id"
            )
        acks = []
        for ack in line.get("acks") or ():
            code = ack.get("status")
            status = ACK_CODES.get(code)
            if status is None:
                raise docs.DocumentError(f"{where}: ACK01 {code!r} is not supported")
            substitute = None
            if status == docs.SUBSTITUTED:
                offered_code, offered_gtin = _item_ids(ack.get("ids") or {})
                if not (offered_code or offered_gtin):
                    raise docs.DocumentError(f"{where}: the IS ACK names no item")
                substitute = {
                    "item_code": offered_code,
                    "gtin": offered_gtin,
                    "description": None,
                    "unit_price": None,
                }
            quantity = ack.get("quantity")
            if quantity is None:
                quantity = Decimal(0) if status == docs.REJECTED else line["quantity"]
            acks.append(
                {
                    "status": status,
                    "quantity": quantity,
                    "date": ack.get("date"),
                    "substitute": substitute,
                }
            )
        if not acks:
            # a PO1 without ACK is accepted as ordered
            acks.append(
                {
                    "status": docs.ACCEPTED,
                    "quantity": line.get("quantity") or Decimal(0),
                    "date": None,
                    "substitute": None,
                }
            )
        lines.append(
            {
                "line_number": line.get("line_number"),
                "item_code": item_code,
                "gtin": gtin,
                "acks": acks,
            }
        )
    header_status = None
    if not lines:
        header_status = HEADER_ACK_CODES.get(record.get("ack_type"))
        if header_status is None:
            raise docs.DocumentError(
                f"855: no PO1 line, and BAK02 {record.get('ack_type')!r} does not "
                "acknowledge the whole order (AK, AT, AD, AC, AP or RJ)"
            )
    return {
        "po_number": record["po_number"],
        "reference": record.get("reference"),
        "date": record.get("ack_date") or record.get("date"),
        "ack_type": record.get("ack_type"),
        "header_status": header_status,
        "lines": lines,
    }


# ---------------------------------------------------------------- 856


def read_856(data) -> list[dict]:
    """Ship notices, one per 856, with per-lot quantities where SLN gives them."""
    return [_asn(_read(x12_maps.map_856, ts)) for ts in _sets(data, "856")]


def _lots_of(item: Mapping, expiry) -> list[dict]:
    lots = []
    for subline in item.get("sublines") or ():
        lot = (subline.get("ids") or {}).get("LT")
        if lot:
            lots.append(
                {"lot": lot, "quantity": subline.get("quantity"), "expiry": expiry}
            )
    own = (item.get("ids") or {}).get("LT")
    if own:
        lots.append({"lot": own, "quantity": None, "expiry": expiry})
    for lot in item.get("lots") or ():
        lots.append({"lot": lot, "quantity": None, "expiry": expiry})
    if len(lots) == 1 and lots[0]["quantity"] is None:
        lots[0]["quantity"] = item.get("quantity")
    return lots


def _serials_of(item: Mapping) -> list[str]:
    serials = list(item.get("serials") or ())
    own = (item.get("ids") or {}).get("SN")
    if own:
        serials.insert(0, own)
    for subline in item.get("sublines") or ():
        serial = (subline.get("ids") or {}).get("SN")
        if serial:
            serials.append(serial)
    return serials


def _asn_line(node: Mapping) -> dict:
    expiry = (node.get("dates") or {}).get("036")
    item_code, gtin = _item_ids(node.get("ids") or {})
    if not node.get("line_number"):
        raise docs.DocumentError(
            f"856: item HL {node.get('id')} has no LIN01 line number"
        )
    if node.get("quantity") is None:
        raise docs.DocumentError(f"856: item HL {node.get('id')} has no SN102 quantity")
    return {
        "line_number": node["line_number"],
        "item_code": item_code,
        "gtin": gtin,
        "quantity": node["quantity"],
        "uom": node.get("uom"),
        "lots": _lots_of(node, expiry),
        "serials": _serials_of(node),
        "expiry": expiry,
    }


def _asn(record: Mapping) -> dict:
    orders: list[dict] = []
    # an explicit stack, not recursion: the depth of an HL tree is the sender's
    stack = [(root, None) for root in reversed(record.get("hierarchy") or ())]
    while stack:
        node, order = stack.pop()
        if node.get("level") == "O":
            order = {"po_number": node.get("po_number"), "lines": []}
            orders.append(order)
        elif node.get("level") == "I":
            if order is None:
                raise docs.DocumentError(
                    f"856: item HL {node.get('id')} is under no order (HL O) level"
                )
            order["lines"].append(_asn_line(node))
        children = node.get("children") or ()
        stack.extend((child, order) for child in reversed(children))
    for order in orders:
        if not order["po_number"]:
            raise docs.DocumentError("856: an order level has no PRF01 PO number")
    if not any(order["lines"] for order in orders):
        raise docs.DocumentError("856: no item level")
    return {
        "shipment_id": record.get("shipment_id"),
        "date": record.get("date"),
        "orders": [order for order in orders if order["lines"]],
    }


# ---------------------------------------------------------------- 810


def read_810(data) -> list[dict]:
    return [_invoice(_read(x12_maps.map_810, ts)) for ts in _sets(data, "810")]


def _party(record: Mapping, qualifier: str) -> Mapping:
    for party in record.get("parties") or ():
        if party.get("qualifier") == qualifier:
            return party
    return {}


def _invoice(record: Mapping) -> dict:
    if not record.get("invoice_number"):
        raise docs.DocumentError("810: BIG02 (invoice number) is missing")
    seller = _party(record, "RE") or _party(record, "SE")
    gln = seller.get("id") if seller.get("id_qualifier") == "UL" else None
    lines = []
    for number, line in enumerate(record.get("lines") or (), 1):
        if line.get("quantity") is None or line.get("unit_price") is None:
            raise docs.DocumentError(
                f"810 line {line.get('line_number') or number}: IT102 quantity and "
                "IT104 unit price are required"
            )
        item_code, gtin = _item_ids(line.get("ids") or {})
        lines.append(
            {
                "line_number": line.get("line_number") or str(number),
                "item_code": item_code,
                "gtin": gtin,
                "description": line.get("description"),
                "quantity": line["quantity"],
                "uom": line.get("uom"),
                "unit_price": line["unit_price"],
            }
        )
    if not lines:
        raise docs.DocumentError("810: no IT1 line")
    terms = record.get("terms") or {}
    return {
        "invoice_number": record["invoice_number"],
        "date": record.get("date"),
        "due_date": terms.get("net_due_date"),
        "po_number": record.get("po_number"),
        "currency": record.get("currency"),
        # BIG07 CR: credit memo
        "credit_note": record.get("type") == "CR",
        "supplier": {"vat": None, "gln": gln, "code": None},
        "lines": lines,
    }


# ---------------------------------------------------------------- 850


def build_850(order: Mapping, envelope: Mapping, control_numbers, version: str):
    """An 850 interchange (bytes) of ``order``, a dict shaped like map_850's."""
    if version not in VERSIONS:
        raise docs.DocumentError(f"X12 version {version!r} is not 004010 or 005010")
    try:
        return x12.serialize(
            x12_maps.build_850(order, envelope, control_numbers, version)
        )
    except x12.X12Error as exc:
        raise docs.DocumentError(
            f"The order cannot be written as an 850: {exc}"
        ) from exc


def interchange_control(data) -> str | None:
    """ISA13 of the first interchange of ``data`` (for file names)."""
    try:
        interchanges = x12.parse(data)
    except x12.X12Error:
        return None
    return interchanges[0].control_number if interchanges else None


def read_850(data) -> list[dict]:
    """The orders of an 850 interchange (what a supplier reads back)."""
    return [_read(x12_maps.map_850, ts) for ts in _sets(data, "850")]
