"""Every structural error is an X12Error naming interchange, segment and reason."""

from pathlib import Path

import pytest
from lib import x12
from lib.x12 import X12Error

DATA = Path(__file__).parent / "data" / "x12"
PO = (DATA / "850_hospital_po_4010.edi").read_text()
ASN = (DATA / "856_soi_pipe_5010.edi").read_text()


def error_of(text, **kwargs):
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(X12Error) as info:
        x12.parse(data, **kwargs)
    error = info.value
    assert str(error).endswith(error.reason)
    return error


def swap(text, old, new):
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_isa_shorter_than_106_characters():
    error = error_of(swap(PO, "RIVERSIDEGH    *", "RIVERSIDEGH   *"))
    assert error.kind == "isa"
    assert (error.interchange, error.position, error.segment_id) == (1, 1, "ISA")
    assert str(error) == (
        "interchange 1, segment 1 (ISA): ISA segment is 105 characters, expected 106"
    )


def test_isa_fields_of_the_wrong_width_are_named():
    text = swap(
        PO, "RIVERSIDEGH    *ZZ*NORTHBAYMED    *", "RIVERSIDEGH   *ZZ*NORTHBAYMED     *"
    )
    error = error_of(text)
    assert str(error) == (
        "interchange 1 (ISA13 000004471), segment 1 (ISA): ISA06 is 14 characters, "
        "expected 15"
    )


def test_truncated_isa():
    assert "ISA segment is truncated" in str(error_of(PO[:60]))
    assert "ISA segment is truncated" in str(error_of("ISA"))


def test_second_interchange_errors_count_segments_through_the_file():
    text = PO + swap(ASN, "SE|29|0001~", "SE|30|0001~")
    error = error_of(text)
    assert (error.interchange, error.control_number) == (2, "000000957")
    # 33 segments in the first interchange, SE is the 31st of the second
    assert (error.position, error.set_position, error.segment_id) == (64, 29, "SE")
    assert str(error) == (
        "interchange 2 (ISA13 000000957), segment 64 (SE, position 29 in its set): "
        "SE01 '30' does not match the 29 segments of the set"
    )


def test_se01_count_mismatch():
    error = error_of(swap(PO, "SE*29*0001~", "SE*30*0001~"))
    assert (error.kind, error.position, error.set_position) == ("count", 31, 29)
    assert "segment 31 (SE, position 29 in its set)" in str(error)
    assert "SE01 '30' does not match the 29 segments of the set" in str(error)


def test_ge01_and_iea01_count_mismatch():
    error = error_of(swap(PO, "GE*1*4471~", "GE*2*4471~"))
    assert (error.kind, error.position, error.segment_id) == ("count", 32, "GE")
    assert "segment 32 (GE): GE01 '2' does not match the 1 transaction sets" in str(
        error
    )
    error = error_of(swap(PO, "IEA*1*000004471~", "IEA*3*000004471~"))
    assert (error.kind, error.position) == ("count", 33)
    assert "segment 33 (IEA): IEA01 '3' does not match the 1 functional groups" in str(
        error
    )
    error = error_of(swap(PO, "SE*29*0001~", "SE*X*0001~"))
    assert "SE01 'X' does not match the 29 segments" in str(error)


@pytest.mark.parametrize(
    "old,new,message",
    [
        (
            "SE*29*0001~",
            "SE*29*0002~",
            "segment 31 (SE, position 29 in its set): "
            "SE02 '0002' does not match ST02 '0001'",
        ),
        (
            "GE*1*4471~",
            "GE*1*4472~",
            "segment 32 (GE): GE02 '4472' does not match " "GS06 '4471'",
        ),
        (
            "IEA*1*000004471~",
            "IEA*1*000004470~",
            "segment 33 (IEA): IEA02 " "'000004470' does not match ISA13 '000004471'",
        ),
    ],
)
def test_control_numbers_of_header_and_trailer_must_match(old, new, message):
    error = error_of(swap(PO, old, new))
    assert error.kind == "control"
    assert message in str(error)


def test_control_numbers_match_as_numbers():
    text = swap(PO, "IEA*1*000004471~", "IEA*1*4471~")
    assert x12.parse(text.encode())[0].control_number == "000004471"


def test_invalid_segment_terminator():
    # nothing between ISA16 and GS: "G" would be the terminator
    error = error_of(swap(PO, "*P*>~\nGS", "*P*>GS"))
    assert error.kind == "terminator"
    assert str(error) == (
        "interchange 1 (ISA13 000004471), segment 1 (ISA): segment terminator 'G' is "
        "not valid"
    )
    error = error_of(swap(PO, "*P*>~\nGS", "*P*>*GS"))
    assert "segment terminator '*' is not valid" in str(error)
    assert "no segment terminator" in str(error_of(PO[: PO.index(">") + 1]))


def test_invalid_element_and_component_separators():
    assert "element separator 'X'" in str(error_of("ISAX00X" + PO[7:]))
    error = error_of(swap(PO, "*P*>~", "*P**~"))
    assert "ISA16 '*' is not a valid separator" in str(error)


def test_missing_se():
    error = error_of(swap(PO, "SE*29*0001~\n", ""))
    assert (error.kind, error.position, error.segment_id) == (
        "missing_trailer",
        31,
        "GE",
    )
    assert (
        "segment 31 (GE): transaction set 850 0001 (ST at segment 3) has no SE "
        "before this GE" in str(error)
    )


def test_missing_ge_and_missing_iea():
    error = error_of(swap(PO, "GE*1*4471~\n", ""))
    assert "functional group 4471 (GS at segment 2) has no GE before this IEA" in str(
        error
    )
    error = error_of(swap(PO, "IEA*1*000004471~\n", ""))
    assert str(error) == (
        "interchange 1 (ISA13 000004471), segment 32: the interchange has no IEA "
        "trailer"
    )
    error = error_of(swap(PO, "IEA*1*000004471~\n", "") + ASN)
    assert "segment 33 (ISA): ISA before the IEA of the current interchange" in str(
        error
    )


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "GS*PO*A*B*20240101*1200*1*X*004010~",
            "expected an ISA segment, found 'GS*PO",
        ),
        (PO + "\nBEG*00*SA*1~", "interchange 2, segment 34: expected an ISA segment"),
        (
            swap(PO, "ST*850*0001~\n", ""),
            "segment 3 (BEG): BEG is outside a transaction set (no ST before it)",
        ),
        (
            swap(
                PO, "GS*PO*0860001000016*0860002000015*20240312*0815*4471*X*004010~", ""
            ),
            "segment 2 (ST): ST outside a functional group (no GS before it)",
        ),
        (
            swap(PO, "SE*29*0001~", "SE*29*0001~SE*2*0001~"),
            "segment 32 (SE): SE " "without an ST before it",
        ),
        (
            swap(PO, "GE*1*4471~", "GE*1*4471~GE*0*1~"),
            "segment 33 (GE): GE without " "a GS before it",
        ),
    ],
)
def test_segments_outside_an_envelope(text, message):
    error = error_of(text)
    assert message in str(error)


def test_bad_segment_ids_and_envelope_values():
    error = error_of(swap(PO, "CUR*BY*USD~", "cur*BY*USD~"))
    assert "segment 5 (cur, position 3 in its set): segment id 'cur'" in str(error)
    error = error_of(swap(PO, "*240312*0815*U*", "*241312*0815*U*"))
    assert "ISA09/ISA10: '20241312' is not a calendar date" in str(error)
    error = error_of(swap(PO, "*000004471*1*P*", "*000004471*2*P*"))
    assert "ISA14 '2' is not 0 or 1" in str(error)
    error = error_of(swap(PO, "*20240312*0815*4471*", "*20240312*2515*4471*"))
    assert "segment 2 (GS): GS04/GS05: '2515' is not a time of day" in str(error)
    error = error_of(swap(PO, "*0815*4471*X*004010~", "*0815*4471~"))
    assert "GS needs 8 elements" in str(error)
    error = error_of(swap(PO, "ST*850*0001~", "ST*850~"))
    assert "segment 3 (ST, position 1 in its set): ST01 and ST02 are required" in str(
        error
    )


def test_lenient_parse_records_set_and_group_problems():
    text = swap(PO, "SE*29*0001~", "SE*28*0009~")
    text = swap(text, "GE*1*4471~", "GE*4*4471~")
    (interchange,) = x12.parse(text.encode(), strict=False)
    group = interchange.groups[0]
    po = group.transaction_sets[0]
    assert [e.kind for e in po.errors] == ["count", "control"]
    assert "SE02 '0009' does not match ST02 '0001'" in str(po.errors[1])
    assert [e.kind for e in group.errors] == ["count"]
    # the problems do not take part in equality
    assert interchange == x12.parse(PO.encode())[0]


def test_lenient_parse_closes_sets_and_groups_missing_their_trailers():
    text = swap(PO, "SE*29*0001~\n", "")
    text = swap(text, "GE*1*4471~\n", "")
    (interchange,) = x12.parse(text.encode(), strict=False)
    group = interchange.groups[0]
    assert [e.kind for e in group.transaction_sets[0].errors] == ["missing_trailer"]
    assert [e.kind for e in group.errors] == ["missing_trailer"]
    # interchange-level problems still raise
    with pytest.raises(X12Error, match="IEA01"):
        x12.parse(swap(PO, "IEA*1*", "IEA*2*").encode(), strict=False)
