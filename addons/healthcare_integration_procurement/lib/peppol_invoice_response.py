"""Peppol BIS Invoice Response 3 (T111): what the buyer tells the seller of
an invoice it received, as an ApplicationResponse built from that invoice.

Response codes (UNCL 4343 subset): ``AP`` accepted, ``UQ`` under query
(the buyer waits for the seller), ``CA`` conditionally accepted (the buyer
pays on the conditions stated, e.g. once the variance is credited), ``RE``
rejected (the buyer will not process the invoice any further), ``PD`` paid.
A status says why (``OPStatusReason``: ``PRI`` prices, ``QTY`` quantity,
``DEL`` delivery, ``ITM`` items, ``REF`` references...) and what the seller
should do (``OPStatusAction``: ``NIN`` issue a new invoice, ``CNF`` credit
fully, ``CNP`` credit partially, ``PIN`` provide information...). Under
query, conditionally accepted and rejected always say why (at least one
status); a code outside the two lists is refused before anything is written.
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
# the codes a status may carry, by list (OpenPeppol code lists)
STATUS_REASONS = {
    "NON": "No issue",
    "REF": "References incorrect",
    "LEG": "Legal information incorrect",
    "REC": "Receiver unknown",
    "QUA": "Item quality insufficient",
    "DEL": "Delivery issues",
    "PRI": "Prices incorrect",
    "QTY": "Quantity incorrect",
    "ITM": "Items incorrect",
    "PAY": "Payment terms incorrect",
    "UNR": "Not recognized",
    "FIN": "Finance terms incorrect",
    "PPD": "Partially paid",
    "OTH": "Other",
}
STATUS_ACTIONS = {
    "NOA": "No action required",
    "PIN": "Provide information",
    "NIN": "Issue a new invoice",
    "CNF": "Credit fully",
    "CNP": "Credit partially",
    "CNA": "Credit the amount paid",
    "OTH": "Other",
}
# the codes that must say why
EXPLAINED = (UNDER_QUERY, CONDITIONALLY_ACCEPTED, REJECTED)
# the three-way match's verdict of a line -> (reason, action) of the response;
# a variance on an invoice not yet paid is credited partially (CNA is for an
# amount already paid)
MATCH_REASONS = {
    "price_variance": ("PRI", "CNP"),
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


def _check_statuses(code: str, reasons, actions) -> None:
    if code not in (ACCEPTED, *EXPLAINED, PAID):
        raise ValueError(f"Unknown invoice response code {code}")
    unknown = [r for r, _text in reasons if r not in STATUS_REASONS] + [
        a for a in actions if a not in STATUS_ACTIONS
    ]
    if unknown:
        raise ValueError(f"Unknown status code(s): {', '.join(unknown)}")
    if code in EXPLAINED and not (reasons or actions):
        raise ValueError(f"An invoice response {code} must say why (a status)")
    if code != PAID and any(r == "PPD" for r, _text in reasons):
        raise ValueError("Partially paid (PPD) only goes with the code PD")


def invoice_response(
    invoice,
    code: str,
    response_id: str,
    issue_date: dt.date,
    reasons=(),
    actions=(),
    note: str | None = None,
) -> bytes:
    """The Invoice Response of ``invoice`` (the received UBL Invoice or
    CreditNote, an lxml element), e.g.::

        invoice_response(root, "CA", "P-INV-7-CA", date.today(),
                         reasons=[("PRI", "Line 1: 9.63 invoiced, 8.75 ordered")],
                         actions=["CNP"],
                         note="Please credit the price difference.")

    The sender is the invoice's buyer, the receiver its seller; ``note`` is
    the buyer's own words to the seller (the message note).
    """
    kind = etree.QName(invoice).localname
    if kind not in ("Invoice", "CreditNote"):
        raise ValueError(f"Expected a UBL Invoice or CreditNote, got {kind}")
    _check_statuses(code, reasons, actions)
    root = etree.Element(
        f"{{{RESPONSE_NS}}}ApplicationResponse",
        nsmap={None: RESPONSE_NS, "cac": CAC, "cbc": CBC},
    )
    _add(root, CBC, "CustomizationID", CUSTOMIZATION)
    _add(root, CBC, "ProfileID", PROFILE)
    _add(root, CBC, "ID", response_id)
    _add(root, CBC, "IssueDate", issue_date.isoformat())
    if note and note.strip():
        _add(root, CBC, "Note", " ".join(note.split()))
    _party(root, invoice, "AccountingCustomerParty", "SenderParty")
    _party(root, invoice, "AccountingSupplierParty", "ReceiverParty")
    document = _add(root, CAC, "DocumentResponse")
    response = _add(document, CAC, "Response")
    _add(response, CBC, "ResponseCode", code)
    for reason, text in reasons:
        status = _add(response, CAC, "Status")
        _add(status, CBC, "StatusReasonCode", reason, listID="OPStatusReason")
        if text or reason == "OTH":
            # "other" says what in words
            _add(status, CBC, "StatusReason", text or STATUS_REASONS[reason])
    for action in dict.fromkeys(actions):
        status = _add(response, CAC, "Status")
        _add(status, CBC, "StatusReasonCode", action, listID="OPStatusAction")
        if action == "OTH":
            _add(status, CBC, "StatusReason", STATUS_ACTIONS[action])
    reference = _add(document, CAC, "DocumentReference")
    _add(reference, CBC, "ID", invoice.findtext("cbc:ID", namespaces=NS).strip())
    type_code = invoice.findtext(f"cbc:{kind}TypeCode", namespaces=NS)
    _add(reference, CBC, "DocumentTypeCode", (type_code or "380").strip())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
