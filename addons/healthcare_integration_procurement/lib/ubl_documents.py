"""UBL 2.1 (Peppol BIS Ordering / Despatch Advice) documents that Odoo does
not read itself: the OrderResponse and DespatchAdvice a supplier sends, read
into the shapes of ``documents``.

Orders are written by Odoo's ``purchase_edi_ubl_bis3`` (changes and
cancellations made from them in ``peppol_ordering``) and invoices read by
Odoo's ``account_edi_ubl_cii``; this module covers only the rest.

OrderResponse line status (``cbc:LineStatusCode``, UNCL 1229 subset of
Peppol BIS Ordering): 5 accepted, 3 changed (quantity, date or price), 7
not accepted, 1 added by the supplier (an offer for the buyer, read apart in
``added``); a ``cac:SellerSubstitutedLineItem`` is a substitution. A
changed line whose ``cac:Delivery`` carries a later period for part of the
quantity is read as accepted + backordered when the line gives
``cbc:BackorderQuantity``.
"""

from __future__ import annotations

from lxml import etree

from . import documents as docs
from . import peppol_rules

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
LINE_STATUS = {"5": docs.ACCEPTED, "3": docs.CHANGED, "7": docs.REJECTED}
LINE_ADDED = "1"
RESPONSE_CODES = ("AB", "AP", "RE", "CA")
# a response without lines answers for the whole order
WHOLE_ORDER = {"AP": docs.ACCEPTED, "RE": docs.REJECTED}


def _root(tree):
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    return root


def _local(root) -> str:
    return etree.QName(root).localname


def _find(node, path: str) -> str | None:
    value = node.findtext(path, namespaces=NS)
    return value.strip() if value and value.strip() else None


def _item(node) -> tuple[str | None, str | None]:
    return (
        _find(node, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
        _find(node, "cac:Item/cac:StandardItemIdentification/cbc:ID"),
    )


def _endpoint(root, party: str) -> tuple[str, str] | None:
    node = root.find(f"cac:{party}/cac:Party/cbc:EndpointID", NS)
    if node is None or not (node.text or "").strip():
        return None
    return (node.get("schemeID") or "", node.text.strip())


def _parties(root, seller: str, buyer: str) -> dict:
    """The Peppol addresses (EAS, endpoint) of the document's seller and buyer."""
    return {"seller": _endpoint(root, seller), "buyer": _endpoint(root, buyer)}


def _keep_rules(problems: list[str], name: str) -> None:
    if problems:
        raise docs.DocumentError(f"{name} breaks Peppol BIS 3: " + "; ".join(problems))


def _expect(tree, name: str):
    root = _root(tree)
    if _local(root) != name:
        raise docs.DocumentError(f"Expected a UBL {name}, got {_local(root)}")
    return root


def _line_acks(order_line, item, status, where) -> list[dict]:
    """The acks of one OrderResponse line (``quantity`` None: as ordered)."""
    quantity = _find(item, "cbc:Quantity")
    promised = _find(item, "cac:Delivery/cac:PromisedDeliveryPeriod/cbc:StartDate")
    price = _find(item, "cac:Price/cbc:PriceAmount")
    substitute = order_line.find("cac:SellerSubstitutedLineItem", NS)
    if substitute is not None:
        offered_code, offered_gtin = _item(substitute)
        offered_price = _find(substitute, "cac:Price/cbc:PriceAmount")
        offered = _find(substitute, "cbc:Quantity") or quantity
        return [
            {
                "status": docs.SUBSTITUTED,
                "quantity": docs.decimal(offered, f"{where} quantity")
                if offered
                else None,
                "date": docs.date(promised, f"{where} date"),
                "substitute": {
                    "item_code": offered_code,
                    "gtin": offered_gtin,
                    "description": _find(substitute, "cac:Item/cbc:Name"),
                    "unit_price": docs.decimal(offered_price, f"{where} price")
                    if offered_price
                    else None,
                },
            }
        ]
    if status == docs.REJECTED:
        return [
            {
                "status": status,
                "quantity": docs.decimal(0, where),
                "date": None,
                "substitute": None,
            }
        ]
    confirmed = docs.decimal(quantity, f"{where} cbc:Quantity") if quantity else None
    ack = {
        "status": status,
        "quantity": confirmed,
        "date": docs.date(promised, where),
        "substitute": None,
    }
    if status == docs.CHANGED and price:
        ack["unit_price"] = docs.decimal(price, f"{where} cac:Price/cbc:PriceAmount")
    backorder = _find(item, "cbc:BackorderQuantity")
    if not backorder:
        return [ack]
    later = _find(item, "cac:Delivery[2]/cac:PromisedDeliveryPeriod/cbc:StartDate")
    return [
        dict(ack, status=docs.ACCEPTED),
        {
            "status": docs.BACKORDERED,
            "quantity": docs.decimal(backorder, f"{where} backorder"),
            "date": docs.date(later, where),
            "substitute": None,
        },
    ]


def _added_line(item, number, where) -> dict:
    """A line the supplier adds (status 1): what it offers, for the buyer to
    accept into the order or decline."""
    item_code, gtin = _item(item)
    name = _find(item, "cac:Item/cbc:Name")
    if not (item_code or gtin):
        raise docs.DocumentError(
            f"{where}: an added line (cbc:LineStatusCode 1) names no item "
            "(cac:SellersItemIdentification or cac:StandardItemIdentification)"
        )
    quantity = _find(item, "cbc:Quantity")
    if not quantity:
        raise docs.DocumentError(
            f"{where}: an added line (cbc:LineStatusCode 1) has no cbc:Quantity"
        )
    price = _find(item, "cac:Price/cbc:PriceAmount")
    promised = _find(item, "cac:Delivery/cac:PromisedDeliveryPeriod/cbc:StartDate")
    return {
        "line_number": number,
        "item_code": item_code,
        "gtin": gtin,
        "description": name,
        "quantity": docs.decimal(quantity, f"{where} cbc:Quantity"),
        "unit_price": docs.decimal(price, f"{where} price") if price else None,
        "date": docs.date(promised, where),
    }


def read_order_response(tree) -> dict:
    """An OrderResponse (Peppol T76, or T116 of Advanced Ordering).

    ``cbc:OrderResponseCode`` (UNCL 4343): ``AP`` the whole order accepted
    and ``RE`` the whole order rejected, both without lines
    (``header_status`` says so, as for an X12 855 without lines); ``CA``
    accepted with changes, line by line; ``AB`` only says
    the order arrived. An accepted or changed line without ``cbc:Quantity``
    keeps the ordered quantity (``quantity`` None), and so does a
    substitution without one. Lines the supplier adds (status 1) are in
    ``added``, never among the answers to the buyer's lines.
    """
    root = _expect(tree, "OrderResponse")
    _keep_rules(peppol_rules.order_response(root), "OrderResponse")
    po_number = _find(root, "cac:OrderReference/cbc:ID")
    if not po_number:
        raise docs.DocumentError("OrderResponse: cac:OrderReference/cbc:ID is missing")
    document_code = _find(root, "cbc:OrderResponseCode")
    if document_code not in RESPONSE_CODES:
        raise docs.DocumentError(
            f"OrderResponse: cbc:OrderResponseCode {document_code!r} is none of "
            "AB, AP, RE, CA (UNCL 4343)"
        )
    lines, added = [], []
    for order_line in root.findall("cac:OrderLine", NS):
        item = order_line.find("cac:LineItem", NS)
        if item is None:
            raise docs.DocumentError("OrderResponse: an OrderLine has no LineItem")
        number = _find(order_line, "cac:OrderLineReference/cbc:LineID") or _find(
            item, "cbc:ID"
        )
        if not number:
            raise docs.DocumentError("OrderResponse: a line has no line number")
        where = f"OrderResponse line {number}"
        code = _find(item, "cbc:LineStatusCode") or (
            "7" if document_code == "RE" else "5"
        )
        status = LINE_STATUS.get(code)
        if code == LINE_ADDED:
            added.append(_added_line(item, number, where))
            continue
        if status is None:
            raise docs.DocumentError(
                f"{where}: cbc:LineStatusCode {code!r} is none of 5 accepted, "
                "3 changed, 7 not accepted, 1 added (UNCL 1229)"
            )
        item_code, gtin = _item(item)
        lines.append(
            {
                "line_number": number,
                "item_code": item_code,
                "gtin": gtin,
                "acks": _line_acks(order_line, item, status, where),
            }
        )
    return {
        "po_number": po_number,
        "reference": _find(root, "cbc:SalesOrderID") or _find(root, "cbc:ID"),
        "date": docs.date(_find(root, "cbc:IssueDate"), "OrderResponse date"),
        "ack_type": document_code,
        "header_status": WHOLE_ORDER.get(document_code) if not lines else None,
        "parties": _parties(root, "SellerSupplierParty", "BuyerCustomerParty"),
        "lines": lines,
        "added": added,
    }


def _instances(line, where) -> list[dict]:
    """Each ``cac:ItemInstance`` of a despatch line, its serial number and
    its lot (with expiry and manufacture dates) kept together."""
    found = []
    for instance in line.findall("cac:Item/cac:ItemInstance", NS):
        entry = {
            "serial": _find(instance, "cbc:SerialID"),
            "lot": _find(instance, "cac:LotIdentification/cbc:LotNumberID"),
            "expiry": docs.date(
                _find(instance, "cac:LotIdentification/cbc:ExpiryDate"), where
            ),
            "manufactured": docs.date(_find(instance, "cbc:ManufactureDate"), where),
        }
        if entry["serial"] or entry["lot"]:
            found.append(entry)
    return found


def _lots(instances, quantity) -> list[dict]:
    """The lots of a line: one lot alone has the line's quantity; lots of
    serial numbers have as many units as serials."""
    lots: dict[str, dict] = {}
    for entry in instances:
        if not entry["lot"]:
            continue
        lot = lots.setdefault(
            entry["lot"],
            {
                "lot": entry["lot"],
                "quantity": None,
                "expiry": entry["expiry"],
                "manufactured": entry["manufactured"],
            },
        )
        if entry["serial"]:
            lot["quantity"] = (lot["quantity"] or 0) + 1
    found = list(lots.values())
    if len(found) == 1:
        found[0]["quantity"] = quantity
    return found


def read_despatch_advice(tree) -> dict:
    """A DespatchAdvice (Peppol T16): per line the delivered quantity, its
    lots and serial numbers, and what is still to come (``outstanding``,
    ``cbc:OutstandingQuantity``, with ``outstanding_reason``; None when the
    supplier does not say)."""
    root = _expect(tree, "DespatchAdvice")
    _keep_rules(peppol_rules.despatch_advice(root), "DespatchAdvice")
    shipment_id = _find(root, "cbc:ID")
    if not shipment_id:
        raise docs.DocumentError("DespatchAdvice: cbc:ID is missing")
    default_po = _find(root, "cac:OrderReference/cbc:ID")
    orders: dict[str, dict] = {}
    for line in root.findall("cac:DespatchLine", NS):
        number = _find(line, "cac:OrderLineReference/cbc:LineID") or _find(
            line, "cbc:ID"
        )
        where = f"DespatchAdvice line {number}"
        po_number = (
            _find(line, "cac:OrderLineReference/cac:OrderReference/cbc:ID")
            or default_po
        )
        if not po_number:
            raise docs.DocumentError(f"{where}: no order reference")
        quantity = docs.decimal(_find(line, "cbc:DeliveredQuantity"), where)
        item_code, gtin = _item(line)
        instances = _instances(line, where)
        serials = [i["serial"] for i in instances if i["serial"]]
        lots = _lots(instances, quantity)
        quantity_node = line.find("cbc:DeliveredQuantity", NS)
        # what the supplier still owes on the line (a later shipment), and why
        outstanding = _find(line, "cbc:OutstandingQuantity")
        reasons = [
            node.text.strip()
            for node in line.findall("cbc:OutstandingReason", NS)
            if node.text and node.text.strip()
        ]
        orders.setdefault(po_number, {"po_number": po_number, "lines": []})[
            "lines"
        ].append(
            {
                "line_number": number,
                "item_code": item_code,
                "gtin": gtin,
                "quantity": quantity,
                "uom": quantity_node.get("unitCode"),
                "lots": lots,
                "serials": serials,
                "instances": instances,
                "expiry": lots[0]["expiry"] if lots else None,
                "outstanding": docs.decimal(outstanding, f"{where} outstanding")
                if outstanding
                else None,
                "outstanding_reason": "; ".join(reasons) or None,
            }
        )
    if not orders:
        raise docs.DocumentError("DespatchAdvice: no DespatchLine")
    return {
        "shipment_id": shipment_id,
        "date": docs.date(_find(root, "cbc:IssueDate"), "DespatchAdvice date"),
        "parties": _parties(root, "DespatchSupplierParty", "DeliveryCustomerParty"),
        "orders": list(orders.values()),
    }
