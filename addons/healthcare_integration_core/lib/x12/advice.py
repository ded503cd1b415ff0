"""Application Advice (824): a business answer to a set whose syntax was
right (its 997/999 accepted it) but which could not be applied, e.g. an 855
for an order the buyer does not know.

``build_824`` answers one received set: OTI01 ``TR`` (rejected), OTI02/03 the
document's reference (PO number, shipment id, invoice number), OTI08-10 the
group control number, set control number and set id; one TED per reason
(TED01 ``ZZZ`` mutually defined, TED02 the reason cut to 60 characters).
``read_824`` reads one back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .envelope import ControlNumbers, Envelope, build_interchange
from .mapping import Append, Document, Loop, Merge, read, write
from .mapping import Field as F
from .model import FunctionalGroup, Interchange, TransactionSet, X12Error

REJECTED = "TR"
ACCEPTED_WITH_ERRORS = "TE"
MUTUALLY_DEFINED = "ZZZ"
# OTI02 reference id qualifier of the document each set carries
REFERENCE_QUALIFIERS = {"850": "PO", "855": "PO", "856": "SI", "810": "IV"}
_TED02_LENGTH = 60
# where each set carries the id of its document
DOCUMENT_REFERENCES = {
    "850": ("BEG", 3),
    "855": ("BAK", 3),
    "856": ("BSN", 2),
    "810": ("BIG", 2),
}

SPEC_824 = Document(
    "824",
    "AG",
    Merge(
        "BGN",
        F("purpose", 1),
        F("reference", 2),
        F("date", 3, "date"),
        F("time", 4, "time"),
    ),
    Loop(
        "advices",
        Merge(
            "OTI",
            F("status", 1),
            F("reference_qualifier", 2),
            F("reference", 3),
            F("date", 6, "date"),
            F("time", 7, "time"),
            F("group_control_number", 8, "int"),
            F("control_number", 9),
            F("set_id", 10),
        ),
        Append("TED", "errors", F("code", 1), F("message", 2)),
    ),
)


def document_reference(transaction_set: TransactionSet) -> str | None:
    """The document id of a set (BEG03, BAK03, BSN02, BIG02), if any."""
    segment_id, position = DOCUMENT_REFERENCES.get(transaction_set.id, ("", 0))
    for segment in transaction_set.segments:
        if segment.id == segment_id:
            return segment.value(position) or None
    return None


def _reason(text: str) -> str:
    """TED02: one line, no more than 60 characters (X12 has no escape:
    the writer refuses delimiters, so they are replaced here)."""
    line = " ".join(str(text).split())
    cleaned = "".join(
        char if char.isalnum() or char in " .,-/()#'" else " " for char in line
    )
    return cleaned[:_TED02_LENGTH].strip() or "rejected"


def build_824(
    interchange: Interchange,
    group: FunctionalGroup,
    transaction_set: TransactionSet,
    reference: str,
    reasons: Sequence[str],
    control_numbers: ControlNumbers,
    when: dt.datetime | None = None,
    status: str = REJECTED,
) -> Interchange:
    """An 824 telling the sender of ``transaction_set`` why it was not
    applied; ``reference`` is the document's own id (BAK03, BSN02, BIG02)."""
    if not reference:
        raise X12Error("an 824 needs the reference of the document it answers")
    when = when or dt.datetime.now(dt.UTC)
    envelope = replace(Envelope.reply_to(interchange, group), when=when)
    record = {
        "purpose": "00",
        "reference": f"{group.control_number}-{transaction_set.control_number}",
        "date": when.date(),
        "time": dt.time(when.hour, when.minute),
        "advices": [
            {
                "status": status,
                "reference_qualifier": REFERENCE_QUALIFIERS.get(
                    transaction_set.id, "TN"
                ),
                "reference": reference[:30],
                "date": group.date,
                "group_control_number": int(group.control_number)
                if group.control_number.isdigit()
                else None,
                "control_number": transaction_set.control_number,
                "set_id": transaction_set.id,
                "errors": [
                    {"code": MUTUALLY_DEFINED, "message": _reason(reason)}
                    for reason in reasons or ("rejected",)
                ],
            }
        ],
    }
    version = (
        group.version[:6] if group.version[:6] in ("004010", "005010") else "004010"
    )
    return build_interchange(
        envelope, "AG", [("824", write(SPEC_824, record))], control_numbers, version
    )


def read_824(transaction_set: TransactionSet) -> Mapping[str, Any]:
    """A received 824 as a dict: BGN and per OTI its status and TED reasons."""
    return read(SPEC_824, transaction_set)
