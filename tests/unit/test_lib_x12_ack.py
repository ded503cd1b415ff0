"""997 and 999 functional acknowledgements: built, written, parsed back."""

import datetime as dt
import itertools
from pathlib import Path

from lib import x12
from lib.x12 import Delimiters, SetResult

DATA = Path(__file__).parent / "data" / "x12"
PO = (DATA / "850_hospital_po_4010.edi").read_text()
WHEN = dt.datetime(2024, 3, 12, 8, 17)


def two_set_group(first_trailer="SE*29*0001~", group_trailer="GE*2*4471~"):
    """The 850 fixture with a second set (control 0002) in its group."""
    start, end = PO.index("ST*850*0001~"), PO.index("GE*1*4471~")
    second = PO[start:end].replace("*0001~", "*0002~")
    text = PO[:end] + second + PO[end:]
    text = text.replace("GE*1*4471~", group_trailer)
    return text.replace("SE*29*0001~", first_trailer, 1)


def parse_one(text, strict=False):
    (interchange,) = x12.parse(text.encode(), strict=strict)
    return interchange, interchange.groups[0]


def written(interchange):
    return x12.serialize(interchange, Delimiters(suffix="\n")).decode().splitlines()


def test_997_accepting_a_group():
    interchange, group = parse_one(two_set_group())
    results = x12.validate_group(group, supported={"850", "855"})
    assert results == {"0001": SetResult(True, ()), "0002": SetResult(True, ())}
    ack = x12.build_997(interchange, group, results, itertools.count(7), when=WHEN)
    lines = written(ack)
    assert lines[0] == (
        "ISA*00*          *00*          *ZZ*NORTHBAYMED    *ZZ*RIVERSIDEGH    "
        "*240312*0817*U*00401*000000007*0*P*:~"
    )
    assert lines[1] == "GS*FA*0860002000015*0860001000016*20240312*0817*8*X*004010~"
    assert lines[2:-2] == [
        "ST*997*0009~",
        "AK1*PO*4471~",
        "AK2*850*0001~",
        "AK5*A~",
        "AK2*850*0002~",
        "AK5*A~",
        "AK9*A*2*2*2~",
        "SE*8*0009~",
    ]
    assert lines[-2:] == ["GE*1*8~", "IEA*1*000000007~"]


def test_997_rejecting_sets_with_structural_errors():
    text = two_set_group(first_trailer="SE*30*0001~")
    interchange, group = parse_one(text)
    results = x12.validate_group(group)
    # AK502 4: number of included segments does not match actual count
    assert results["0001"] == SetResult(False, ("4",))
    assert results["0002"] == SetResult(True, ())
    ack = x12.build_997(interchange, group, results, itertools.count(1))
    assert "AK5*R*4~" in written(ack)
    assert "AK9*P*2*2*1~" in written(ack)
    (read,) = x12.read_acks(x12.parse(x12.serialize(ack)))
    assert read["type"] == "997"
    assert (read["functional_id"], read["group_control_number"]) == ("PO", "4471")
    assert [(s["control_number"], s["status"], s["codes"]) for s in read["sets"]] == [
        ("0001", "R", ["4"]),
        ("0002", "A", []),
    ]
    assert (read["status"], read["included"], read["received"], read["accepted"]) == (
        "P",
        2,
        2,
        1,
    )


def test_validate_group_codes():
    text = two_set_group(first_trailer="SE*29*0002~")
    text = text.replace("ST*850*0002~", "ST*810*0001~")
    _interchange, group = parse_one(text)
    results = x12.validate_group(group, supported={"850"}, guides=False)
    # both sets carry control number 0001 (23), the 810 is not supported (1),
    # its SE02 says 0002 (3); results are keyed by control number: one entry
    assert results == {"0001": SetResult(False, ("1", "3", "23"))}
    missing = PO.replace("SE*29*0001~\n", "")
    _interchange, group = parse_one(missing)
    assert x12.validate_group(group)["0001"] == SetResult(False, ("2",))


def test_group_errors_reject_the_group():
    interchange, group = parse_one(two_set_group(group_trailer="GE*3*4471~"))
    assert x12.group_codes(group) == ("5",)
    ack = x12.build_997(
        interchange, group, x12.validate_group(group), itertools.count(1)
    )
    assert "AK9*R*2*2*2*5~" in written(ack)


def test_999_with_versions_conventions_and_ik5():
    text = PO.replace("ST*850*0001~", "ST*850*0001*005010X220A1~")
    interchange, group = parse_one(text)
    results = {"0001": (True, ["5"])}
    ack = x12.build_999(interchange, group, results, itertools.count(20), when=WHEN)
    lines = written(ack)
    assert "*^*00501*000000020*" in lines[0]
    assert lines[1].endswith("*21*X*005010X231A1~")
    assert lines[2:-2] == [
        "ST*999*0022*005010X231A1~",
        "AK1*PO*4471*004010~",
        "AK2*850*0001*005010X220A1~",
        "IK5*E*5~",
        "AK9*E*1*1*1~",
        "SE*6*0022~",
    ]
    (read,) = x12.read_acks(x12.parse("\n".join(lines).encode()))
    assert read["type"] == "999"
    assert read["version"] == "004010"
    assert read["sets"][0]["convention"] == "005010X220A1"
    assert (read["sets"][0]["status"], read["sets"][0]["codes"]) == ("E", ["5"])


def test_read_a_received_999_with_segment_and_element_notes():
    interchanges = x12.parse((DATA / "999_rejection_5010.edi").read_bytes())
    (ack,) = x12.read_acks(interchanges)
    assert (ack["group_control_number"], ack["version"], ack["status"]) == (
        "4472",
        "005010",
        "P",
    )
    rejected, accepted = ack["sets"]
    assert (rejected["status"], rejected["codes"]) == ("R", ["5"])
    (note,) = rejected["segment_errors"]
    assert (note["segment_id"], note["position"], note["loop"], note["code"]) == (
        "PO1",
        16,
        "PO1",
        "8",
    )
    assert note["element_errors"] == [
        {"element": 2, "reference": "330", "element_code": "6", "value": "2O"},
        {"element": 4, "reference": "212", "element_code": "6", "value": "1O.5"},
    ]
    assert (accepted["control_number"], accepted["status"]) == ("0002", "A")
    assert (ack["included"], ack["received"], ack["accepted"]) == (2, 2, 1)


def test_acknowledgement_round_trip_of_every_status():
    interchange, group = parse_one(two_set_group())
    for results, group_status in [
        ({"0001": (False, ["5"]), "0002": (False, ["1"])}, "R"),
        ({"0001": (True, ["5"]), "0002": (True, [])}, "E"),
        ({"0001": (True, []), "0002": (True, [])}, "A"),
    ]:
        for build in (x12.build_997, x12.build_999):
            ack = build(interchange, group, results, itertools.count(1))
            (read,) = x12.read_acks(x12.parse(x12.serialize(ack)))
            assert read["status"] == group_status
            assert [s["codes"] for s in read["sets"]] == [
                list(results[n][1]) for n in ("0001", "0002")
            ]
