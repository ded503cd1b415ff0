"""Functional acknowledgements: 997 (004010) and 999 (005010X231A1).

``validate_group`` turns the structural problems ``parse(strict=False)``
recorded into per-set results; ``build_997``/``build_999`` answer a received
group with them; ``read_ack`` reads a received 997/999 into a dict. Both
directions use the same declarative specs.

Set codes (AK502/IK502): 1 not supported, 2 trailer missing, 3 ST02/SE02
differ, 4 SE01 count wrong, 5 segments in error, 23 duplicate control number.
Group codes (AK905): 3 GE missing, 4 GS06/GE02 differ, 5 GE01 count wrong.
A set breaking its implementation guide (``guide_check``) is rejected with
code 5 and one AK3/IK3 per segment in error, AK4/IK4 per element.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from .envelope import ControlNumbers, Envelope, build_interchange
from .guide_check import check_set
from .guide_elements import SegmentError
from .mapping import Append, Codes, Document, Loop, Merge, read, write
from .mapping import Field as F
from .model import (
    KIND_CONTROL,
    KIND_COUNT,
    KIND_ISA,
    KIND_MISSING_TRAILER,
    KIND_OUTSIDE,
    KIND_TERMINATOR,
    FunctionalGroup,
    Interchange,
    Segment,
    TransactionSet,
    X12Error,
)

SET_NOT_SUPPORTED = "1"
SET_SEGMENTS_IN_ERROR = "5"
SET_DUPLICATE_CONTROL = "23"
SET_CODES = {KIND_MISSING_TRAILER: "2", KIND_CONTROL: "3", KIND_COUNT: "4"}
GROUP_CODES = {KIND_MISSING_TRAILER: "3", KIND_CONTROL: "4", KIND_COUNT: "5"}
VERSION_999 = "005010X231A1"
# TA105 note codes of an interchange that could not be read
TA1_CODES = {
    KIND_CONTROL: "001",
    KIND_TERMINATOR: "004",
    KIND_COUNT: "021",
    KIND_ISA: "022",
    KIND_MISSING_TRAILER: "023",
    KIND_OUTSIDE: "024",
}
TA1_INVALID_CONTENT = "024"


class SetResult(NamedTuple):
    accepted: bool
    codes: tuple[str, ...] = ()
    segment_errors: tuple[SegmentError, ...] = ()


def _ack_spec(set_id: str, prefix: str) -> Document:
    """997 and 999 differ by the names of their segment and set notes."""
    return Document(
        set_id,
        "FA",
        Merge(
            "AK1", F("functional_id", 1), F("group_control_number", 2), F("version", 3)
        ),
        Loop(
            "sets",
            Merge("AK2", F("set_id", 1), F("control_number", 2), F("convention", 3)),
            Loop(
                "segment_errors",
                Merge(
                    f"{prefix}3",
                    F("segment_id", 1),
                    F("position", 2, "int"),
                    F("loop", 3),
                    F("code", 4),
                ),
                Append(
                    f"{prefix}4",
                    "element_errors",
                    F("element", 1, "int", component=1),
                    F("reference", 2),
                    F("element_code", 3),
                    F("value", 4),
                ),
            ),
            Merge(f"{prefix}5", F("status", 1), Codes("codes", 2, 6)),
        ),
        Merge(
            "AK9",
            F("status", 1),
            F("included", 2, "int"),
            F("received", 3, "int"),
            F("accepted", 4, "int"),
            Codes("codes", 5, 9),
        ),
    )


ACK_SPECS = {"997": _ack_spec("997", "AK"), "999": _ack_spec("999", "IK")}


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for code in codes if code))


def validate_group(
    group: FunctionalGroup,
    supported: Collection[str] | None = None,
    guides: bool = True,
) -> dict[str, SetResult]:
    """Results per set control number from the problems the parser recorded,
    set ids outside ``supported`` (when given) and, with ``guides``, the
    implementation guide of each set (``guide_check.check_set``)."""
    seen = Counter(ts.control_number for ts in group.transaction_sets)
    checked: dict = {}  # distinct segments of the group, checked once
    results = {}
    for transaction_set in group.transaction_sets:
        codes = []
        if supported is not None and transaction_set.id not in supported:
            codes.append(SET_NOT_SUPPORTED)
        for error in transaction_set.errors:
            codes.append(SET_CODES.get(error.kind, SET_SEGMENTS_IN_ERROR))
        if seen[transaction_set.control_number] > 1:
            codes.append(SET_DUPLICATE_CONTROL)
        segment_errors = ()
        if guides:
            segment_errors = tuple(check_set(transaction_set, group.version, checked))
            if segment_errors:
                codes.append(SET_SEGMENTS_IN_ERROR)
        found = _unique(codes)[:5]
        results[transaction_set.control_number] = SetResult(
            not found, found, segment_errors
        )
    return results


def describe_result(result: SetResult) -> list[str]:
    """One line per segment in error, naming it and its elements."""
    return [error.describe() for error in result.segment_errors]


def _segment_notes(errors: Sequence[SegmentError]) -> list[dict[str, Any]]:
    return [
        {
            "segment_id": error.segment_id,
            "position": error.position,
            "loop": None,
            "code": error.code,
            "element_errors": [
                {
                    "element": element.position,
                    "reference": element.reference or None,
                    "element_code": element.code,
                    "value": element.value or None,
                }
                for element in error.elements
            ],
        }
        for error in errors
    ]


def group_codes(group: FunctionalGroup) -> tuple[str, ...]:
    """AK905-AK909 codes of the group's own problems."""
    return _unique(GROUP_CODES.get(error.kind, "") for error in group.errors)[:5]


def _set_status(accepted: bool, codes: Sequence[str]) -> str:
    if not accepted:
        return "R"
    return "E" if codes else "A"


def _group_status(statuses: Sequence[str], codes: Sequence[str]) -> str:
    accepted = sum(1 for status in statuses if status in ("A", "E"))
    if codes or (statuses and not accepted):
        return "R"
    if accepted < len(statuses):
        return "P"
    return "E" if "E" in statuses else "A"


def ack_record(
    group: FunctionalGroup,
    results: Mapping[str, SetResult | tuple[bool, Sequence[str]]],
    with_versions: bool,
) -> dict[str, Any]:
    """The dict read_ack would return for an acknowledgement of ``group``;
    sets missing from ``results`` are accepted."""
    sets = []
    for transaction_set in group.transaction_sets:
        result = SetResult(*results.get(transaction_set.control_number, (True, ())))
        accepted, codes = result.accepted, _unique(result.codes)[:5]
        sets.append(
            {
                "set_id": transaction_set.id,
                "control_number": transaction_set.control_number,
                "convention": transaction_set.convention if with_versions else None,
                "segment_errors": _segment_notes(result.segment_errors),
                "status": _set_status(accepted, codes),
                "codes": list(codes),
            }
        )
    statuses = [entry["status"] for entry in sets]
    codes = group_codes(group)
    return {
        "functional_id": group.functional_id,
        "group_control_number": group.control_number,
        "version": group.version if with_versions else None,
        "sets": sets,
        "status": _group_status(statuses, codes),
        "included": len(sets),
        "received": len(sets),
        "accepted": sum(1 for status in statuses if status in ("A", "E")),
        "codes": list(codes),
    }


def _build_ack(
    set_id: str,
    interchange: Interchange,
    group: FunctionalGroup,
    results: Mapping,
    control_numbers: ControlNumbers,
    envelope: Envelope | Mapping | None,
    when: dt.datetime | None,
) -> Interchange:
    is_999 = set_id == "999"
    if envelope is None:
        envelope = Envelope.reply_to(interchange, group)
    envelope = Envelope.coerce(envelope)
    if when is not None:
        envelope = replace(envelope, when=when)
    segments = write(ACK_SPECS[set_id], ack_record(group, results, is_999))
    draft = (set_id, segments, VERSION_999) if is_999 else (set_id, segments)
    version = VERSION_999 if is_999 else "004010"
    return build_interchange(envelope, "FA", [draft], control_numbers, version)


def build_997(
    interchange: Interchange,
    group: FunctionalGroup,
    results: Mapping[str, SetResult | tuple[bool, Sequence[str]]],
    control_numbers: ControlNumbers,
    envelope: Envelope | Mapping | None = None,
    when: dt.datetime | None = None,
) -> Interchange:
    """A 997 (004010) acknowledging ``group`` of ``interchange``, sent back to
    its sender (or with ``envelope``); ``results`` from ``validate_group``."""
    return _build_ack(
        "997", interchange, group, results, control_numbers, envelope, when
    )


def build_999(
    interchange: Interchange,
    group: FunctionalGroup,
    results: Mapping[str, SetResult | tuple[bool, Sequence[str]]],
    control_numbers: ControlNumbers,
    envelope: Envelope | Mapping | None = None,
    when: dt.datetime | None = None,
) -> Interchange:
    """A 999 (005010X231A1): AK1 carries GS08, AK2 the ST03, IK5 the result."""
    return _build_ack(
        "999", interchange, group, results, control_numbers, envelope, when
    )


def build_ta1(
    header: Interchange,
    error: X12Error | None,
    control_numbers: ControlNumbers,
    when: dt.datetime | None = None,
) -> Interchange:
    """A TA1 rejecting the interchange of ``header`` (its ISA, as
    ``parse_each`` read it), noted with the code of ``error``'s kind."""
    envelope = Envelope.reply_to(header)
    if when is not None:
        envelope = replace(envelope, when=when)
    version = header.version if header.version.isdigit() else "00401"
    reply = build_interchange(envelope, "FA", [], control_numbers, version + "0")
    code = TA1_CODES.get(error.kind if error else "", TA1_INVALID_CONTENT)
    ta1 = Segment(
        "TA1",
        (
            header.control_number,
            f"{header.date:%y%m%d}",
            f"{header.time:%H%M}",
            "R",
            code,
        ),
    )
    return replace(reply, groups=(), segments=(ta1,))


def read_ack(transaction_set: TransactionSet) -> dict[str, Any]:
    """A received 997/999 as a dict: group status AK9, per set AK5/IK5 status
    and codes, segment notes AK3/IK3 with their element notes AK4/IK4."""
    spec = ACK_SPECS.get(transaction_set.id)
    if spec is None:
        raise X12Error(
            f"transaction set {transaction_set.id} {transaction_set.control_number} "
            "is not a 997 or 999"
        )
    record = read(spec, transaction_set)
    record["type"] = transaction_set.id
    return record


def read_acks(interchanges: Iterable[Interchange]) -> list[dict[str, Any]]:
    """Every 997/999 of the interchanges, read."""
    found = []
    for interchange in interchanges:
        for group in interchange.groups:
            for transaction_set in group.transaction_sets:
                if transaction_set.id in ACK_SPECS:
                    found.append(read_ack(transaction_set))
    return found
