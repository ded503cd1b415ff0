"""The parsed form of X12 data: interchanges, groups, sets, segments, errors.

Envelope counts (SE01, GE01, IEA01) are not stored: they follow from the
contents, are checked when parsing and written when serializing, so two
interchanges are equal when their headers and segments are. The delimiters an
interchange was read with are kept for writing it back but do not take part in
equality.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# X12Error.kind values: what the receiver of a 997/999 is told (see ack.py)
KIND_ISA = "isa"
KIND_TERMINATOR = "terminator"
KIND_COUNT = "count"
KIND_CONTROL = "control"
KIND_MISSING_TRAILER = "missing_trailer"
KIND_OUTSIDE = "outside_envelope"
KIND_SYNTAX = "syntax"


class X12Error(ValueError):
    """Any problem with X12 data, naming where it is.

    ``interchange`` is the 1-based index of the interchange in the data and
    ``control_number`` its ISA13; ``position`` the 1-based ordinal of the
    segment in the data (the first ISA is 1) and ``set_position`` its ordinal in
    its transaction set (ST is 1); ``kind`` one of the ``KIND_*`` constants.
    """

    def __init__(
        self,
        reason: str,
        *,
        kind: str = KIND_SYNTAX,
        interchange: int | None = None,
        control_number: str | None = None,
        position: int | None = None,
        set_position: int | None = None,
        segment_id: str | None = None,
    ):
        self.reason = reason
        self.kind = kind
        self.interchange = interchange
        self.control_number = control_number
        self.position = position
        self.set_position = set_position
        self.segment_id = segment_id
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.interchange is not None:
            label = f"interchange {self.interchange}"
            if self.control_number:
                label += f" (ISA13 {self.control_number})"
            where.append(label)
        if self.position is not None or self.segment_id:
            label = "segment" if self.position is None else f"segment {self.position}"
            details = [self.segment_id or ""]
            if self.set_position is not None:
                details.append(f"position {self.set_position} in its set")
            details = [detail for detail in details if detail]
            where.append(f"{label} ({', '.join(details)})" if details else label)
        elif self.set_position is not None:
            where.append(f"segment at position {self.set_position} in its set")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


@dataclass(frozen=True, slots=True)
class Delimiters:
    """Separators of an interchange; ``suffix`` follows each terminator ("\\n")."""

    element: str = "*"
    component: str = ":"
    repetition: str | None = "^"
    segment: str = "~"
    suffix: str = ""


class Composite(tuple):
    """A composite element: its components, as strings."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({tuple.__repr__(self)})"


class Repetition(Composite):
    """A repeated element: its occurrences, strings or ``Composite``."""

    __slots__ = ()


Element = str | Composite | Repetition


def first_value(element: Element) -> str:
    """The text of a simple element, or of the first component/occurrence."""
    while not isinstance(element, str):
        element = element[0] if element else ""
    return element


@dataclass(frozen=True, slots=True)
class Segment:
    id: str
    elements: tuple[Element, ...] = ()

    @classmethod
    def of(cls, segment_id: str, *elements: Element | None) -> Segment:
        """Build a segment, ``None`` as empty, without trailing empty elements."""
        values = ["" if value is None else value for value in elements]
        while values and values[-1] == "":
            values.pop()
        return cls(segment_id, tuple(values))

    def element(self, position: int) -> Element:
        """Element at 1-based ``position`` (``PO102`` is 2), "" when absent."""
        if 0 < position <= len(self.elements):
            return self.elements[position - 1]
        return ""

    def value(self, position: int, component: int | None = None) -> str:
        """Text of an element or of one of its 1-based components.

        A repeated element answers for its first occurrence.
        """
        element = self.element(position)
        if isinstance(element, Repetition):
            element = element[0] if element else ""
        if isinstance(element, str):
            return element if component in (None, 1) else ""
        index = (component or 1) - 1
        return element[index] if 0 <= index < len(element) else ""


@dataclass(frozen=True, slots=True)
class TransactionSet:
    """ST ... SE; ``segments`` are those between ST and SE."""

    id: str
    control_number: str
    segments: tuple[Segment, ...] = ()
    convention: str | None = None
    # problems found by parse(strict=False): X12Error with kind count/control/...
    errors: tuple[X12Error, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class FunctionalGroup:
    """GS ... GE."""

    functional_id: str
    sender: str
    receiver: str
    date: dt.date
    time: dt.time
    control_number: str
    version: str
    transaction_sets: tuple[TransactionSet, ...] = ()
    agency: str = "X"
    errors: tuple[X12Error, ...] = field(default=(), compare=False)
    # GS04 as received: 6 digits (YYMMDD, 003xxx versions) or 8 (CCYYMMDD)
    date_digits: int = field(default=8, compare=False)


@dataclass(frozen=True, slots=True)
class Interchange:
    """ISA ... IEA. ISA fields are stored without their fixed-width padding.

    ``standards_id`` is ISA11 when it is a code ("U" in 00401 and earlier) and
    ``None`` when ISA11 carries the repetition separator (00402 and later).
    ``segments`` are those between ISA and the first GS (a TA1 interchange
    acknowledgement); ``encoding`` the one it was read with ("cp037" for
    EBCDIC), to answer in it.
    """

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    date: dt.date
    time: dt.time
    control_number: str
    version: str = "00501"
    usage: str = "P"
    ack_requested: bool = False
    groups: tuple[FunctionalGroup, ...] = ()
    standards_id: str | None = None
    authorization_qualifier: str = "00"
    authorization: str = ""
    security_qualifier: str = "00"
    security: str = ""
    delimiters: Delimiters | None = field(default=None, compare=False)
    segments: tuple[Segment, ...] = ()
    encoding: str | None = field(default=None, compare=False)


def transaction_sets(
    interchanges: Iterable[Interchange], set_id: str | None = None
) -> Iterator[TransactionSet]:
    """Every transaction set (of type ``set_id``) of the interchanges."""
    for interchange in interchanges:
        for group in interchange.groups:
            for transaction_set in group.transaction_sets:
                if set_id is None or transaction_set.id == set_id:
                    yield transaction_set
