"""X12 syntax: parse, serialize, envelopes and the errors naming positions."""

import datetime as dt
import itertools
from pathlib import Path

import pytest
from lib import x12
from lib.x12 import Composite, Delimiters, Repetition, Segment, X12Error

DATA = Path(__file__).parent / "data" / "x12"
PO_850 = "850_hospital_po_4010.edi"
ACK_855 = "855_po_ack_newline.edi"
ASN_SOPI = "856_sopi_wrapped_crlf.edi"
ASN_SOI = "856_soi_pipe_5010.edi"
INVOICE = "810_invoice_4010.edi"
ALL_FIXTURES = [PO_850, ACK_855, ASN_SOPI, ASN_SOI, INVOICE, "999_rejection_5010.edi"]


def fixture(name):
    return (DATA / name).read_bytes()


def only_set(data):
    (interchange,) = x12.parse(data)
    (group,) = interchange.groups
    (transaction_set,) = group.transaction_sets
    return interchange, group, transaction_set


def error_of(data, **kwargs):
    with pytest.raises(X12Error) as info:
        x12.parse(data, **kwargs)
    return info.value


# reading --------------------------------------------------------------------


def test_850_envelope_fields_are_read_from_isa_gs_st():
    interchange, group, po = only_set(fixture(PO_850))
    assert interchange.sender_qualifier == "ZZ"
    assert interchange.sender_id == "RIVERSIDEGH"
    assert interchange.receiver_id == "NORTHBAYMED"
    assert interchange.date == dt.date(2024, 3, 12)
    assert interchange.time == dt.time(8, 15)
    assert interchange.control_number == "000004471"
    assert interchange.version == "00401"
    assert interchange.standards_id == "U"
    assert interchange.usage == "P"
    assert interchange.ack_requested is True
    assert interchange.delimiters == Delimiters("*", ">", None, "~")
    assert (group.functional_id, group.sender, group.receiver) == (
        "PO",
        "0860001000016",
        "0860002000015",
    )
    assert (group.date, group.time) == (dt.date(2024, 3, 12), dt.time(8, 15))
    assert (group.control_number, group.version, group.agency) == (
        "4471",
        "004010",
        "X",
    )
    assert (po.id, po.control_number, po.convention) == ("850", "0001", None)
    assert len(po.segments) == 27
    assert po.segments[0] == Segment("BEG", ("00", "SA", "4500018812", "", "20240312"))
    assert po.segments[-1] == Segment("CTT", ("6", "106"))


def test_non_default_delimiters_pipe_caret_and_gs_time_with_seconds():
    interchange, group, asn = only_set(fixture(ASN_SOI))
    assert interchange.delimiters == Delimiters("|", "^", "{", "~")
    assert interchange.standards_id is None
    assert interchange.usage == "T"
    assert group.time == dt.time(7, 45, 12)
    assert asn.segments[0] == Segment(
        "BSN", ("00", "ASN-240320-07", "20240320", "0745", "0004")
    )


def test_newline_terminated_file():
    interchange, _group, ack = only_set(fixture(ACK_855))
    assert interchange.delimiters.segment == "\n"
    assert ack.segments[0].id == "BAK"
    assert ack.segments[-1] == Segment("CTT", ("6",))


def test_file_wrapped_at_80_columns_with_crlf():
    data = fixture(ASN_SOPI)
    assert max(len(line) for line in data.split(b"\r\n")) == 80
    assert b"ISA*00*" in data.split(b"\r\n")[0]
    _interchange, _group, asn = only_set(data)
    unwrapped = data.replace(b"\r\n", b"")
    assert x12.parse(unwrapped)[0].groups[0].transaction_sets[0] == asn
    assert [s.id for s in asn.segments].count("HL") == 8


def test_several_interchanges_with_their_own_delimiters_and_padding():
    data = (
        fixture(PO_850)
        + b"\x00\x00  \r\n"
        + fixture(ASN_SOI)
        + b"\n"
        + fixture(ACK_855)
        + b"   \x00\x00\x1a"
    )
    interchanges = x12.parse(data)
    assert [i.control_number for i in interchanges] == [
        "000004471",
        "000000957",
        "000000918",
    ]
    assert [i.delimiters.element for i in interchanges] == ["*", "|", "*"]
    assert [i.delimiters.segment for i in interchanges] == ["~", "~", "\n"]
    assert [ts.id for ts in x12.transaction_sets(interchanges)] == ["850", "856", "855"]
    assert [ts.id for ts in x12.transaction_sets(interchanges, "856")] == ["856"]


def test_composites_and_repetitions_are_split_with_the_isa_separators():
    data = build_text(
        "ST*837*0001*005010X222A1~"
        "CLM*26463774*100***11:B:1*Y*A*Y*I~"
        "HI*ABK:J45909^ABF:E119~"
        "SE*4*0001~",
    )
    _i, _g, claim = only_set(data)
    assert claim.convention == "005010X222A1"
    assert claim.segments[0].elements[4] == Composite(("11", "B", "1"))
    assert claim.segments[1].elements[0] == Repetition(
        (Composite(("ABK", "J45909")), Composite(("ABF", "E119")))
    )
    assert claim.segments[0].value(5, 2) == "B"
    assert claim.segments[1].value(1, 2) == "J45909"
    assert claim.segments[0].value(1) == "26463774"
    assert claim.segments[0].value(40) == ""
    assert Composite(("A", "B")) != Repetition(("A", "B"))


def test_latin1_and_utf8_text_decode_without_errors():
    utf8 = build_text("ST*850*0001~N1*ST*CLÍNICA SÃO JOSÉ~SE*3*0001~")
    latin1 = utf8.decode("utf-8").encode("latin-1")
    for data in (utf8, latin1):
        _i, _g, po = only_set(data)
        assert po.segments[0].elements[1] == "CLÍNICA SÃO JOSÉ"
    # bytes that are not UTF-8 are read as Latin-1, never UnicodeDecodeError
    assert x12.decode(b"\xff\xfe") == "ÿþ"


# writing ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_FIXTURES)
@pytest.mark.parametrize(
    "delimiters",
    [
        None,
        Delimiters(),
        Delimiters("|", "^", "{", "~", "\r\n"),
        Delimiters("+", ":", "^", "\n"),
        Delimiters("\x1d", "\x1f", "\x1e", "\x1c"),
    ],
)
def test_parse_of_serialize_is_identity(name, delimiters):
    interchanges = x12.parse(fixture(name))
    data = b"".join(x12.serialize(i, delimiters) for i in interchanges)
    assert x12.parse(data) == interchanges


def test_serialize_writes_the_fixture_back_byte_for_byte():
    data = fixture(PO_850)
    (interchange,) = x12.parse(data)
    written = x12.serialize(interchange, Delimiters("*", ">", None, "~", "\n"))
    assert written == data


def test_serialize_refuses_values_holding_a_delimiter():
    interchange = x12.parse(fixture(PO_850))[0]
    po = interchange.groups[0].transaction_sets[0]
    bad = replace_segments(interchange, (*po.segments, Segment.of("NTE", "A*B")))
    with pytest.raises(X12Error, match=r"NTE01: 'A\*B' holds a delimiter"):
        x12.serialize(bad)
    with pytest.raises(X12Error, match="not distinct"):
        x12.serialize(interchange, Delimiters("*", "*", "^", "~"))
    with pytest.raises(X12Error, match="repetition separator"):
        repeated = (Segment.of("NTE", Repetition(("A", "B"))),)
        x12.serialize(replace_segments(interchange, repeated))


def test_segment_of_drops_trailing_empty_elements():
    assert Segment.of("PID", "F", None, "", None, "GLOVES", None, "") == Segment(
        "PID", ("F", "", "", "", "GLOVES")
    )


# building envelopes ------------------------------------------------------------


ENVELOPE = {
    "sender_id": "RIVERSIDEGH",
    "receiver_id": "NORTHBAYMED",
    "sender_qualifier": "ZZ",
    "receiver_qualifier": "ZZ",
    "application_sender": "0860001000016",
    "when": dt.datetime(2024, 3, 12, 8, 15, 59),
}


def test_build_interchange_counts_and_draws_control_numbers():
    body = [Segment.of("BEG", "00", "SA", "PO-1", None, "20240312")]
    numbers = itertools.count(41)
    interchange = x12.build_interchange(
        ENVELOPE, "PO", [("850", body), ("850", body * 2)], numbers, "005010"
    )
    text = x12.serialize(interchange, Delimiters(suffix="\n")).decode()
    lines = text.splitlines()
    assert len(lines[0]) == 106
    assert lines[0] == (
        "ISA*00*          *00*          *ZZ*RIVERSIDEGH    *ZZ*NORTHBAYMED    "
        "*240312*0815*^*00501*000000041*0*P*:~"
    )
    assert lines[1] == "GS*PO*0860001000016*NORTHBAYMED*20240312*0815*42*X*005010~"
    assert lines[2:4] == ["ST*850*0043~", "BEG*00*SA*PO-1**20240312~"]
    assert "SE*3*0043~" in lines and "SE*4*0044~" in lines
    assert lines[-2:] == ["GE*2*42~", "IEA*1*000000041~"]
    assert x12.parse(text.encode()) == [interchange]


def test_build_interchange_004010_uses_u_and_a_callable_sequence():
    issued = iter(["7", "8", "9"])
    interchange = x12.build_interchange(
        ENVELOPE, "PO", [("850", [])], lambda: next(issued), "004010"
    )
    assert interchange.standards_id == "U"
    assert interchange.version == "00401"
    assert (interchange.control_number, interchange.groups[0].control_number) == (
        "000000007",
        "8",
    )
    assert x12.serialize(interchange).startswith(b"ISA*00*")
    assert b"*U*00401*000000007*" in x12.serialize(interchange)


def test_control_numbers_are_checked():
    with pytest.raises(X12Error, match="exhausted"):
        x12.build_interchange(ENVELOPE, "PO", [("850", [])], iter([1, 2]))
    with pytest.raises(X12Error, match="between 1 and 999999999"):
        x12.build_interchange(ENVELOPE, "PO", [], iter([10**9]))
    with pytest.raises(X12Error, match="non-number"):
        x12.build_interchange(ENVELOPE, "PO", [], iter(["abc"]))


def test_isa_fields_longer_than_their_width_are_refused():
    envelope = dict(ENVELOPE, sender_id="A-SENDER-ID-LONGER-THAN-15")
    interchange = x12.build_interchange(envelope, "PO", [], itertools.count(1))
    with pytest.raises(X12Error, match="ISA06 .* longer than 15"):
        x12.serialize(interchange)


# helpers -------------------------------------------------------------------


def build_text(
    body, isa13="000000001", group="GS*HC*S*R*20240101*1200*1*X*005010X222A1~"
):
    isa = (
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
        f"*240101*1200*^*00501*{isa13}*0*T*:~"
    )
    sets = body.count("~ST*") + body.startswith("ST*")
    return f"{isa}{group}{body}GE*{sets}*1~IEA*1*{isa13}~".encode()


def replace_segments(interchange, segments):
    from dataclasses import replace

    group = interchange.groups[0]
    transaction_set = replace(group.transaction_sets[0], segments=tuple(segments))
    group = replace(group, transaction_sets=(transaction_set,))
    return replace(interchange, groups=(group,))
