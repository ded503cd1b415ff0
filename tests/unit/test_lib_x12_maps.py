"""850/855/856/810 transaction sets to plain dicts, and dicts back to sets."""

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from addon_lib import addon_lib
from lib import x12
from lib.x12 import Delimiters, X12Error

x12_maps = addon_lib("procurement", "x12_maps")

DATA = Path(__file__).parent / "data" / "x12"
MAPS = {
    "850": x12_maps.map_850,
    "855": x12_maps.map_855,
    "856": x12_maps.map_856,
    "810": x12_maps.map_810,
}
ENVELOPE = {
    "sender_id": "RIVERSIDEGH",
    "receiver_id": "NORTHBAYMED",
    "when": dt.datetime(2024, 3, 12, 8, 15),
}


def read(name):
    (transaction_set,) = x12.transaction_sets(x12.parse((DATA / name).read_bytes()))
    return MAPS[transaction_set.id](transaction_set)


def test_850_header_parties_and_lines():
    po = read("850_hospital_po_4010.edi")
    assert (po["purpose"], po["type"], po["po_number"]) == ("00", "SA", "4500018812")
    assert po["date"] == dt.date(2024, 3, 12)
    assert po["currency"] == "USD"
    assert po["refs"] == {"DP": "CENTRAL SUPPLY", "IA": "V-4471"}
    assert po["dates"] == {"002": dt.date(2024, 3, 19)}
    assert po["contacts"] == [
        {
            "function": "BD",
            "name": "DANA WHITE",
            "communications": {"TE": "6175550142", "EM": "dwhite@riverside-gh.example"},
        }
    ]
    parties = {p["qualifier"]: p for p in po["parties"]}
    assert list(parties) == ["BY", "ST", "BT", "SE"]
    assert parties["ST"]["id_qualifier"] == "UL"
    assert parties["ST"]["id"] == "0860001000023"
    assert (parties["ST"]["street"], parties["ST"]["street2"]) == (
        "1200 RIVERSIDE DRIVE",
        "DOCK 4",
    )
    assert (parties["ST"]["city"], parties["ST"]["postal_code"]) == (
        "SPRINGFIELD",
        "01105",
    )
    assert (parties["SE"]["id_qualifier"], parties["SE"]["id"]) == ("92", "V-4471")
    assert len(po["lines"]) == 6
    gloves, _syringes, iv_sets = po["lines"][:3]
    assert gloves["line_number"] == "1"
    assert gloves["quantity"] == Decimal("20")
    assert (gloves["uom"], gloves["basis"]) == ("BX", "PE")
    assert gloves["unit_price"] == Decimal("8.75")
    assert gloves["ids"] == {"VP": "NBG-4402M", "IN": "100234", "UP": "086000100124"}
    assert gloves["description"] == "NITRILE EXAM GLOVES POWDER-FREE MEDIUM 100/BX"
    assert (gloves["pack"], gloves["pack_size"], gloves["pack_uom"]) == (
        1,
        Decimal("100"),
        "EA",
    )
    assert gloves["dates"] == {}
    assert iv_sets["ids"]["UK"] == "50860001001308"
    assert iv_sets["dates"] == {"002": dt.date(2024, 3, 15)}
    assert po["totals"] == {"lines": 6, "hash_total": Decimal("106")}
    assert po["control_number"] == "0001"


def test_855_acknowledged_lines_with_their_statuses():
    ack = read("855_po_ack_newline.edi")
    assert (ack["purpose"], ack["ack_type"], ack["po_number"]) == (
        "00",
        "AC",
        "4500018812",
    )
    assert (ack["date"], ack["reference"]) == (dt.date(2024, 3, 12), "SO-778201")
    statuses = [[a["status"] for a in line["acks"]] for line in ack["lines"]]
    assert statuses == [["IA"], ["IA", "IB"], ["IR"], ["IS"], ["IQ"], ["DR"]]
    accepted, backordered = ack["lines"][1]["acks"]
    assert (accepted["quantity"], backordered["quantity"]) == (Decimal(10), Decimal(5))
    assert backordered["date_qualifier"] == "068"
    assert backordered["date"] == dt.date(2024, 3, 22)
    rejected = ack["lines"][2]["acks"][0]
    assert (rejected["quantity"], rejected["uom"], rejected["date"]) == (
        Decimal(4),
        "CA",
        None,
    )
    substitute = ack["lines"][3]["acks"][0]
    assert substitute["ids"] == {"VP": "NBM-5003X", "UP": "086000100186"}
    assert ack["lines"][4]["acks"][0]["quantity"] == Decimal(10)
    rescheduled = ack["lines"][5]["acks"][0]
    assert (rescheduled["date_qualifier"], rescheduled["date"]) == (
        "067",
        dt.date(2024, 3, 26),
    )


def test_856_shipment_order_pack_item_hierarchy():
    asn = read("856_sopi_wrapped_crlf.edi")
    assert (asn["shipment_id"], asn["date"], asn["time"]) == (
        "ASN-240314-01",
        dt.date(2024, 3, 14),
        dt.time(16, 30),
    )
    (shipment,) = asn["hierarchy"]
    assert (shipment["id"], shipment["parent"], shipment["level"]) == ("1", None, "S")
    assert shipment["carrier"] == {
        "id_qualifier": "2",
        "id": "UPSN",
        "transport_method": "M",
        "name": "UPS GROUND",
    }
    assert shipment["lading"]["weight"] == Decimal("18.6")
    assert shipment["refs"] == {"BM": "NB-BOL-0031178", "CN": "1Z8F17E40312345674"}
    assert shipment["dates"] == {"017": dt.date(2024, 3, 18)}
    (order,) = shipment["children"]
    assert (order["level"], order["parent"], order["po_number"]) == (
        "O",
        "1",
        "4500018812",
    )
    packs = order["children"]
    assert [p["level"] for p in packs] == ["P", "P"]
    assert packs[0]["marks"] == {"GM": "008600010000000016"}
    assert [[i["id"] for i in p["children"]] for p in packs] == [["4", "5"], ["7", "8"]]
    pump = packs[1]["children"][1]
    assert pump["serials"] == ["NBP3K-001942", "NBP3K-001943"]
    assert asn["totals"]["lines"] == 8


def test_856_flattened_to_lines_per_order_with_lots_serials_expiry():
    (order,) = x12_maps.flatten_856(read("856_sopi_wrapped_crlf.edi"))
    assert order["po_number"] == "4500018812"
    lines = {line["line_number"]: line for line in order["lines"]}
    assert lines["1"]["lots"] == ["GL24031A"]
    assert lines["1"]["ids"] == {"VP": "NBG-4402M", "UP": "086000100124"}
    assert lines["1"]["expiry"] == dt.date(2027, 2, 28)
    assert lines["1"]["sscc"] == "008600010000000016"
    assert lines["2"]["lots"] == ["SY2402117"]
    assert lines["4"]["lots"] == ["MK2401A", "MK2401B"]
    assert lines["4"]["sscc"] == "008600010000000023"
    assert lines["7"]["serials"] == ["NBP3K-001942", "NBP3K-001943"]
    assert lines["7"]["quantity"] == Decimal(2)


def test_856_three_levels_two_orders():
    asn = read("856_soi_pipe_5010.edi")
    (shipment,) = asn["hierarchy"]
    assert [o["po_number"] for o in shipment["children"]] == [
        "4500019020",
        "4500019021",
    ]
    orders = x12_maps.flatten_856(asn)
    assert [len(o["lines"]) for o in orders] == [2, 1]
    iv_sets = orders[0]["lines"][0]
    assert (iv_sets["quantity"], iv_sets["uom"], iv_sets["lots"]) == (
        Decimal(4),
        "CA",
        ["IV24A0317"],
    )
    assert iv_sets["sscc"] is None
    assert orders[1]["lines"][0]["expiry"] == dt.date(2026, 1, 31)


def test_810_invoice_totals_with_implied_decimals():
    invoice = read("810_invoice_4010.edi")
    assert (invoice["invoice_number"], invoice["date"]) == (
        "INV-2024-03117",
        dt.date(2024, 3, 15),
    )
    assert (invoice["po_number"], invoice["po_date"]) == (
        "4500018812",
        dt.date(2024, 3, 12),
    )
    assert invoice["currency"] == "USD"
    assert invoice["terms"]["discount_percent"] == Decimal(2)
    assert (invoice["terms"]["discount_days"], invoice["terms"]["net_days"]) == (10, 30)
    assert [p["qualifier"] for p in invoice["parties"]] == ["RE", "BT", "ST"]
    assert invoice["totals"]["amount"] == Decimal("3598.72")
    assert invoice["totals"]["subject_to_discount"] == Decimal("3363.50")
    assert invoice["totals"]["lines"] == 4
    assert invoice["taxes"][0]["amount"] == Decimal("210.22")
    assert invoice["taxes"][0]["percent"] == Decimal("6.25")
    (freight,) = invoice["charges"]
    assert (freight["indicator"], freight["code"], freight["amount"]) == (
        "C",
        "D240",
        Decimal("25.00"),
    )
    pump = invoice["lines"][3]
    assert pump["charges"][0]["amount"] == Decimal("50.00")
    lines_total = sum(
        line["quantity"] * line["unit_price"] for line in invoice["lines"]
    )
    allowances = pump["charges"][0]["amount"]
    total = lines_total - allowances + freight["amount"] + invoice["taxes"][0]["amount"]
    assert total == invoice["totals"]["amount"]


ORDER = {
    "purpose": "00",
    "type": "SA",
    "po_number": "4500020001",
    "date": dt.date(2024, 4, 2),
    "currency": "USD",
    "dates": {"002": dt.date(2024, 4, 9)},
    "parties": [
        {
            "qualifier": "BY",
            "name": "RIVERSIDE GENERAL HOSPITAL",
            "id_qualifier": "UL",
            "id": "0860001000016",
        },
        {
            "qualifier": "ST",
            "name": "RIVERSIDE ICU",
            "id_qualifier": "UL",
            "id": "0860001000023",
            "street": "1200 RIVERSIDE DRIVE",
            "city": "SPRINGFIELD",
            "state": "MA",
            "postal_code": "01105",
            "country": "US",
        },
    ],
    "lines": [
        {
            "line_number": "1",
            "quantity": Decimal("40"),
            "uom": "BX",
            "unit_price": Decimal("8.75"),
            "basis": "PE",
            "ids": {"VP": "NBG-4402M", "IN": "100234", "UP": "086000100124"},
            "description": "NITRILE EXAM GLOVES POWDER-FREE MEDIUM 100/BX",
        },
        {
            "line_number": "2",
            "quantity": Decimal("2.5"),
            "uom": "CA",
            "unit_price": Decimal("212.16"),
            "basis": "PE",
            "ids": {"VP": "NBI-2060", "UK": "50860001001308"},
            "dates": {"002": dt.date(2024, 4, 5)},
        },
    ],
}


@pytest.mark.parametrize("version", ["004010", "005010"])
def test_build_850_maps_back_to_the_same_order(version):
    interchange = x12_maps.build_850(ORDER, ENVELOPE, itertools.count(100), version)
    assert interchange.version == version[:5]
    data = x12.serialize(interchange, Delimiters(suffix="\n"))
    assert b"CTT*2~" in data
    (po,) = x12.transaction_sets(x12.parse(data))
    assert po.control_number == "0102"
    mapped = x12_maps.map_850(po)
    for key in ("purpose", "type", "po_number", "date", "currency", "dates"):
        assert mapped[key] == ORDER[key]
    for line, expected in zip(mapped["lines"], ORDER["lines"], strict=True):
        assert {k: line[k] for k in expected} == expected
    assert mapped["parties"][1]["postal_code"] == "01105"
    assert mapped["totals"]["lines"] == 2


@pytest.mark.parametrize(
    "name",
    [
        "850_hospital_po_4010.edi",
        "855_po_ack_newline.edi",
        "856_sopi_wrapped_crlf.edi",
        "856_soi_pipe_5010.edi",
        "810_invoice_4010.edi",
    ],
)
def test_every_spec_writes_what_it_reads(name):
    record = read(name)
    set_id = next(x12.transaction_sets(x12.parse((DATA / name).read_bytes()))).id
    interchange = x12_maps.build_document(set_id, record, ENVELOPE, itertools.count(1))
    (again,) = x12.transaction_sets(x12.parse(x12.serialize(interchange)))
    (original,) = x12.transaction_sets(x12.parse((DATA / name).read_bytes()))
    assert again.segments == original.segments
    assert MAPS[set_id](again) | {"control_number": "0001"} == record


def test_mapping_errors_name_the_segment():
    data = (DATA / "850_hospital_po_4010.edi").read_text()
    data = data.replace("PO1*2*15*BX*", "PO1*2*1S*BX*")
    (po,) = x12.transaction_sets(x12.parse(data.encode()))
    with pytest.raises(X12Error) as info:
        x12_maps.map_850(po)
    assert str(info.value) == (
        "segment (PO1, position 17 in its set): 850 0001: PO102: '1S' is not a "
        "decimal number"
    )
    with pytest.raises(X12Error, match="transaction set 850 0001 is not a 856"):
        x12_maps.map_856(po)


def test_856_hierarchy_errors():
    text = (DATA / "856_soi_pipe_5010.edi").read_text().replace("HL|6|5|I", "HL|6|9|I")
    (asn,) = x12.transaction_sets(x12.parse(text.encode()))
    with pytest.raises(X12Error, match="HL 6: HL02 '9' is not an earlier HL01"):
        x12_maps.map_856(asn)


def test_builders_refuse_incomplete_input():
    with pytest.raises(X12Error, match="po_number"):
        x12_maps.build_850({"lines": []}, ENVELOPE, itertools.count(1))
    with pytest.raises(X12Error, match="version"):
        x12_maps.build_850(ORDER, ENVELOPE, itertools.count(1), "003050")
    bad = dict(ORDER, lines=[{"line_number": "1", "quantity": "ten"}])
    with pytest.raises(X12Error, match="PO102"):
        x12_maps.build_850(bad, ENVELOPE, itertools.count(1))
