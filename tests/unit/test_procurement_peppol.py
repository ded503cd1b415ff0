"""Peppol BIS Advanced Ordering documents made from an order: the Order
Change (T114) and the Order Cancellation (T115), database-free."""

import datetime as dt
from pathlib import Path

import procurement_peppol
import pytest
from addon_lib import addon_lib
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


peppol = addon_lib("procurement", "peppol_ordering")


def order_xml(lines, origin=None):
    """An order shaped as Odoo's builder writes it: [(id, qty, price)]."""
    rows = "".join(
        f"""<cac:OrderLine><cac:LineItem><cbc:ID>{number}</cbc:ID>
        <cbc:Quantity unitCode="C62">{qty}</cbc:Quantity>
        <cbc:LineExtensionAmount currencyID="EUR">{qty * price:.2f}
        </cbc:LineExtensionAmount><cac:Price>
        <cbc:PriceAmount currencyID="EUR">{price}</cbc:PriceAmount></cac:Price>
        <cac:Item><cbc:Name>Item {number}</cbc:Name></cac:Item>
        </cac:LineItem></cac:OrderLine>"""
        for number, qty, price in lines
    )
    reference = (
        f"<cac:OriginatorDocumentReference><cbc:ID>{origin}</cbc:ID>"
        "</cac:OriginatorDocumentReference>"
        if origin
        else ""
    )
    party = """<cac:Party><cbc:EndpointID schemeID="0088">{gln}</cbc:EndpointID>
        <cac:PostalAddress><cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode>
        </cac:Country></cac:PostalAddress><cac:PartyLegalEntity>
        <cbc:RegistrationName>{name}</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
    <Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
        xmlns:cac="{NS["cac"]}" xmlns:cbc="{NS["cbc"]}">
    <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order:3</cbc:CustomizationID>
    <cbc:ProfileID>{peppol.PROFILE}</cbc:ProfileID>
    <cbc:ID>P00042</cbc:ID><cbc:IssueDate>2026-03-01</cbc:IssueDate>
    <cbc:OrderTypeCode>220</cbc:OrderTypeCode>
    <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>{reference}
    <cac:BuyerCustomerParty>{party.format(gln="0860001000016", name="Hospital")}
    </cac:BuyerCustomerParty>
    <cac:SellerSupplierParty>{party.format(gln="5400000000003", name="Supplier")}
    </cac:SellerSupplierParty>
    <cac:AnticipatedMonetaryTotal>
    <cbc:PayableAmount currencyID="EUR">1</cbc:PayableAmount>
    </cac:AnticipatedMonetaryTotal>{rows}</Order>""".encode()


def names(root):
    return [etree.QName(child).localname for child in root]


def parse(data):
    return etree.fromstring(data)  # noqa: S320 (built by the test)


def test_cancellation_keeps_the_orders_profile_and_parties():
    cancel = parse(
        peppol.order_cancellation(order_xml([(1, 2, 5.0)]), dt.date(2026, 3, 2), "no")
    )
    assert etree.QName(cancel).localname == "OrderCancellation"
    assert cancel.findtext("cbc:ProfileID", namespaces=NS) == peppol.PROFILE
    assert cancel.findtext("cac:OrderReference/cbc:ID", namespaces=NS) == "P00042"
    endpoints = cancel.findall(".//cbc:EndpointID", NS)
    assert [e.text for e in endpoints] == ["0860001000016", "5400000000003"]
    # UBL 2.1 order of the cancellation's elements
    assert names(cancel) == [
        "CustomizationID",
        "ProfileID",
        "ID",
        "IssueDate",
        "CancellationNote",
        "OrderReference",
        "BuyerCustomerParty",
        "SellerSupplierParty",
    ]


def test_change_lists_each_line_with_its_action():
    sent = order_xml([(1, 20, 8.75), (2, 15, 14.2), (3, 4, 212.16)])
    now = order_xml([(1, 25, 8.75), (2, 15, 14.2), (4, 10, 6.4)], origin="REQ-1")
    change = parse(peppol.order_change(now, sent, 1, "P00042-rev2"))
    assert etree.QName(change).localname == "OrderChange"
    assert change.findtext("cbc:ID", namespaces=NS) == "P00042-rev2"
    assert change.findtext("cbc:SequenceNumberID", namespaces=NS) == "1"
    assert change.findtext("cac:OrderReference/cbc:ID", namespaces=NS) == "P00042"
    assert "OrderTypeCode" not in names(change), "no order type in a change"
    header = names(change)
    assert header.index("SequenceNumberID") < header.index("DocumentCurrencyCode")
    assert header.index("OrderReference") < header.index("OriginatorDocumentReference")
    lines = {
        item.findtext("cbc:ID", namespaces=NS): (
            item.findtext("cbc:LineStatusCode", namespaces=NS),
            item.findtext("cbc:Quantity", namespaces=NS),
            item.findtext("cbc:LineExtensionAmount", namespaces=NS).strip(),
        )
        for item in change.iterfind("cac:OrderLine/cac:LineItem", NS)
    }
    assert lines == {
        "1": ("3", "25", "218.75"),
        "2": ("4", "15", "213.00"),
        "4": ("1", "10", "64.00"),
        # deleted: the line as it was, nothing left of it
        "3": ("2", "0", "0"),
    }
    item = change.find("cac:OrderLine/cac:LineItem", NS)
    assert names(item)[:3] == ["ID", "LineStatusCode", "Quantity"]


def test_a_change_is_made_from_an_order_only():
    with pytest.raises(ValueError, match="Expected a UBL Order"):
        peppol.order_change(b"<Invoice/>", order_xml([(1, 1, 1.0)]), 1, "X")


ubl = addon_lib("procurement", "ubl_documents")
docs = addon_lib("procurement", "documents")


def test_order_response_codes():
    sim = procurement_peppol
    order = order_xml([(1, 20, 8.75), (2, 15, 14.2)])
    accepted = ubl.read_order_response(parse(sim.order_response(order, "AP")))
    assert (accepted["header_status"], accepted["lines"]) == ("accepted", [])
    rejected = ubl.read_order_response(parse(sim.order_response(order, "RE")))
    assert rejected["header_status"] == "rejected"
    assert rejected["parties"]["seller"] == ("0088", "5400000000003")
    changed = ubl.read_order_response(
        parse(
            sim.order_response(
                order,
                "CA",
                [{"line": 1, "status": "5"}, {"line": 2, "status": "3", "price": 15}],
            )
        )
    )
    first, second = (line["acks"][0] for line in changed["lines"])
    assert (first["status"], first["quantity"]) == ("accepted", None)
    assert (second["status"], second["unit_price"]) == ("changed", 15)
    with pytest.raises(docs.DocumentError, match="PEPPOL-T116-R007"):
        ubl.read_order_response(parse(sim.order_response(order, "CA")))
    with pytest.raises(docs.DocumentError, match="UNCL 4343"):
        ubl.read_order_response(parse(sim.order_response(order, "XX")))


def test_despatch_advice_keeps_serial_and_lot_together():
    sim = procurement_peppol
    advice = sim.despatch_advice(
        order_xml([(1, 2, 1450.0)]),
        "D1",
        [
            {
                "line": 1,
                "quantity": 2,
                "serials": ["S1", "S2"],
                "lot": "L9",
                "expiry": dt.date(2031, 1, 31),
                "manufactured": dt.date(2026, 1, 15),
            }
        ],
    )
    [shipped] = ubl.read_despatch_advice(parse(advice))["orders"]
    [line] = shipped["lines"]
    assert line["serials"] == ["S1", "S2"]
    assert line["lots"] == [
        {
            "lot": "L9",
            "quantity": 2,
            "expiry": dt.date(2031, 1, 31),
            "manufactured": dt.date(2026, 1, 15),
        }
    ]
    assert {(i["serial"], i["lot"]) for i in line["instances"]} == {
        ("S1", "L9"),
        ("S2", "L9"),
    }


def test_whole_order_answers_have_no_lines():
    sim = procurement_peppol
    order = order_xml([(1, 20, 8.75)])
    response = parse(sim.order_response(order, "CA", [{"line": 1, "status": "5"}]))
    response.find("{*}OrderResponseCode").text = "AP"
    rules = addon_lib("procurement", "peppol_rules")
    [problem] = rules.order_response(response)
    assert problem.startswith("cac:OrderLine: an order response with code AP")
    assert "PEPPOL-T116-R008" in problem
    with pytest.raises(docs.DocumentError, match="breaks Peppol BIS 3"):
        ubl.read_order_response(response)


def test_substitution_or_acceptance_without_quantity_is_as_ordered():
    sim = procurement_peppol
    order = order_xml([(1, 20, 8.75), (2, 15, 14.2)])
    answer = sim.order_response(
        order,
        "CA",
        [
            {"line": 1, "status": "3", "substitute": {"code": "X-1", "name": "X"}},
            {"line": 2, "status": "5"},
        ],
    )
    first, second = ubl.read_order_response(parse(answer))["lines"]
    assert (first["acks"][0]["status"], first["acks"][0]["quantity"]) == (
        "substituted",
        None,
    )
    assert second["acks"][0]["quantity"] is None


def test_invoice_response_answers_the_invoice_by_peppol_address():
    responses = addon_lib("procurement", "peppol_invoice_response")
    invoice = parse(
        (ROOT / "addons/healthcare_integration_procurement/tests/data/ubl_invoice.xml")
        .read_bytes()
        .replace(b"{NUMBER}", b"INV-9")
    )
    answer = parse(
        responses.invoice_response(
            invoice, "UQ", "R-1", dt.date(2026, 3, 2), [("PRI", "line 1")], ["CNA"]
        )
    )
    assert answer.findtext("cbc:ProfileID", namespaces=NS) == responses.PROFILE
    sender = answer.find("cac:SenderParty/cbc:EndpointID", NS)
    receiver = answer.find("cac:ReceiverParty/cbc:EndpointID", NS)
    assert (sender.get("schemeID"), receiver.get("schemeID")) == ("0184", "0208")
    codes = [
        (node.get("listID"), node.text)
        for node in answer.iterfind(".//cac:Status/cbc:StatusReasonCode", NS)
    ]
    assert codes == [("OPStatusReason", "PRI"), ("OPStatusAction", "CNA")]
    reference = answer.findtext(
        "cac:DocumentResponse/cac:DocumentReference/cbc:ID", namespaces=NS
    )
    assert reference == "INV-9"
    with pytest.raises(ValueError, match="Expected a UBL Invoice"):
        responses.invoice_response(parse(order_xml([])), "AP", "R-2", dt.date.today())


def test_invoice_response_says_why_with_listed_codes():
    responses = addon_lib("procurement", "peppol_invoice_response")
    invoice = parse(
        (ROOT / "addons/healthcare_integration_procurement/tests/data/ubl_invoice.xml")
        .read_bytes()
        .replace(b"{NUMBER}", b"INV-9")
    )
    answer = parse(
        responses.invoice_response(
            invoice,
            "RE",
            "R-3",
            dt.date(2026, 3, 2),
            [("OTH", None)],
            ["CNF", "OTH"],
            note="  Not  our\n invoice ",
        )
    )
    assert answer.findtext("cbc:Note", namespaces=NS) == "Not our invoice"
    names = [etree.QName(child).localname for child in answer]
    assert names.index("Note") < names.index("SenderParty")
    # "other" always says what in words
    for status in answer.iterfind(".//cac:Status", NS):
        if status.findtext("cbc:StatusReasonCode", namespaces=NS) == "OTH":
            assert status.findtext("cbc:StatusReason", namespaces=NS)
    for code, reasons, actions, message in (
        ("CA", [], [], "must say why"),
        ("UQ", [("XYZ", "x")], [], "Unknown status code"),
        ("RE", [("PRI", "x")], ["CREDIT"], "Unknown status code"),
        ("AP", [("PPD", "half")], [], "only goes with the code PD"),
        ("ZZ", [], [], "Unknown invoice response code"),
    ):
        with pytest.raises(ValueError, match=message):
            responses.invoice_response(
                invoice, code, "R-4", dt.date.today(), reasons, actions
            )


def test_a_line_the_supplier_adds_is_read_apart():
    sim = procurement_peppol
    order = order_xml([(1, 20, 8.75)])
    added = {
        "line": "2",
        "status": "1",
        "quantity": 4,
        "price": 3.1,
        "date": dt.date(2026, 3, 20),
        "item": {"code": "NBA-0200", "name": "Alcohol prep pads"},
    }
    answer = ubl.read_order_response(
        parse(sim.order_response(order, "CA", [{"line": 1, "status": "5"}, added]))
    )
    assert [line["line_number"] for line in answer["lines"]] == ["1"]
    [line] = answer["added"]
    assert (line["line_number"], line["item_code"], line["description"]) == (
        "2",
        "NBA-0200",
        "Alcohol prep pads",
    )
    assert (line["quantity"], line["unit_price"], line["date"]) == (
        4,
        docs.decimal("3.1", "price"),
        dt.date(2026, 3, 20),
    )
    no_item = dict(added, item={"name": "Something"})
    with pytest.raises(docs.DocumentError, match="names no item"):
        ubl.read_order_response(parse(sim.order_response(order, "CA", [no_item])))


def test_despatch_advice_says_what_is_still_to_come():
    sim = procurement_peppol
    advice = sim.despatch_advice(
        order_xml([(1, 20, 8.75), (2, 5, 1.0)]),
        "D2",
        [
            {
                "line": 1,
                "quantity": 15,
                "outstanding": 5,
                "outstanding_reason": "Backordered",
            },
            {"line": 2, "quantity": 5},
        ],
    )
    [shipped] = ubl.read_despatch_advice(parse(advice))["orders"]
    first, second = shipped["lines"]
    assert (first["outstanding"], first["outstanding_reason"]) == (5, "Backordered")
    assert (second["outstanding"], second["outstanding_reason"]) == (None, None)
