"""ASC X12 EDI: parse, serialize, envelopes, 997/999/TA1/824 and the
declarative maps business documents are written with.

Plain Python (standard library only) so that it runs and is tested without
Odoo. Layers, each usable alone:

- ``parse(data) -> [Interchange]`` / ``serialize(interchange) -> bytes``: the
  generic syntax (``codec``, ``writer``, ``model``). Delimiters come from each
  ISA; ``parse(serialize(x)) == x``. Every problem is an ``X12Error`` naming the
  interchange, the segment position and the reason.
- ``build_interchange`` and ``Envelope`` (``envelope``): ISA/GS/ST around
  segments with counts and control numbers drawn from the caller's sequence.
- ``validate_group``, ``build_997``, ``build_999``, ``build_ta1``,
  ``read_ack`` (``ack``); ``check_set`` (``guide_check``: implementation
  guides declared in ``guides``); ``build_824``/``read_824`` (``advice``).
- ``read_document``/``write_document`` (``mapping``): transaction sets to
  plain dicts and back, driven by declarative specs; the supply-chain sets
  (850, 855, 856, 810) are procurement's business (its ``lib/x12_maps.py``).

Usage::

    from itertools import count
    from lib import x12

    numbers = count(1)
    for interchange in x12.parse(data, strict=False):
        for group in interchange.groups:
            results = x12.validate_group(group, supported={"850"})
            ack = x12.build_997(interchange, group, results, numbers)
    reply = x12.serialize(ack)
"""

from .advice import build_824, document_reference, read_824
from .ack import (
    SetResult,
    build_997,
    build_999,
    build_ta1,
    describe_result,
    group_codes,
    read_ack,
    read_acks,
    validate_group,
)
from .guide_check import check_set, has_guide
from .guide_elements import ElementError, SegmentError
from .codec import Received, parse, parse_each
from .envelope import ControlNumbers, Envelope, build_interchange, next_control
from .mapping import read as read_document
from .mapping import write as write_document
from .model import (
    Composite,
    Delimiters,
    FunctionalGroup,
    Interchange,
    Repetition,
    Segment,
    TransactionSet,
    X12Error,
    transaction_sets,
)
from .values import decode
from .writer import serialize

__all__ = [
    "Composite",
    "ControlNumbers",
    "Delimiters",
    "ElementError",
    "Envelope",
    "FunctionalGroup",
    "Interchange",
    "Received",
    "Repetition",
    "Segment",
    "SegmentError",
    "SetResult",
    "TransactionSet",
    "X12Error",
    "build_824",
    "build_997",
    "build_999",
    "build_interchange",
    "build_ta1",
    "check_set",
    "decode",
    "describe_result",
    "document_reference",
    "group_codes",
    "has_guide",
    "next_control",
    "parse",
    "parse_each",
    "read_824",
    "read_ack",
    "read_acks",
    "read_document",
    "serialize",
    "transaction_sets",
    "validate_group",
    "write_document",
]
