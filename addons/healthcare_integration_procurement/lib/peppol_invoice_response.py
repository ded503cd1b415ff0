"""Peppol BIS Invoice Response 3 (T111): what the buyer tells the seller of
an invoice it received, as an ApplicationResponse built from that invoice.

Response codes (UNCL 4343 subset): ``AP`` accepted, ``UQ`` under query,
``CA`` conditionally accepted, ``RE`` rejected, ``PD`` paid. A status says
why (``OPStatusReason``: ``PRI`` prices, ``QTY`` quantity, ``DEL`` delivery,
``ITM`` items, ``REF`` references...) and what the seller should do
(``OPStatusAction``: ``NIN`` issue a new invoice, ``CNP`` credit partially,
``PIN`` provide information...).
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from .peppol_ordering import CAC, CBC, NS, _add

CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:invoice_response:3"
PROFILE = "urn:fdc:peppol.eu:poacc:bis:invoice_response:3"
RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"

ACCEPTED, UNDER_QUERY, CONDITIONALLY_ACCEPTED, REJECTED, PAID = (
    "AP",
    "UQ",
    "CA",
    "RE",
    "PD",
)
# the three-way match's verdict of a line -> (reason, action) of the response
MATCH_REASONS = {
    "price_variance": ("PRI", "CNA"),
    "qty_over_received": ("DEL", "CNP"),
    "qty_over_ordered": ("QTY", "CNP"),
    "not_on_order": ("ITM", "NIN"),
}
NO_ORDER = ("REF", "PIN")


def _party(root, invoice, source: str, role: str) -> None:
    party = invoice.find(f"cac:{source}/cac:Party", NS)
    if party is None or party.find("cbc:EndpointID", NS) is None:
        raise ValueError(f"The invoice has no Peppol address in cac:{source}")
    node = _add(root, CAC, role)
    endpoint = party.find("cbc:EndpointID", NS)
    _add(node, CBC, "EndpointID", endpoint.text.strip(), **dict(endpoint.attrib))
    name = party.findtext(
        "cac:PartyLegalEntity/cbc:RegistrationName", namespaces=NS
    ) or party.findtext("cac:PartyName/cbc:Name", namespaces=NS)
    _add(_add(node, CAC, "PartyLegalEntity"), CBC, "RegistrationName", name)


def invoice_response(
    invoice,
    code: str,
    response_id: str,
    issue_date: dt.date,
    reasons=(),
    actions=(),
) -> bytes:
    """The Invoice Response of ``invoice`` (the received UBL Invoice or
    CreditNote, an lxml element), e.g.::

        invoice_response(root, "UQ", "P-INV-7-UQ", date.today(),
                         reasons=[("PRI", "Line 1: 9.63 invoiced, 8.75 ordered")],
                         actions=["CNA"])

    The sender is the invoice's buyer, the receiver its seller.
    """
    kind = etree.QName(invoice).localname
    if kind not in ("Invoice", "CreditNote"):
        raise ValueError(f"Expected a UBL Invoice or CreditNote, got {kind}")
    root = etree.Element(
        f"{{{RESPONSE_NS}}}ApplicationResponse",
        nsmap={None: RESPONSE_NS, "cac": CAC, "cbc": CBC},
    )
    _add(root, CBC, "CustomizationID", CUSTOMIZATION)
    _add(root, CBC, "ProfileID", PROFILE)
    _add(root, CBC, "ID", response_id)
    _add(root, CBC, "IssueDate", issue_date.isoformat())
    _party(root, invoice, "AccountingCustomerParty", "SenderParty")
    _party(root, invoice, "AccountingSupplierParty", "ReceiverParty")
    document = _add(root, CAC, "DocumentResponse")
    response = _add(document, CAC, "Response")
    _add(response, CBC, "ResponseCode", code)
    for reason, text in reasons:
        status = _add(response, CAC, "Status")
        _add(status, CBC, "StatusReasonCode", reason, listID="OPStatusReason")
        if text:
            _add(status, CBC, "StatusReason", text)
    for action in dict.fromkeys(actions):
        status = _add(response, CAC, "Status")
        _add(status, CBC, "StatusReasonCode", action, listID="OPStatusAction")
    reference = _add(document, CAC, "DocumentReference")
    _add(reference, CBC, "ID", invoice.findtext("cbc:ID", namespaces=NS).strip())
    type_code = invoice.findtext(f"cbc:{kind}TypeCode", namespaces=NS)
    _add(reference, CBC, "DocumentTypeCode", (type_code or "380").strip())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
