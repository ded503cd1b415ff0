"""Peppol BIS Advanced Ordering 3: the Order Change (T114) and the Order
Cancellation (T115) a buyer sends, made from the Order (T01) Odoo writes.

Every document of one order declares the same profile (``PROFILE``): a
supplier's access point refuses a cancellation or a change whose profile
differs from the order's, and only Advanced Ordering has changes and
cancellations. The parties, lines and totals of a change or a cancellation
are those of the Order Odoo builds (``purchase.edi.xml.ubl_bis3``), so each
Peppol rule about them is written once, in that builder.

A change lists every line with its UNCL 1229 action against the last
document the supplier received: ``1`` added, ``2`` deleted (the line as it
was, with quantity and amount 0 so that the totals still add up), ``3``
changed, ``4`` no action.
"""

from __future__ import annotations

import copy
import datetime as dt

from lxml import etree

PROFILE = "urn:fdc:peppol.eu:poacc:bis:advanced_ordering:3"
ORDER_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order:3"
CHANGE_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order_change:3"
CANCELLATION_CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:order_cancellation:3"

ORDER_NS = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
CHANGE_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderChange-2"
CANCELLATION_NS = "urn:oasis:names:specification:ubl:schema:xsd:OrderCancellation-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}

LINE_ADDED, LINE_DELETED, LINE_CHANGED, LINE_UNCHANGED = "1", "2", "3", "4"

# UBL 2.1 OrderChange: the header elements in schema order (those an Order
# Odoo writes can carry), and the Order elements a change has no place for
_CHANGE_HEADER = (
    "CustomizationID ProfileID ID SalesOrderID IssueDate IssueTime "
    "SequenceNumberID Note DocumentCurrencyCode CustomerReference "
    "AccountingCost ValidityPeriod OrderReference"
).split()
_NOT_IN_CHANGE = {
    "OrderTypeCode",
    "QuotationDocumentReference",
    "OrderDocumentReference",
    "CatalogueReference",
    "ProjectReference",
}
# a line's content that, when it differs, makes the line "changed"
_LINE_TERMS = (
    "cbc:Quantity",
    "cbc:Quantity/@unitCode",
    "cac:Price/cbc:PriceAmount",
    "cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate",
    "cac:Item/cac:SellersItemIdentification/cbc:ID",
    "cac:Item/cac:StandardItemIdentification/cbc:ID",
)


def _qname(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _parse(document) -> etree._Element:
    if isinstance(document, bytes | str):
        # documents Odoo wrote itself; still no entities, no network
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        data = document.encode() if isinstance(document, str) else document
        return etree.fromstring(data, parser=parser)  # noqa: S320
    return document.getroot() if hasattr(document, "getroot") else document


def _order(document) -> etree._Element:
    root = _parse(document)
    if root.tag not in (_qname(ORDER_NS, "Order"), _qname(CHANGE_NS, "OrderChange")):
        raise ValueError(f"Expected a UBL Order, got {etree.QName(root).localname}")
    return root


def _new_root(namespace: str, name: str) -> etree._Element:
    return etree.Element(
        _qname(namespace, name), nsmap={None: namespace, "cac": CAC, "cbc": CBC}
    )


def _add(parent, namespace: str, name: str, value=None, **attributes):
    """A child element ``name`` of ``parent``, with its text and attributes."""
    node = etree.SubElement(parent, _qname(namespace, name), attributes)
    if value is not None:
        node.text = str(value)
    return node


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _text(node, path: str) -> str | None:
    if "/@" in path:
        element, attribute = path.split("/@")
        found = node.find(element, NS)
        return found.get(attribute) if found is not None else None
    value = node.findtext(path, namespaces=NS)
    return value.strip() if value else None


def order_cancellation(
    order_document, issue_date: dt.date, note: str, document_id: str | None = None
) -> bytes:
    """The Order Cancellation of the order ``order_document`` (bytes or tree).

    Same profile, same buyer and seller parties as the order, e.g.::

        order_cancellation(order_xml, date.today(), "Not needed anymore")
    """
    order = _order(order_document)
    order_id = _text(order, "cbc:ID")
    if order.tag == _qname(CHANGE_NS, "OrderChange"):
        order_id = _text(order, "cac:OrderReference/cbc:ID")
    root = _new_root(CANCELLATION_NS, "OrderCancellation")
    _add(root, CBC, "CustomizationID", CANCELLATION_CUSTOMIZATION)
    _add(root, CBC, "ProfileID", PROFILE)
    _add(root, CBC, "ID", document_id or f"{order_id}-CANCEL")
    _add(root, CBC, "IssueDate", issue_date.isoformat())
    _add(root, CBC, "CancellationNote", note)
    _add(_add(root, CAC, "OrderReference"), CBC, "ID", order_id)
    for role in ("BuyerCustomerParty", "SellerSupplierParty"):
        party = order.find(f"cac:{role}", NS)
        if party is None:
            raise ValueError(f"The order has no cac:{role}")
        root.append(copy.deepcopy(party))
    return _serialize(root)


def _lines_by_id(order) -> dict[str, etree._Element]:
    return {
        _text(line, "cac:LineItem/cbc:ID"): line
        for line in order.findall("cac:OrderLine", NS)
    }


def _with_status(order_line, code: str) -> etree._Element:
    line = copy.deepcopy(order_line)
    item = line.find("cac:LineItem", NS)
    if code == LINE_DELETED:
        for term in ("cbc:Quantity", "cbc:LineExtensionAmount"):
            for node in item.findall(term, NS):
                node.text = "0"
    for old in item.findall("cbc:LineStatusCode", NS):
        item.remove(old)
    status = etree.Element(_qname(CBC, "LineStatusCode"))
    status.text = code
    # UBL 2.1 LineItem: ID, SalesOrderID, UUID, Note, LineStatusCode, ...
    after = [
        child
        for child in item
        if etree.QName(child).localname in ("ID", "SalesOrderID", "UUID", "Note")
    ]
    item.insert(item.index(after[-1]) + 1 if after else 0, status)
    return line


def line_actions(order_document, previous_document) -> dict[str, str]:
    """UNCL 1229 action of each line of ``order_document`` against the last
    document sent (``previous_document``), deleted lines included."""
    current, previous = (
        _lines_by_id(_order(order_document)),
        _lines_by_id(_order(previous_document)),
    )
    actions = {}
    for line_id, line in current.items():
        before = previous.get(line_id)
        if before is None:
            actions[line_id] = LINE_ADDED
            continue
        now_item, then_item = (
            line.find("cac:LineItem", NS),
            before.find("cac:LineItem", NS),
        )
        same = all(
            _text(now_item, term) == _text(then_item, term) for term in _LINE_TERMS
        )
        actions[line_id] = LINE_UNCHANGED if same else LINE_CHANGED
    for line_id in previous:
        if line_id not in current:
            actions[line_id] = LINE_DELETED
    return actions


def order_change(
    order_document, previous_document, sequence: int, document_id: str
) -> bytes:
    """The Order Change that turns ``previous_document`` (the Order or Order
    Change the supplier has) into ``order_document`` (the order as it is now,
    written by Odoo), numbered ``sequence`` (1 for the first change), e.g.::

        order_change(new_order_xml, sent_xml, 1, "P00012-rev2")
    """
    order = _order(order_document)
    previous = _order(previous_document)
    actions = line_actions(order, previous)
    order_id = _text(order, "cbc:ID")
    root = _new_root(CHANGE_NS, "OrderChange")
    header = {name: [] for name in _CHANGE_HEADER}
    body = []
    for child in order:
        name = etree.QName(child).localname
        if name in _NOT_IN_CHANGE or name == "OrderLine":
            continue
        (header[name] if name in header else body).append(copy.deepcopy(child))
    header["CustomizationID"][0].text = CHANGE_CUSTOMIZATION
    header["ProfileID"][0].text = PROFILE
    header["ID"][0].text = document_id
    sequence_node = etree.Element(_qname(CBC, "SequenceNumberID"))
    sequence_node.text = str(sequence)
    header["SequenceNumberID"] = [sequence_node]
    reference = etree.Element(_qname(CAC, "OrderReference"))
    _add(reference, CBC, "ID", order_id)
    header["OrderReference"] = [reference]
    for name in _CHANGE_HEADER:
        root.extend(header[name])
    root.extend(body)
    current_lines, previous_lines = _lines_by_id(order), _lines_by_id(previous)
    for line_id, code in actions.items():
        source = (
            previous_lines[line_id] if code == LINE_DELETED else current_lines[line_id]
        )
        root.append(_with_status(source, code))
    return _serialize(root)
