"""X12 as partners' EDI tools write it: byte-order marks, blanks and padding
between segments, EBCDIC, mailbags with a broken interchange, 6-digit dates,
values the writer could not write back, deep HL trees.

The interchanges follow the shape of the 004010 implementation guides'
examples (an 850 of one line, a 997 accepting it), written for these tests.
"""

import dataclasses
import datetime as dt
import itertools

import pytest
from addon_lib import addon_lib
from lib import x12
from lib.x12 import Delimiters, X12Error

x12_maps = addon_lib("procurement", "x12_maps")

ISA = (
    "ISA*00*          *00*          *ZZ*SUPPLIERCO     *ZZ*HOSPITALGRP    "
    "*{date}*1230*U*00401*{control}*0*P*>~"
)
PO = (
    "GS*PO*SUPPLIERCO*HOSPITALGRP*20240521*1230*{group}*X*004010~"
    "ST*850*0001~BEG*00*SA*PO-{group}**20240521~"
    "PO1*1*12*EA*9.95**VP*SKU-1~CTT*1~SE*5*0001~GE*1*{group}~"
)


def interchange(control=1, group=1, date="240521", body=None, trailer=None):
    number = f"{control:09d}"
    text = ISA.format(date=date, control=number)
    text += PO.format(group=group) if body is None else body
    return text + (f"IEA*1*{number}~" if trailer is None else trailer)


def po_number(found):
    (transaction_set,) = x12.transaction_sets([found])
    return x12_maps.map_850(transaction_set)["po_number"]


# encodings -------------------------------------------------------------------


def test_utf8_byte_order_mark_is_dropped():
    data = b"\xef\xbb\xbf" + interchange().encode()
    (found,) = x12.parse(data)
    assert found.sender_id == "SUPPLIERCO"
    assert po_number(found) == "PO-1"


def test_byte_order_marks_between_joined_files_are_padding():
    data = "\ufeff" + interchange(1) + "\r\n\ufeff" + interchange(2, 2)
    assert [po_number(found) for found in x12.parse(data)] == ["PO-1", "PO-2"]


@pytest.mark.parametrize("code_page", ["cp037", "cp500"])
def test_ebcdic_interchange_is_read(code_page):
    text = interchange()
    (found,) = x12.parse(text.encode(code_page))
    # * > ~ are the same bytes in both code pages: either reads them
    assert found.encoding in ("cp037", "cp500")
    assert po_number(found) == "PO-1"
    assert found.delimiters == Delimiters("*", ">", None, "~")


def test_ebcdic_code_page_is_told_apart_by_the_isa_delimiters():
    # "^" as ISA11 and "|" as element separator: bytes that differ between
    # cp037 and cp500
    text = interchange().replace("*", "|").replace("|U|00401", "|^|00501")
    for code_page in ("cp037", "cp500"):
        (found,) = x12.parse(text.encode(code_page))
        assert (found.encoding, found.delimiters.element) == (code_page, "|")
        assert found.delimiters.repetition == "^"


def test_answer_goes_back_in_the_partners_ebcdic():
    (found,) = x12.parse(interchange().encode("cp037"))
    (group,) = found.groups
    ack = x12.build_997(found, group, x12.validate_group(group), itertools.count(7))
    data = x12.serialize(ack, found.delimiters, encoding=found.encoding)
    assert data[:3] == "ISA".encode("cp037")
    (read_back,) = x12.parse(data)
    assert x12.read_acks([read_back])[0]["status"] == "A"


def test_unreadable_ebcdic_is_refused_saying_so():
    data = ("ISA" + "\x00" * 40).encode("cp037")
    with pytest.raises(X12Error) as info:
        x12.parse(data)
    assert "EBCDIC" in str(info.value)


# blanks, line breaks, padding ----------------------------------------------------


@pytest.mark.parametrize(
    "between", [" ", "\r\n", "\n  ", "\t", " \r\n ", "\x00", "\r\n\x1a"]
)
def test_blanks_and_padding_between_segments_are_dropped(between):
    text = interchange().replace("~", "~" + between)
    (found,) = x12.parse(text.encode())
    assert found == x12.parse(interchange())[0]


def test_newline_terminated_file_with_crlf_reads_like_tilde():
    text = interchange().replace("~", "\r\n").replace(">\r\n", ">\n", 1)
    (found,) = x12.parse(text)
    assert po_number(found) == "PO-1"


# mailbags ----------------------------------------------------------------------


def test_mailbag_broken_interchange_fails_alone():
    broken = interchange(2, 2, trailer="IEA*1*000000999~")
    data = interchange(1, 1) + "\n" + broken + "\n" + interchange(3, 3)
    first, second, third = x12.parse_each(data)
    assert (first.error, third.error) == (None, None)
    assert [po_number(first.interchange), po_number(third.interchange)] == [
        "PO-1",
        "PO-3",
    ]
    assert second.interchange is None
    assert "IEA02" in str(second.error)
    assert second.error.interchange == 2
    assert second.header.control_number == "000000002", "its ISA was read"
    assert second.text.strip() == broken, "its text is kept, to store and replay"
    with pytest.raises(X12Error):
        x12.parse(data)


def test_broken_interchange_is_answered_with_a_ta1():
    broken = interchange(2, 2, trailer="IEA*1*000000999~")
    (entry,) = x12.parse_each(broken)
    ta1 = x12.build_ta1(entry.header, entry.error, itertools.count(40))
    text = x12.serialize(ta1, entry.header.delimiters).decode()
    assert text[:106].split("*")[6].strip() == "HOSPITALGRP", "back to its sender"
    assert "~TA1*000000002*240521*1230*R*001~IEA*0*000000040~" in text
    (read_back,) = x12.parse(text)
    assert read_back.segments[0].elements[3:] == ("R", "001")


def test_mailbag_interchange_without_iea_fails_alone():
    no_trailer = interchange(2, 2, trailer="")
    first, second, third = x12.parse_each(
        interchange(1, 1) + no_trailer + interchange(3, 3)
    )
    assert first.interchange and third.interchange
    assert "IEA" in str(second.error)
    assert second.text == no_trailer


def test_mailbag_unreadable_isa_has_no_header_to_answer():
    (garbage, good) = x12.parse_each("ISA*00*short~" + interchange(5, 5))
    assert garbage.header is None and garbage.interchange is None
    assert good.interchange.control_number == "000000005"


# dates -------------------------------------------------------------------------


def test_six_digit_isa_date_keeps_its_century():
    (found,) = x12.parse(interchange(date="960521"))
    assert found.date == dt.date(1996, 5, 21)
    (found,) = x12.parse(interchange(date="240521"))
    assert found.date == dt.date(2024, 5, 21)


def test_six_digit_gs_date_of_003010_is_written_back_as_received():
    body = PO.format(group=1).replace(
        "*20240521*1230*1*X*004010", "*960521*1230*1*X*003010"
    )
    text = interchange(date="960521", body=body)
    (found,) = x12.parse(text)
    assert found.groups[0].date == dt.date(1996, 5, 21)
    assert x12.serialize(found).decode() == text


# what parse accepts, serialize writes ------------------------------------------


def test_st03_holding_a_separator_rejects_the_set_not_the_interchange():
    text = interchange().replace("ST*850*0001~", "ST*850*0001*0050>10X~")
    with pytest.raises(X12Error, match="ST03"):
        x12.parse(text)
    (found,) = x12.parse(text, strict=False)
    (transaction_set,) = found.groups[0].transaction_sets
    assert "ST03" in str(transaction_set.errors[0])
    results = x12.validate_group(found.groups[0])
    assert results["0001"][:2] == (False, ("5",))
    x12.serialize(found)  # what was read can be written


def test_isa_field_holding_the_terminator_is_refused_with_its_name():
    text = interchange().replace("*00*          *ZZ", "*00*PASS~WORD *ZZ", 1)
    with pytest.raises(X12Error, match="ISA04"):
        x12.parse(text)


@pytest.mark.parametrize("segment", ["GS*PO>X", "GE*1>2"])
def test_envelope_element_holding_a_separator_is_refused(segment):
    head, _, tail = segment.partition("*")
    text = interchange()
    start = text.index(f"~{head}*") + 1
    end = text.index("*", start + len(head) + 1)
    text = text[:start] + segment + text[end:]
    with pytest.raises(X12Error, match=f"{head}01"):
        x12.parse(text)


def test_ta1_between_isa_and_gs_is_read_and_written_back():
    text = interchange(body="TA1*000004471*240312*0815*A*000~")
    text = text.replace("IEA*1*", "IEA*0*")
    (found,) = x12.parse(text)
    assert found.segments == (
        x12.Segment("TA1", ("000004471", "240312", "0815", "A", "000")),
    )
    assert x12.serialize(found).decode() == text


# acknowledgements to any partner -------------------------------------------------


def test_999_answers_a_004010_partner_without_a_repetition_separator():
    (found,) = x12.parse(interchange())
    assert found.delimiters.repetition is None
    (group,) = found.groups
    ack = x12.build_999(found, group, x12.validate_group(group), itertools.count(1))
    data = x12.serialize(ack, found.delimiters).decode()
    assert data[82] == "^", "ISA11 of a 00501 ISA: a free repetition separator"
    assert x12.read_acks(x12.parse(data))[0]["status"] == "A"


def test_999_repetition_separator_avoids_the_partners_delimiters():
    (found,) = x12.parse(interchange().replace("~", "^"))
    (group,) = found.groups
    ack = x12.build_999(found, group, {}, itertools.count(1))
    data = x12.serialize(ack, found.delimiters).decode()
    assert data[82] not in "*>^"
    assert x12.parse(data)[0].groups[0].transaction_sets[0].id == "999"


# depth ----------------------------------------------------------------------------


def test_deep_hl_tree_is_read_without_recursion():
    depth = 5000
    levels = ["HL*1**S~", "HL*2*1*O~PRF*PO-1~"]
    levels += [f"HL*{n}*{n - 1}*P~" for n in range(3, depth)]
    levels.append(f"HL*{depth}*{depth - 1}*I~LIN*1*VP*SKU-1~SN1**1*EA~")
    body = "".join(levels) + f"CTT*{depth}~"
    segments = body.count("~") + 3  # ST BSN ... SE
    text = interchange(
        body="GS*SH*A*B*20240521*1230*1*X*004010~ST*856*0001~"
        "BSN*00*ASN-1*20240521*1230*0001~" + body + f"SE*{segments}*0001~GE*1*1~"
    )
    (transaction_set,) = x12.transaction_sets(x12.parse(text))
    record = x12_maps.map_856(transaction_set)
    (order,) = x12_maps.flatten_856(record)
    assert order["lines"][0]["ids"] == {"VP": "SKU-1"}
    rebuilt = x12_maps.build_document(
        "856", record, {"sender_id": "A", "receiver_id": "B"}, itertools.count(1)
    )
    (again,) = x12.transaction_sets([rebuilt])
    assert len(again.segments) == len(transaction_set.segments)


def test_interchange_copy_keeps_what_was_read():
    text = interchange().replace("*", "|")
    (found,) = x12.parse(text.encode("cp500"))
    copy = dataclasses.replace(found, groups=found.groups)
    assert copy.encoding == "cp500"


def test_999_repetition_separator_is_not_a_character_of_the_values():
    # a 004010 partner whose receiver id holds "^": ISA11 of the 999 avoids it
    text = interchange().replace("HOSPITALGRP    ", "HOSP^TALGRP    ")
    (found,) = x12.parse(text)
    (group,) = found.groups
    ack = x12.build_999(found, group, {}, itertools.count(1))
    data = x12.serialize(ack, found.delimiters).decode()
    assert data[82] not in "^*>~"
    assert x12.parse(data)[0].sender_id == "HOSP^TALGRP"
