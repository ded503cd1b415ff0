"""Implementation-guide checks (``guides`` data, ``guide_check``) and the
997/999 that report them with AK3/AK4 and IK3/IK4.

The sets are shaped like the 004010/005010 guides' examples (a one-line
order, a one-item ship notice, a one-line invoice), written for these tests.
"""

import itertools

import pytest
from lib import x12
from lib.x12 import SetResult

HEAD = (
    "ISA*00*          *00*          *ZZ*SUPPLIERCO     *ZZ*HOSPITALGRP    "
    "*240521*1230*U*00401*000000101*0*P*>~"
)
SETS = {
    "850": (
        "PO",
        "BEG*00*SA*PO-7**20240521~PO1*1*12*EA*9.95**VP*SKU-1~CTT*1~",
    ),
    "855": ("PR", "BAK*00*AC*PO-7*20240521~PO1*1*12*EA*9.95**VP*SKU-1~ACK*IA*12*EA~"),
    "856": (
        "SH",
        "BSN*00*ASN-7*20240522*0930~HL*1**S~HL*2*1*O~PRF*PO-7~HL*3*2*I~"
        "LIN*1*VP*SKU-1~SN1**12*EA~CTT*3~",
    ),
    "810": ("IN", "BIG*20240523*INV-7~IT1*1*12*EA*9.95**VP*SKU-1~TDS*11940~"),
}


def interchange(set_id, body=None, version="004010"):
    functional_id, default = SETS[set_id]
    body = default if body is None else body
    count = body.count("~") + 2
    return (
        HEAD
        + f"GS*{functional_id}*SUPPLIERCO*HOSPITALGRP*20240521*1230*101*X*{version}~"
        + f"ST*{set_id}*0001~{body}SE*{count}*0001~GE*1*101~IEA*1*000000101~"
    )


def checked(set_id, body=None, version="004010"):
    (transaction_set,) = x12.transaction_sets(
        x12.parse(interchange(set_id, body, version))
    )
    return x12.check_set(transaction_set, version)


def notes(errors):
    return [
        (
            e.segment_id,
            e.position,
            e.code,
            [(el.position, el.code) for el in e.elements],
        )
        for e in errors
    ]


@pytest.mark.parametrize("set_id", sorted(SETS))
@pytest.mark.parametrize("version", ["004010", "005010"])
def test_guide_examples_follow_their_guides(set_id, version):
    assert checked(set_id, version=version) == []


def test_856_without_bsn04_names_the_element():
    body = SETS["856"][1].replace("*20240522*0930~", "*20240522~")
    assert notes(checked("856", body)) == [("BSN", 2, "8", [(4, "1")])]
    (error,) = checked("856", body)
    assert "BSN04 (337): mandatory element missing" in error.describe()


def test_810_without_tds_is_a_missing_mandatory_segment():
    body = SETS["810"][1].replace("TDS*11940~", "")
    assert notes(checked("810", body)) == [("TDS", 4, "3", [])]


def test_850_without_lines_misses_its_mandatory_po1_loop():
    assert notes(checked("850", "BEG*00*SA*PO-7**20240521~CTT*0~")) == [
        ("PO1", 3, "3", [])
    ]


def test_unknown_and_out_of_order_segments():
    body = "BEG*00*SA*PO-7**20240521~ZZZ*1~PO1*1*1*EA*1**VP*A~BEG*00*SA*X**20240521~"
    assert notes(checked("850", body)) == [("ZZZ", 3, "2", []), ("BEG", 5, "7", [])]


def test_segment_and_loop_over_their_maximum():
    body = SETS["850"][1] + "CTT*1~"
    assert notes(checked("850", body)) == [("CTT", 5, "4", [])]
    body = "BAK*00*AC*PO-7*20240521~" + "CUR*SE*USD~" * 2
    body += "PO1*1*1*EA*1**VP*A~"
    assert ("CUR", 4, "5", []) in notes(checked("855", body))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("BAK*00*AC*PO-7*20240231~", [("BAK", 2, "8", [(4, "8")])]),
        ("BAK*00*ZZZ*PO-7*20240521~", [("BAK", 2, "8", [(2, "5")])]),
        ("BAK*00*XX*PO-7*20240521~", [("BAK", 2, "8", [(2, "7")])]),
        ("BAK*00*AC*" + "P" * 23 + "*20240521~", [("BAK", 2, "8", [(3, "5")])]),
        ("BAK*00*AC*PO-7*20240521*****20240521*AC*Z~", [("BAK", 2, "8", [(11, "3")])]),
        (
            "BAK*00*AC*PO-7*20240521~PO1*1*1.5.0*EA~ACK*IA~",
            [("PO1", 3, "8", [(2, "6")])],
        ),
        (
            "BAK*00*AC*PO-7*20240521~PO1*1*1*EA*1**VP~ACK*XX~",
            [("PO1", 3, "8", [(7, "2")]), ("ACK", 4, "8", [(1, "7")])],
        ),
    ],
)
def test_element_errors(body, expected):
    assert notes(checked("855", body)) == expected


def test_lengths_follow_the_version():
    body = "BEG*00*SA*PO-7**20240521~REF*IA*" + "9" * 40 + "~PO1*1*1*EA*1**VP*A~"
    assert notes(checked("850", body, "005010")) == []
    assert notes(checked("850", body, "004010")) == [("REF", 3, "8", [(2, "5")])]


def test_997_rejects_a_set_breaking_its_guide_with_ak3_ak4():
    body = SETS["856"][1].replace("*20240522*0930~", "*20240522~")
    (found,) = x12.parse(interchange("856", body))
    (group,) = found.groups
    results = x12.validate_group(group)
    assert results["0001"].accepted is False
    assert results["0001"].codes == ("5",)
    ack = x12.build_997(found, group, results, itertools.count(1))
    text = x12.serialize(ack).decode()
    assert "~AK3*BSN*2**8~AK4*4*337*1~AK5*R*5~AK9*R*1*1*0~" in text
    record = x12.read_acks([ack])[0]
    (note,) = record["sets"][0]["segment_errors"]
    assert (note["segment_id"], note["position"], note["code"]) == ("BSN", 2, "8")
    assert note["element_errors"][0]["element"] == 4


def test_999_reports_ik3_ik4_for_a_004010_partner():
    body = SETS["855"][1].replace("*20240521~", "*20240231~", 1)
    (found,) = x12.parse(interchange("855", body))
    (group,) = found.groups
    ack = x12.build_999(found, group, x12.validate_group(group), itertools.count(1))
    text = x12.serialize(ack, found.delimiters).decode()
    assert "~IK3*BAK*2**8~IK4*4*373*8*20240231~IK5*R*5~AK9*R*1*1*0~" in text


def test_guides_can_be_left_out():
    body = SETS["810"][1].replace("TDS*11940~", "")
    (found,) = x12.parse(interchange("810", body))
    results = x12.validate_group(found.groups[0], guides=False)
    assert results == {"0001": SetResult(True, ())}


def test_received_997_is_checked_too():
    body = "AK1*PO*4471~AK2*850*0001~AK5*A~"
    (found,) = x12.parse(
        HEAD
        + "GS*FA*A*B*20240521*1230*9*X*004010~ST*997*0001~"
        + body
        + "SE*5*0001~GE*1*9~IEA*1*000000101~"
    )
    (transaction_set,) = x12.transaction_sets([found])
    assert notes(x12.check_set(transaction_set, "004010")) == [("AK9", 5, "3", [])]


def test_deep_hl_tree_is_checked_without_recursion():
    levels = "HL*1**S~HL*2*1*O~PRF*PO-7~"
    levels += "".join(f"HL*{n}*{n - 1}*P~" for n in range(3, 3000))
    body = "BSN*00*ASN-7*20240522*0930~" + levels + "CTT*2999~"
    assert checked("856", body) == []


def test_fast_path_never_accepts_what_the_full_check_refuses():
    """Every segment of the examples, its values mutated: when the compiled
    pattern accepts one, checking element by element finds nothing either."""
    import random

    from lib.x12 import guide_elements

    rng = random.Random(7)
    alphabet = "0123456789.-ABCZ *:"
    segments = [
        segment
        for set_id in SETS
        for segment in x12.parse(interchange(set_id))[0]
        .groups[0]
        .transaction_sets[0]
        .segments
    ]
    accepted = 0
    for _ in range(20_000):
        segment = rng.choice(segments)
        elements = list(segment.elements) + [""] * rng.randint(0, 2)
        position = rng.randrange(len(elements))
        size = rng.randint(0, 32)
        elements[position] = "".join(rng.choice(alphabet) for _ in range(size))
        mutated = x12.Segment(segment.id, tuple(elements))
        for old in (True, False):
            specs = guide_elements._elements(segment.id, old)
            pattern = guide_elements._fast_path(segment.id, old)
            relations = guide_elements._relations(segment.id)
            if (
                pattern
                and pattern.match(guide_elements.SEPARATOR.join(elements))
                and guide_elements._relations_hold(tuple(elements), relations)
            ):
                accepted += 1
                assert guide_elements.full_check(mutated, specs) == [], mutated
    assert accepted > 1000, "the fast path is used"


def test_guide_data_is_well_formed():
    from lib.x12 import guide_check, guide_elements, guides

    for set_id, text in guides.STRUCTURES.items():
        assert guide_check._STRUCTURE_RE.sub("", text).split() == [], set_id
        assert text.count("[") == text.count("]"), set_id
        assert guide_check._structure(set_id).children[0].segment_id == "ST"
    for table in (guides.SEGMENTS, guides.SEGMENTS_004010):
        for segment_id, text in table.items():
            for token in text.split():
                assert guide_elements._TOKEN_RE.match(token), (segment_id, token)


@pytest.mark.parametrize(
    ("set_id", "body"),
    [
        # standard segments the maps do not read are allowed where they belong
        ("850", SETS["850"][1].replace("PO1*", "TAX*X1*1~PKG*F****BOXED~PO1*", 1)),
        ("810", SETS["810"][1].replace("IT1*", "NTE*GEN*PAID BY EFT~IT1*", 1)),
        ("856", SETS["856"][1].replace("CTT*", "MEA*PD*G*18.6*KG~CTT*", 1)),
    ],
)
def test_standard_segments_outside_the_maps_are_accepted(set_id, body):
    assert checked(set_id, body) == []


def test_versions_without_guides_are_not_held_to_them():
    # a 003010 order dates BEG05 in 6 digits: no 004010/005010 guide applies
    body = "BEG*00*SA*PO-7**960521~PO1*1*12*EA*9.95**VP*SKU-1~CTT*1~"
    assert checked("850", body, "003010") == []
    assert notes(checked("850", body, "004010")) == [("BEG", 2, "8", [(5, "4")])]
    assert not x12.has_guide("850", "003010")
    assert x12.has_guide("850", "004010VICS")
