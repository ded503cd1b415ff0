"""Procurement documents read from X12 (the core's sample interchanges), JSON
and UBL into one shape; orders written as 850 and read back."""

import datetime as dt
import itertools
from decimal import Decimal as D
from pathlib import Path

import pytest
from addon_lib import addon_lib
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
X12_DATA = Path(__file__).parent / "data" / "x12"
TEST_DATA = ROOT / "addons/healthcare_integration_procurement/tests/data"


docs = addon_lib("procurement", "documents")
x12d = addon_lib("procurement", "x12_documents")
ubl = addon_lib("procurement", "ubl_documents")


def test_855_sample_every_status():
    [ack] = x12d.read_855((X12_DATA / "855_po_ack_newline.edi").read_bytes())
    assert (ack["po_number"], ack["reference"]) == ("4500018812", "SO-778201")
    statuses = {
        line["line_number"]: [(a["status"], a["quantity"]) for a in line["acks"]]
        for line in ack["lines"]
    }
    assert statuses == {
        "1": [("accepted", D(20))],
        "2": [("accepted", D(10)), ("backordered", D(5))],
        "3": [("rejected", D(4))],
        "4": [("substituted", D(30))],
        "5": [("changed", D(10))],
        "6": [("accepted", D(25))],
    }
    substitute = ack["lines"][3]["acks"][0]["substitute"]
    assert (substitute["item_code"], substitute["gtin"]) == (
        "NBM-5003X",
        "086000100186",
    )
    assert ack["lines"][1]["acks"][1]["date"] == dt.date(2024, 3, 22)
    assert ack["lines"][0]["item_code"] == "NBG-4402M"


def test_856_sample_lots_serials_expiry():
    [asn] = x12d.read_856((X12_DATA / "856_sopi_wrapped_crlf.edi").read_bytes())
    assert asn["shipment_id"] == "ASN-240314-01"
    [order] = asn["orders"]
    lines = {line["line_number"]: line for line in order["lines"]}
    assert lines["1"]["lots"] == [
        {"lot": "GL24031A", "quantity": D(20), "expiry": dt.date(2027, 2, 28)}
    ]
    assert [(lot["lot"], lot["quantity"]) for lot in lines["4"]["lots"]] == [
        ("MK2401A", D(15)),
        ("MK2401B", D(15)),
    ]
    assert lines["7"]["serials"] == ["NBP3K-001942", "NBP3K-001943"]


def test_856_two_orders():
    [asn] = x12d.read_856((X12_DATA / "856_soi_pipe_5010.edi").read_bytes())
    assert [order["po_number"] for order in asn["orders"]] == [
        "4500019020",
        "4500019021",
    ]


def test_810_sample():
    [invoice] = x12d.read_810((X12_DATA / "810_invoice_4010.edi").read_bytes())
    assert (invoice["invoice_number"], invoice["po_number"]) == (
        "INV-2024-03117",
        "4500018812",
    )
    assert invoice["supplier"]["gln"] == "0860002000015"
    first = invoice["lines"][0]
    assert (first["item_code"], first["unit_price"]) == ("NBG-4402M", D("8.75"))
    assert not invoice["credit_note"]


def test_850_round_trip_in_both_versions():
    order = {
        "purpose": "00",
        "type": "SA",
        "po_number": "P00042",
        "date": dt.date(2026, 3, 1),
        "currency": "USD",
        "lines": [
            {
                "line_number": "1",
                "quantity": D(20),
                "uom": "BX",
                "unit_price": D("8.75"),
                "basis": "PE",
                "ids": {"VP": "NBG-4402M"},
                "description": "GLOVES M",
            }
        ],
    }
    envelope = {"sender_id": "RIVERSIDEGH", "receiver_id": "NORTHBAYMED"}
    for version in ("004010", "005010"):
        data = x12d.build_850(order, envelope, itertools.count(1).__next__, version)
        [read] = x12d.read_850(data)
        assert read["po_number"] == "P00042"
        assert read["lines"][0]["ids"] == {"VP": "NBG-4402M"}
        assert x12d.interchange_control(data) == "000000001"
    with pytest.raises(docs.DocumentError):
        x12d.build_850(order, envelope, itertools.count(1).__next__, "003020")


def test_not_x12_is_a_document_error():
    with pytest.raises(docs.DocumentError):
        x12d.read_855(b"not an interchange")
    with pytest.raises(docs.DocumentError, match="no 855"):
        x12d.read_855((X12_DATA / "810_invoice_4010.edi").read_bytes())


def test_json_readers():
    ack = docs.read_ack_json(
        {
            "po_number": "P1",
            "lines": [
                {
                    "line_number": 1,
                    "item": "A",
                    "acks": [
                        {"status": "accepted", "quantity": 2, "date": "2026-01-02"},
                        {
                            "status": "substituted",
                            "quantity": 1,
                            "substitute": {"item": "B"},
                        },
                    ],
                }
            ],
        }
    )
    assert ack["lines"][0]["acks"][1]["substitute"]["item_code"] == "B"
    with pytest.raises(docs.DocumentError, match="status"):
        docs.read_ack_json(
            {
                "po_number": "P1",
                "lines": [{"line_number": 1, "status": "maybe", "quantity": 1}],
            }
        )
    asn = docs.read_asn_json(
        {
            "shipment_id": "S",
            "po_number": "P1",
            "lines": [
                {
                    "line_number": 1,
                    "quantity": 4,
                    "lots": [{"lot": "L1"}],
                    "expiry": "2028-01-01",
                }
            ],
        }
    )
    assert asn["orders"][0]["lines"][0]["lots"] == [
        {"lot": "L1", "quantity": D(4), "expiry": dt.date(2028, 1, 1)}
    ]
    status = docs.read_payment_status_json({"invoice_number": "I", "status": "paid"})
    assert status["amount_paid"] is None
    with pytest.raises(docs.DocumentError):
        docs.read_invoice_json({"invoice_number": "I", "lines": [{"quantity": 1}]})


def test_ubl_order_response_and_despatch_advice():
    text = (TEST_DATA / "ubl_order_response.xml").read_bytes().replace(b"{PO}", b"P9")
    ack = ubl.read_order_response(etree.fromstring(text))  # noqa: S320
    assert ack["po_number"] == "P9"
    assert [line["acks"][0]["status"] for line in ack["lines"]] == [
        "accepted",
        "changed",
        "rejected",
    ]
    text = (TEST_DATA / "ubl_despatch_advice.xml").read_bytes().replace(b"{PO}", b"P9")
    asn = ubl.read_despatch_advice(etree.fromstring(text))  # noqa: S320
    [order] = asn["orders"]
    assert order["lines"][0]["lots"][0]["expiry"] == dt.date(2028, 3, 31)
    assert order["lines"][1]["serials"] == ["NBP3K-900001"]
    with pytest.raises(docs.DocumentError, match="Expected a UBL"):
        ubl.read_order_response(etree.fromstring(text))  # noqa: S320
