"""What the 850/855 maps keep that they used to drop: CTP prices, both N3
lines, SDQ destinations, SCH schedules, ITD terms; 855s acknowledging the
whole order or lines without PO101; product ids by the kind of code.

The sets follow the shape of the 004010 guides' examples, written for these
tests.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from addon_lib import addon_lib
from lib import x12
from lib.x12 import X12Error

x12_maps = addon_lib("procurement", "x12_maps")

ENVELOPE = {"sender_id": "HOSPITALGRP", "receiver_id": "SUPPLIERCO"}


def interchange(set_id, functional_id, body):
    count = body.count("~") + 2
    return (
        "ISA*00*          *00*          *ZZ*HOSPITALGRP    *ZZ*SUPPLIERCO     "
        "*240521*1230*U*00401*000000201*0*P*>~"
        f"GS*{functional_id}*HOSPITALGRP*SUPPLIERCO*20240521*1230*201*X*004010~"
        f"ST*{set_id}*0001~{body}SE*{count}*0001~GE*1*201~IEA*1*000000201~"
    )


PO_BODY = (
    "BEG*00*SA*PO-88**20240521~"
    "ITD*01*3*2**10**30*****2% 10 NET 30~"
    "N1*ST*CENTRAL SUPPLY*UL*0860001000023~"
    "N3*1200 RIVERSIDE DRIVE*DOCK 4~N3*BUILDING C*ROOM 12~"
    "N4*SPRINGFIELD*MA*01105*US~"
    "PO1*1*40*BX***VP*NBG-4402M*UK*10860001001245~"
    "CTP**CON*8.25*40*BX~"
    "SDQ*BX*92*WARD-3A*25*WARD-4B*15~"
    "SCH*20*BX***002*20240601~SCH*20*BX***002*20240615~"
    "PO1*2*10*EA*2.10**EN*4006381333931*BP*T100412~"
    "CTT*2~"
)


def read_850(body=PO_BODY):
    (transaction_set,) = x12.transaction_sets(x12.parse(interchange("850", "PO", body)))
    assert x12.check_set(transaction_set, "004010") == []
    return x12_maps.map_850(transaction_set)


def test_ctp_gives_the_price_when_po104_is_empty():
    first, second = read_850()["lines"]
    assert first["unit_price"] == Decimal("8.25")
    assert first["price_source"] == "CTP CON"
    assert first["prices"][0]["uom"] == "BX"
    assert second["unit_price"] == Decimal("2.10")
    assert "price_source" not in second


def test_both_n3_lines_are_kept():
    (party,) = read_850()["parties"]
    assert party["address"] == [
        "1200 RIVERSIDE DRIVE",
        "DOCK 4",
        "BUILDING C",
        "ROOM 12",
    ]
    assert (party["street"], party["street2"]) == ("1200 RIVERSIDE DRIVE", "DOCK 4")


def test_destinations_schedules_and_terms():
    order = read_850()
    first = order["lines"][0]
    (destination,) = first["destinations"]
    assert destination["quantities"] == {"WARD-3A": Decimal(25), "WARD-4B": Decimal(15)}
    assert [(s["quantity"], s["date"]) for s in first["schedules"]] == [
        (Decimal(20), dt.date(2024, 6, 1)),
        (Decimal(20), dt.date(2024, 6, 15)),
    ]
    terms = order["terms"]
    assert (terms["discount_percent"], terms["discount_days"], terms["net_days"]) == (
        Decimal(2),
        10,
        30,
    )


def test_what_is_read_is_written_back():
    order = read_850()
    rebuilt = x12_maps.build_850(order, ENVELOPE, itertools.count(1))
    (transaction_set,) = x12.transaction_sets([rebuilt])
    assert x12.check_set(transaction_set, "004010") == []
    again = x12_maps.map_850(transaction_set)
    assert again["lines"] == order["lines"]
    assert again["parties"] == order["parties"]
    assert again["terms"] == order["terms"]
    text = x12.serialize(rebuilt).decode()
    assert "N3*1200 RIVERSIDE DRIVE*DOCK 4~N3*BUILDING C*ROOM 12~" in text
    assert "PO1*1*40*BX***VP*NBG-4402M*UK*10860001001245~CTP**CON*8.25*40*BX~" in text


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("086000100124", ("UP", "086000100124")),
        ("4006381333931", ("EN", "4006381333931")),
        ("10860001001245", ("UK", "10860001001245")),
        ("96385074", ("UK", "00000096385074")),
    ],
)
def test_gtin_qualifier_follows_the_kind_of_code(code, expected):
    assert x12_maps.gtin_id(code) == expected


def test_gtin_of_other_text_is_refused():
    with pytest.raises(X12Error):
        x12_maps.gtin_id("ABC-123")


def test_item_ids_read_vendor_and_gtin_qualifiers():
    x12d = addon_lib("procurement", "x12_documents")
    assert x12d._item_ids({"VN": "NBG-1", "UK": "10860001001245"}) == (
        "NBG-1",
        "10860001001245",
    )
    assert x12d._item_ids({"BP": "T1", "UP": "086000100124"}) == (None, "086000100124")


# 855 -------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "status"), [("AK", "accepted"), ("RJ", "rejected")])
def test_855_acknowledging_the_whole_order_without_lines(code, status):
    x12d = addon_lib("procurement", "x12_documents")
    body = f"BAK*00*{code}*PO-88*20240521****SO-1*20240522~"
    (ack,) = x12d.read_855(interchange("855", "PR", body).encode())
    assert (ack["header_status"], ack["lines"]) == (status, [])
    assert ack["reference"] == "SO-1"


def test_855_without_lines_and_a_detail_code_is_refused():
    x12d = addon_lib("procurement", "x12_documents")
    docs = addon_lib("procurement", "documents")
    body = "BAK*00*RD*PO-88*20240521~"
    with pytest.raises(docs.DocumentError, match="BAK02 'RD'"):
        x12d.read_855(interchange("855", "PR", body).encode())


def test_855_line_without_po101_names_its_item():
    x12d = addon_lib("procurement", "x12_documents")
    body = "BAK*00*AC*PO-88*20240521~PO1**40*BX*8.25**VP*NBG-4402M~ACK*IA*40*BX~"
    (ack,) = x12d.read_855(interchange("855", "PR", body).encode())
    (line,) = ack["lines"]
    assert (line["line_number"], line["item_code"]) == (None, "NBG-4402M")
    assert line["acks"][0]["status"] == "accepted"


def test_810_keeps_its_ctp_prices_beside_it104():
    # IT102-IT104 are paired (P020304): an 810 line always has its IT104
    body = "BIG*20240523*INV-7~IT1*1*12*EA*9.95**VP*SKU-1~CTP**CON*9.50~TDS*11940~"
    (transaction_set,) = x12.transaction_sets(x12.parse(interchange("810", "IN", body)))
    assert x12.check_set(transaction_set, "004010") == []
    (line,) = x12_maps.map_810(transaction_set)["lines"]
    assert line["unit_price"] == Decimal("9.95")
    assert line["prices"][0]["unit_price"] == Decimal("9.50")
