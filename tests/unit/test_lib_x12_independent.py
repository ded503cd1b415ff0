"""What the product writes (850, 855, 856, 810, 997, 999, TA1) read by an
independent X12 parser with its own 004010/005010 grammars, as a partner's
validator would (``tests/simulators/x12_validator.py``)."""

import itertools
from pathlib import Path

import pytest
from addon_lib import addon_lib
from lib import x12
from x12_validator import problems

x12_maps = addon_lib("procurement", "x12_maps")

DATA = Path(__file__).parent / "data" / "x12"
ENVELOPE = {"sender_id": "RIVERSIDEGH", "receiver_id": "NORTHBAYMED"}
SOURCES = {
    "850": "850_hospital_po_4010.edi",
    "855": "855_po_ack_newline.edi",
    "856": "856_sopi_wrapped_crlf.edi",
    "810": "810_invoice_4010.edi",
}
MAPS = {
    "850": x12_maps.map_850,
    "855": x12_maps.map_855,
    "856": x12_maps.map_856,
    "810": x12_maps.map_810,
}


def record_of(set_id):
    (transaction_set,) = x12.transaction_sets(
        x12.parse((DATA / SOURCES[set_id]).read_bytes())
    )
    return MAPS[set_id](transaction_set)


def test_the_reader_is_no_pushover():
    text = (DATA / SOURCES["850"]).read_text()
    assert problems(text.encode()) == []
    without_beg = text.replace("BEG*00*SA*4500018812**20240312~\n", "")
    without_beg = without_beg.replace("SE*29*0001", "SE*28*0001")
    assert any("BEG" in problem for problem in problems(without_beg.encode()))


@pytest.mark.parametrize("set_id", sorted(SOURCES))
@pytest.mark.parametrize("version", ["004010", "005010"])
def test_documents_the_product_writes(set_id, version):
    built = x12_maps.build_document(
        set_id, record_of(set_id), ENVELOPE, itertools.count(1), version
    )
    assert problems(x12.serialize(built)) == []


@pytest.mark.parametrize("version", ["004010", "005010"])
@pytest.mark.parametrize("build", [x12.build_997, x12.build_999])
@pytest.mark.parametrize("broken", [False, True])
def test_acknowledgements_the_product_writes(version, build, broken):
    record = record_of("850")
    if broken:
        record["lines"][0]["ids"]["VP"] = "X" * 49  # PO107 too long
    built = x12_maps.build_document(
        "850", record, ENVELOPE, itertools.count(1), version, check=False
    )
    (received,) = x12.parse(x12.serialize(built))
    (group,) = received.groups
    results = x12.validate_group(group)
    assert results["0003"].accepted is not broken
    ack = build(received, group, results, itertools.count(50))
    data = x12.serialize(ack, received.delimiters)
    assert (b"AK4*7*234*5*" in data or b"IK4*7*234*5*" in data) is broken
    assert problems(data) == []


def test_ta1_the_product_writes():
    text = (DATA / SOURCES["850"]).read_text().replace("IEA*1*000004471", "IEA*1*9")
    (entry,) = x12.parse_each(text)
    ta1 = x12.build_ta1(entry.header, entry.error, itertools.count(60))
    assert problems(x12.serialize(ta1, entry.header.delimiters)) == []


def test_997_written_in_ebcdic_for_a_mainframe_partner():
    data = (DATA / SOURCES["850"]).read_text().encode("cp037")
    (received,) = x12.parse(data)
    (group,) = received.groups
    ack = x12.build_997(received, group, x12.validate_group(group), itertools.count(9))
    written = x12.serialize(ack, received.delimiters, encoding=received.encoding)
    assert problems(written, "cp037") == []


@pytest.mark.parametrize("version", ["004010", "005010"])
def test_824_the_product_writes_for_a_business_rejection(version):
    text = (DATA / SOURCES["855"]).read_text().replace("004010", version)
    (received,) = x12.parse(text)
    (group,) = received.groups
    (transaction_set,) = group.transaction_sets
    reasons = ["Order 4500018812 is unknown: no such purchase order*~ here"]
    advice = x12.build_824(
        received, group, transaction_set, "4500018812", reasons, itertools.count(70)
    )
    data = x12.serialize(advice, received.delimiters)
    assert problems(data) == []
    (written,) = x12.transaction_sets(x12.parse(data))
    assert x12.check_set(written, version) == []
    record = x12.read_824(written)
    (oti,) = record["advices"]
    assert (oti["status"], oti["reference_qualifier"], oti["reference"]) == (
        "TR",
        "PO",
        "4500018812",
    )
    assert (oti["group_control_number"], oti["control_number"], oti["set_id"]) == (
        918,
        "0001",
        "855",
    )
    assert oti["errors"][0]["message"].startswith("Order 4500018812 is unknown")
    assert len(oti["errors"][0]["message"]) <= 60
