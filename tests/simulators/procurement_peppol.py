"""A Peppol supplier's answers to the order it received, as Peppol BIS 3
post-award documents: the Order Response (Advanced Ordering, T116) and the
Despatch Advice (T16), built from the Order, Order Change or cancellation the
buyer sent, so that parties, line numbers and item ids are the buyer's own.

Used by the procurement tests and the demo's procurement simulator::

    response = order_response(order_xml, "CA", [
        {"line": "1", "status": "5"},                        # accepted as ordered
        {"line": "2", "status": "3", "quantity": 8},         # quantity changed
        {"line": "3", "status": "7"},                        # not accepted
        {"line": "4", "status": "1", "quantity": 2,          # added by the supplier
         "item": {"code": "NBM-CASE", "name": "Carry case"}, "price": 19.5},
    ])
    advice = despatch_advice(order_xml, "DESP-1", [
        {"line": "1", "quantity": 20, "lot": "L1", "expiry": date(2028, 3, 31),
         "manufactured": date(2026, 3, 1), "serials": ["SN1"],
         "outstanding": 5, "outstanding_reason": "Backordered, ships next week"},
    ])
"""

import copy
import datetime as dt

from lxml import etree

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}
RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"
DESPATCH_NS = "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2"
ADVANCED_ORDERING = "urn:fdc:peppol.eu:poacc:bis:advanced_ordering:3"
RESPONSE_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order_response_advanced:3"
DESPATCH_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:despatch_advice:3"
DESPATCH_PROFILE = "urn:fdc:peppol.eu:poacc:bis:despatch_advice:3"


def _parse(document):
    if isinstance(document, str):
        document = document.encode()
    if isinstance(document, bytes):
        return etree.fromstring(  # noqa: S320 (the buyer's document, trusted here)
            document, parser=etree.XMLParser(resolve_entities=False)
        )
    return document


def _add(parent, namespace, name, value=None, **attributes):
    node = etree.SubElement(parent, f"{{{namespace}}}{name}", attributes)
    if value is not None:
        node.text = str(value)
    return node


def _text(node, path):
    return node.findtext(path, namespaces=NS)


def _order_id(order):
    if etree.QName(order).localname == "OrderChange":
        return _text(order, "cac:OrderReference/cbc:ID")
    return _text(order, "cbc:ID")


def _party(parent, source, role):
    """``role`` with the Peppol address and legal name of the order's party."""
    party = _add(_add(parent, CAC, role), CAC, "Party")
    endpoint = source.find("cbc:EndpointID", NS)
    party.append(copy.deepcopy(endpoint))
    return party


def _legal_name(party, source):
    legal = _add(party, CAC, "PartyLegalEntity")
    _add(
        legal,
        CBC,
        "RegistrationName",
        _text(source, "cac:PartyLegalEntity/cbc:RegistrationName"),
    )


def _lines(order):
    return {
        _text(line, "cbc:ID"): line
        for line in order.iterfind("cac:OrderLine/cac:LineItem", NS)
    }


def _item_ids(parent, ordered_item):
    item = _add(parent, CAC, "Item")
    _add(item, CBC, "Name", _text(ordered_item, "cbc:Name"))
    for scheme in ("SellersItemIdentification", "StandardItemIdentification"):
        source = ordered_item.find(f"cac:{scheme}/cbc:ID", NS)
        if source is not None:
            _add(item, CAC, scheme).append(copy.deepcopy(source))
    return item


def order_response(order_xml, code, lines=(), response_id=None, issue_date=None):
    """The supplier's Order Response (T116) to the order ``order_xml``.

    ``code``: AP (all accepted, no lines), RE (all rejected, no lines), CA
    (accepted with changes: ``lines``). A line: ``line`` (its number), ``status``
    (5 accepted, 3 changed, 7 not accepted), optional ``quantity``, ``date``,
    ``price``, ``substitute`` ({"code", "gtin", "name"}).
    """
    order = _parse(order_xml)
    root = etree.Element(
        f"{{{RESPONSE_NS}}}OrderResponse",
        nsmap={None: RESPONSE_NS, "cac": CAC, "cbc": CBC},
    )
    _add(root, CBC, "CustomizationID", RESPONSE_CUSTOMIZATION)
    _add(root, CBC, "ProfileID", ADVANCED_ORDERING)
    _add(root, CBC, "ID", response_id or f"OR-{_order_id(order)}")
    _add(root, CBC, "SalesOrderID", f"SO-{_order_id(order)}")
    _add(root, CBC, "IssueDate", (issue_date or dt.date.today()).isoformat())
    _add(root, CBC, "OrderResponseCode", code)
    _add(root, CBC, "DocumentCurrencyCode", _text(order, "cbc:DocumentCurrencyCode"))
    _add(_add(root, CAC, "OrderReference"), CBC, "ID", _order_id(order))
    seller = order.find("cac:SellerSupplierParty/cac:Party", NS)
    buyer = order.find("cac:BuyerCustomerParty/cac:Party", NS)
    _legal_name(_party(root, seller, "SellerSupplierParty"), seller)
    _legal_name(_party(root, buyer, "BuyerCustomerParty"), buyer)
    ordered = _lines(order)
    currency = _text(order, "cbc:DocumentCurrencyCode")
    for answer in lines:
        if str(answer["status"]) == "1":
            _added_line(root, answer, ordered, currency)
            continue
        source = ordered[str(answer["line"])]
        order_line = _add(root, CAC, "OrderLine")
        item = _add(order_line, CAC, "LineItem")
        _add(item, CBC, "ID", answer["line"])
        _add(item, CBC, "LineStatusCode", answer["status"])
        if answer.get("quantity") is not None:
            unit = source.find("cbc:Quantity", NS).get("unitCode")
            _add(item, CBC, "Quantity", answer["quantity"], unitCode=unit)
        if answer.get("date"):
            period = _add(_add(item, CAC, "Delivery"), CAC, "PromisedDeliveryPeriod")
            _add(period, CBC, "StartDate", answer["date"].isoformat())
        if answer.get("price") is not None:
            price = _add(item, CAC, "Price")
            _add(price, CBC, "PriceAmount", answer["price"], currencyID=currency)
        _item_ids(item, source.find("cac:Item", NS))
        substitute = answer.get("substitute")
        if substitute:
            offered = _add(order_line, CAC, "SellerSubstitutedLineItem")
            _add(offered, CBC, "ID", answer["line"])
            offered_item = _add(offered, CAC, "Item")
            _add(offered_item, CBC, "Name", substitute["name"])
            _add(
                _add(offered_item, CAC, "SellersItemIdentification"),
                CBC,
                "ID",
                substitute["code"],
            )
        _add(_add(order_line, CAC, "OrderLineReference"), CBC, "LineID", answer["line"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _added_line(root, answer, ordered, currency):
    """A line the supplier adds (status 1): ``item`` {"code", "gtin", "name"},
    ``quantity`` (in the unit of the order's first line), ``price``, ``date``."""
    unit = next(iter(ordered.values())).find("cbc:Quantity", NS).get("unitCode")
    order_line = _add(root, CAC, "OrderLine")
    item = _add(order_line, CAC, "LineItem")
    _add(item, CBC, "ID", answer["line"])
    _add(item, CBC, "LineStatusCode", "1")
    _add(item, CBC, "Quantity", answer["quantity"], unitCode=unit)
    if answer.get("date"):
        period = _add(_add(item, CAC, "Delivery"), CAC, "PromisedDeliveryPeriod")
        _add(period, CBC, "StartDate", answer["date"].isoformat())
    if answer.get("price") is not None:
        price = _add(item, CAC, "Price")
        _add(price, CBC, "PriceAmount", answer["price"], currencyID=currency)
    offered = answer["item"]
    node = _add(item, CAC, "Item")
    _add(node, CBC, "Name", offered["name"])
    if offered.get("code"):
        _add(_add(node, CAC, "SellersItemIdentification"), CBC, "ID", offered["code"])
    if offered.get("gtin"):
        _add(
            _add(node, CAC, "StandardItemIdentification"),
            CBC,
            "ID",
            offered["gtin"],
            schemeID="0160",
        )
    # mandatory in T116: an added line refers to itself
    _add(_add(order_line, CAC, "OrderLineReference"), CBC, "LineID", answer["line"])


def despatch_advice(order_xml, advice_id, lines, issue_date=None):
    """The supplier's Despatch Advice (T16) for the order ``order_xml``.

    A line: ``line`` (the order line number), ``quantity``, what is still to
    come (``outstanding``, with ``outstanding_reason``), and what identifies
    the goods: ``lot`` with ``expiry`` and ``manufactured`` dates, ``serials``
    (each one item instance, with the lot when given).
    """
    order = _parse(order_xml)
    root = etree.Element(
        f"{{{DESPATCH_NS}}}DespatchAdvice",
        nsmap={None: DESPATCH_NS, "cac": CAC, "cbc": CBC},
    )
    _add(root, CBC, "CustomizationID", DESPATCH_CUSTOMIZATION)
    _add(root, CBC, "ProfileID", DESPATCH_PROFILE)
    _add(root, CBC, "ID", advice_id)
    _add(root, CBC, "IssueDate", (issue_date or dt.date.today()).isoformat())
    _add(_add(root, CAC, "OrderReference"), CBC, "ID", _order_id(order))
    seller = order.find("cac:SellerSupplierParty/cac:Party", NS)
    buyer = order.find("cac:BuyerCustomerParty/cac:Party", NS)
    for source, role in (
        (seller, "DespatchSupplierParty"),
        (buyer, "DeliveryCustomerParty"),
    ):
        party = _party(root, source, role)
        address = source.find("cac:PostalAddress", NS)
        if address is not None:
            party.append(copy.deepcopy(address))
        _legal_name(party, source)
    shipment = _add(root, CAC, "Shipment")
    _add(shipment, CBC, "ID", "1")
    _add(_add(shipment, CAC, "Delivery"), CAC, "EstimatedDeliveryPeriod").append(
        etree.Element(f"{{{CBC}}}StartDate")
    )
    shipment.find(".//cbc:StartDate", NS).text = (
        issue_date or dt.date.today()
    ).isoformat()
    ordered = _lines(order)
    for number, answer in enumerate(lines, 1):
        source = ordered[str(answer["line"])]
        line = _add(root, CAC, "DespatchLine")
        _add(line, CBC, "ID", number)
        unit = source.find("cbc:Quantity", NS).get("unitCode")
        _add(line, CBC, "DeliveredQuantity", answer["quantity"], unitCode=unit)
        if answer.get("outstanding") is not None:
            _add(line, CBC, "OutstandingQuantity", answer["outstanding"], unitCode=unit)
            # the BIS asks for the reason of any outstanding quantity, even none
            reason = answer.get("outstanding_reason") or "Nothing more to follow"
            _add(line, CBC, "OutstandingReason", reason)
        _add(_add(line, CAC, "OrderLineReference"), CBC, "LineID", answer["line"])
        item = _item_ids(line, source.find("cac:Item", NS))
        for serial in answer.get("serials") or [None]:
            if serial is None and not answer.get("lot"):
                break
            instance = _add(item, CAC, "ItemInstance")
            if answer.get("manufactured"):
                _add(
                    instance, CBC, "ManufactureDate", answer["manufactured"].isoformat()
                )
            if serial:
                _add(instance, CBC, "SerialID", serial)
            if answer.get("lot"):
                lot = _add(instance, CAC, "LotIdentification")
                _add(lot, CBC, "LotNumberID", answer["lot"])
                if answer.get("expiry"):
                    _add(lot, CBC, "ExpiryDate", answer["expiry"].isoformat())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# ------------------------------------------------------------------ the supplier

PEPPOL_BACKEND = "demo_helios_peppol"
SERIAL_ITEMS = {"HMB-PUMP1", "NBP-3000"}
ORDER_DOCUMENTS = ("Order", "OrderChange")
# the answers the simulator's page offers for an order of each format
ADDED_LINE_ANSWER = "OrderResponse (added line)"
PAGE_ANSWERS = {"peppol": ("OrderResponse", ADDED_LINE_ANSWER, "DespatchAdvice")}
# the line the supplier adds when asked to (the demo's alcohol prep pads)
ADDED_ITEM = {"code": "HMB-AP200", "name": "Alcohol prep pads (box of 200)"}


def read_order(body):
    """(order number, [(line id, quantity, seller's item code)]) of an Order or
    Order Change, or None for any other document."""
    try:
        order = _parse(body)
    except etree.XMLSyntaxError:
        return None
    if etree.QName(order).localname not in ORDER_DOCUMENTS:
        return None
    lines = [
        (
            _text(item, "cbc:ID"),
            float(_text(item, "cbc:Quantity") or 0),
            _text(item, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
        )
        for item in order.iterfind("cac:OrderLine/cac:LineItem", NS)
        if _text(item, "cbc:LineStatusCode") != "2"
    ]
    return _order_id(order), lines


class PeppolSupplier:
    """A Peppol supplier's side of the procurement simulator: the orders it
    received and its answers, posted to Odoo's signed webhooks."""

    def peppol_orders(self):
        found = {}
        for request in self.requests(method="POST"):
            if not request["body"].startswith("<"):
                continue
            read = read_order(request["body"].encode())
            if read:
                po_number, lines = read
                found[po_number] = {
                    "format": "peppol",
                    "lines": lines,
                    "xml": request["body"].encode(),
                }
        return found

    def peppol_senders(self):
        """{page action: method} of the Peppol answers."""
        return {
            "OrderResponse": self.send_order_response,
            ADDED_LINE_ANSWER: self.send_order_response_with_added_line,
            "DespatchAdvice": self.send_despatch_advice,
        }

    def post_peppol(self, flow_code, body):
        backend = getattr(self, "peppol_backend", PEPPOL_BACKEND)
        url = f"{self.odoo_url}/hc/webhook/{backend}/{flow_code}"
        return self.call_webhook(url, body, headers={"Content-Type": "application/xml"})

    def send_order_response_with_added_line(self, po_number):
        """As ``send_order_response``, and the supplier adds a line of its own
        (status 1) for the buyer to accept or decline."""
        return self.send_order_response(po_number, add_line=True)

    def send_order_response(self, po_number, add_line=False):
        """Accepted with changes: the second line halved and a week later."""
        order = self._order(po_number)
        later = dt.date.today() + dt.timedelta(days=7)
        answers = [
            {"line": line_id, "status": "5"}
            if number != 1
            else {
                "line": line_id,
                "status": "3",
                "quantity": max(int(quantity // 2), 1),
                "date": later,
            }
            for number, (line_id, quantity, _code) in enumerate(order["lines"])
        ]
        if add_line:
            numbers = [int(a["line"]) for a in answers if a["line"].isdigit()]
            answers.append(
                {
                    "line": str(max(numbers or [0]) + 1),
                    "status": "1",
                    "quantity": 10,
                    "price": 2.95,
                    "date": later,
                    "item": ADDED_ITEM,
                }
            )
        code = "CA" if len(answers) > 1 else "AP"
        # what it will ship: what it confirmed
        confirmed = {line_id: quantity for line_id, quantity, _code in order["lines"]}
        confirmed.update(
            {a["line"]: a["quantity"] for a in answers if a.get("quantity")}
        )
        self.__dict__.setdefault("peppol_confirmed", {})[po_number] = confirmed
        body = order_response(order["xml"], code, answers if code == "CA" else ())
        return self.post_peppol("procurement.ack_in_ubl", body)

    def send_despatch_advice(self, po_number):
        """Everything confirmed shipped but a quarter of the first line, which
        follows next week (outstanding quantity and reason): lots with expiry
        and manufacture dates, serial numbers (with their lot) for the pumps."""
        order = self._order(po_number)
        today = dt.date.today()
        shipped = []
        confirmed = self.__dict__.get("peppol_confirmed", {}).get(po_number, {})
        for number, (line_id, ordered, code) in enumerate(order["lines"]):
            quantity = confirmed.get(line_id, ordered)
            outstanding = 0
            if number == 0 and code not in SERIAL_ITEMS and quantity >= 4:
                outstanding = int(quantity // 4)
                quantity -= outstanding
            line = {
                "line": line_id,
                "quantity": int(quantity),
                "outstanding": outstanding,
                "outstanding_reason": "Backordered, ships next week"
                if outstanding
                else None,
                "lot": f"{(code or 'LOT').split('-')[-1]}-{today:%y%m}",
                "expiry": today.replace(year=today.year + 2),
                "manufactured": today - dt.timedelta(days=30),
            }
            if code in SERIAL_ITEMS:
                line["serials"] = [
                    f"{code}-{po_number}-{n}".replace("/", "")
                    for n in range(1, int(quantity) + 1)
                ]
            shipped.append(line)
        body = despatch_advice(order["xml"], f"DESADV-{po_number}", shipped)
        return self.post_peppol("procurement.asn_in_ubl", body)
