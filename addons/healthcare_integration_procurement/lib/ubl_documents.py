"""UBL 2.1 (Peppol BIS Ordering / Despatch Advice) documents that Odoo does
not read itself: the OrderResponse and DespatchAdvice a supplier sends, read
into the shapes of ``documents``.

Orders are written by Odoo's ``purchase_edi_ubl_bis3`` (changes and
cancellations made from them in ``peppol_ordering``) and invoices read by
Odoo's ``account_edi_ubl_cii``; this module covers only the rest.

OrderResponse line status (``cbc:LineStatusCode``, UNCL 4343 subset of
Peppol BIS Advanced Ordering): 5 accepted, 3 changed, 7 not accepted; a
``cac:SellerSubstitutedLineItem`` is a substitution. A changed line whose
``cac:Delivery`` carries a later period for part of the quantity is read as
accepted + backordered when the line gives ``cbc:BackorderQuantity``.
"""

from __future__ import annotations

from lxml import etree

from . import documents as docs

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
LINE_STATUS = {"5": docs.ACCEPTED, "3": docs.CHANGED, "7": docs.REJECTED}


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


def _expect(tree, name: str):
    root = _root(tree)
    if _local(root) != name:
        raise docs.DocumentError(f"Expected a UBL {name}, got {_local(root)}")
    return root


def read_order_response(tree) -> dict:
    root = _expect(tree, "OrderResponse")
    po_number = _find(root, "cac:OrderReference/cbc:ID")
    if not po_number:
        raise docs.DocumentError("OrderResponse: cac:OrderReference/cbc:ID is missing")
    document_code = _find(root, "cbc:OrderResponseCode")
    lines = []
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
        if status is None:
            raise docs.DocumentError(f"{where}: LineStatusCode {code!r} unknown")
        quantity = _find(item, "cbc:Quantity")
        promised = _find(item, "cac:Delivery/cac:PromisedDeliveryPeriod/cbc:StartDate")
        item_code, gtin = _item(item)
        acks = []
        substitute = order_line.find("cac:SellerSubstitutedLineItem", NS)
        if substitute is not None:
            offered_code, offered_gtin = _item(substitute)
            price = _find(substitute, "cac:Price/cbc:PriceAmount")
            acks.append(
                {
                    "status": docs.SUBSTITUTED,
                    "quantity": docs.decimal(
                        _find(substitute, "cbc:Quantity") or quantity,
                        f"{where} quantity",
                    ),
                    "date": docs.date(promised, f"{where} date"),
                    "substitute": {
                        "item_code": offered_code,
                        "gtin": offered_gtin,
                        "description": _find(substitute, "cac:Item/cbc:Name"),
                        "unit_price": docs.decimal(price, f"{where} price")
                        if price
                        else None,
                    },
                }
            )
        elif status == docs.REJECTED:
            acks.append(
                {
                    "status": status,
                    "quantity": docs.decimal(0, where),
                    "date": None,
                    "substitute": None,
                }
            )
        else:
            confirmed = docs.decimal(quantity, f"{where} cbc:Quantity")
            backorder = _find(item, "cbc:BackorderQuantity")
            if backorder:
                later = _find(
                    item, "cac:Delivery[2]/cac:PromisedDeliveryPeriod/cbc:StartDate"
                )
                backordered = docs.decimal(backorder, f"{where} backorder")
                acks.append(
                    {
                        "status": docs.ACCEPTED,
                        "quantity": confirmed,
                        "date": docs.date(promised, where),
                        "substitute": None,
                    }
                )
                acks.append(
                    {
                        "status": docs.BACKORDERED,
                        "quantity": backordered,
                        "date": docs.date(later, where),
                        "substitute": None,
                    }
                )
            else:
                acks.append(
                    {
                        "status": status,
                        "quantity": confirmed,
                        "date": docs.date(promised, where),
                        "substitute": None,
                    }
                )
        lines.append(
            {"line_number": number, "item_code": item_code, "gtin": gtin, "acks": acks}
        )
    if not lines and document_code != "RE":
        raise docs.DocumentError("OrderResponse: no OrderLine")
    return {
        "po_number": po_number,
        "reference": _find(root, "cbc:SalesOrderID") or _find(root, "cbc:ID"),
        "date": docs.date(_find(root, "cbc:IssueDate"), "OrderResponse date"),
        "ack_type": document_code,
        "lines": lines,
    }


def read_despatch_advice(tree) -> dict:
    root = _expect(tree, "DespatchAdvice")
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
        lots, serials = [], []
        for instance in line.findall("cac:Item/cac:ItemInstance", NS):
            serial = _find(instance, "cbc:SerialID")
            lot = _find(instance, "cac:LotIdentification/cbc:LotNumberID")
            expiry = docs.date(
                _find(instance, "cac:LotIdentification/cbc:ExpiryDate"), where
            )
            if serial:
                serials.append(serial)
            elif lot:
                lots.append({"lot": lot, "quantity": None, "expiry": expiry})
        if len(lots) == 1:
            lots[0]["quantity"] = quantity
        quantity_node = line.find("cbc:DeliveredQuantity", NS)
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
                "expiry": lots[0]["expiry"] if lots else None,
            }
        )
    if not orders:
        raise docs.DocumentError("DespatchAdvice: no DespatchLine")
    return {
        "shipment_id": shipment_id,
        "date": docs.date(_find(root, "cbc:IssueDate"), "DespatchAdvice date"),
        "orders": list(orders.values()),
    }
