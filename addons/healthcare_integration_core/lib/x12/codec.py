"""Reading X12 interchanges (``parse``, ``parse_each``).

Each interchange declares its delimiters in its fixed-length ISA header (read
by ``isa.IsaReader``), then the body is split with ``str.find`` on the segment
terminator and ``str.split`` on the element separator. What partners put
between segments is dropped: line breaks (also inside segments: files wrapped
at 80 columns), blanks and padding. ``parse_each`` reads a mailbag interchange
by interchange, so that one broken interchange fails alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from sys import intern

from . import values
from .envelope_reader import EnvelopeReader, OpenGroup, OpenSet
from .isa import IsaReader, is_separator
from .model import (
    KIND_ISA,
    KIND_MISSING_TRAILER,
    KIND_OUTSIDE,
    KIND_SYNTAX,
    Composite,
    Delimiters,
    Element,
    FunctionalGroup,
    Interchange,
    Repetition,
    Segment,
    X12Error,
)

ENVELOPE_IDS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
_CHECKED_ENVELOPE = ENVELOPE_IDS - {"ISA"}
# between interchanges: blanks, NUL/SUB padding, byte-order marks of joined files
_PADDING_RE = re.compile(r"[\s\x00\x1a\ufeff]*")
# between segments: blanks and padding before a segment id
_LEADING = " \t\x0b\x0c\x00\x1a\ufeff"
# the next interchange of a mailbag after a broken one: ISA at a segment start
_NEXT_ISA_RE = re.compile(r"(?<![A-Za-z0-9])ISA(?=[^A-Za-z0-9\s])")


@dataclass(frozen=True, slots=True)
class Received:
    """One interchange of a mailbag (``parse_each``): ``interchange`` when it
    was read, else ``error``, and ``header`` when its ISA was (to answer it
    with a TA1). ``text`` is its part of the data, to store and replay."""

    index: int
    text: str
    interchange: Interchange | None = None
    error: X12Error | None = None
    header: Interchange | None = None
    encoding: str | None = None


def parse(data: bytes | str, strict: bool = True) -> list[Interchange]:
    """The interchanges in ``data``, in order; raises ``X12Error``.

    With ``strict=False`` problems confined to one transaction set or group
    (wrong SE01/GE01 counts, mismatched control numbers, missing SE/GE) are
    recorded in its ``errors`` instead of raised, for 997/999 answers.
    """
    text, encoding = values.decode_with_encoding(data)
    return _Parser(text, strict, encoding).interchanges()


def parse_each(data: bytes | str) -> list[Received]:
    """Every interchange of a mailbag, read or refused on its own
    (``parse(strict=False)`` for each); never raises."""
    text, encoding = values.decode_with_encoding(data)
    return _Parser(text, False, encoding).each()


def _valid_segment_id(segment_id: str) -> bool:
    return (
        2 <= len(segment_id) <= 3
        and segment_id.isascii()
        and segment_id.isalnum()
        and segment_id[0].isalpha()
        and segment_id == segment_id.upper()
    )


def _element(text: str, component: str, repetition: str | None) -> Element:
    if repetition is not None and repetition in text:
        return Repetition(
            _element(part, component, None) for part in text.split(repetition)
        )
    if component in text:
        return Composite(text.split(component))
    return text


class _Parser(IsaReader, EnvelopeReader):
    def __init__(self, text: str, strict: bool, encoding: str | None = None):
        self.text = text
        self.strict = strict
        self.encoding = encoding
        self.header: Interchange | None = None
        self.delimiters: Delimiters | None = None
        self.pos = 0
        self.ordinal = 0
        self.index = 0
        self.control: str | None = None
        self.known_ids: set[str] = set()
        self.pending_st_error: str | None = None
        self.leading: list[Segment] = []
        self.groups: list[FunctionalGroup] = []
        self.group: OpenGroup | None = None
        self.set: OpenSet | None = None

    def error(self, reason: str, kind: str = KIND_SYNTAX, **where) -> X12Error:
        where.setdefault("position", self.ordinal)
        return X12Error(
            reason,
            kind=kind,
            interchange=self.index,
            control_number=self.control,
            **where,
        )

    def isa_error(self, reason: str, kind: str = KIND_ISA) -> X12Error:
        if self.encoding in values.EBCDIC_CODE_PAGES:
            reason += f" (the data is EBCDIC, read as {self.encoding})"
        return self.error(reason, kind, segment_id="ISA")

    def problem(self, found: list[X12Error], reason: str, kind: str, **where) -> None:
        error = self.error(reason, kind, **where)
        if self.strict:
            raise error
        found.append(error)

    def interchanges(self) -> list[Interchange]:
        found = []
        while True:
            self.pos = _PADDING_RE.match(self.text, self.pos).end()
            if self.pos >= len(self.text):
                return found
            self.index += 1
            self.control = None
            found.append(self.interchange())

    def each(self) -> list[Received]:
        found = []
        while True:
            self.pos = _PADDING_RE.match(self.text, self.pos).end()
            if self.pos >= len(self.text):
                return found
            start = self.pos
            self.index += 1
            self.control, self.header, self.delimiters = None, None, None
            try:
                interchange = self.interchange()
            except X12Error as exc:
                end = self.next_interchange(start)
                text = self.text[start:end]
                self.pos = end
                found.append(
                    Received(self.index, text, None, exc, self.header, self.encoding)
                )
                continue
            text = self.text[start : self.pos]
            found.append(Received(self.index, text, interchange, None, interchange))

    def next_interchange(self, start: int) -> int:
        """Where the interchange after the broken one at ``start`` begins."""
        text = self.text
        if self.delimiters is not None:
            # an ISA right after a terminator of this interchange
            terminator = self.delimiters.segment
            index = text.find(terminator, start + 3)
            while index >= 0:
                after = _PADDING_RE.match(text, index + 1).end()
                if text.startswith("ISA", after) and _NEXT_ISA_RE.match(text, after):
                    return after
                index = text.find(terminator, index + 1)
            return len(text)
        found = _NEXT_ISA_RE.search(text, start + 3)
        return found.start() if found else len(text)

    def interchange(self) -> Interchange:
        fields, delimiters = self.read_isa()
        self.delimiters = delimiters
        header = self.isa_values(fields)
        self.header = Interchange(
            **header, delimiters=delimiters, encoding=self.encoding
        )
        self.groups, self.group, self.set = [], None, None
        self.leading: list[Segment] = []
        self.read_body(delimiters)
        return Interchange(
            **header,
            groups=tuple(self.groups),
            delimiters=delimiters,
            segments=tuple(self.leading),
            encoding=self.encoding,
        )

    def raw_segments(self, terminator: str) -> Iterator[str]:
        text, pos, size = self.text, self.pos, len(self.text)
        while pos < size:
            end = text.find(terminator, pos)
            if end < 0:
                end = size
            raw = text[pos:end]
            pos = end + 1
            if "\n" in raw or "\r" in raw:
                raw = raw.replace("\r", "").replace("\n", "")
            if raw and raw[0] in _LEADING:
                raw = raw.lstrip(_LEADING)
            if raw:
                self.pos = pos
                yield raw

    def read_body(self, delimiters: Delimiters) -> None:
        separator = delimiters.element
        component, repetition = delimiters.component, delimiters.repetition
        handlers = {
            "GS": self.on_gs,
            "GE": self.on_ge,
            "ST": self.on_st,
            "SE": self.on_se,
            "ISA": self.on_isa,
        }
        for raw in self.raw_segments(delimiters.segment):
            self.ordinal += 1
            parts = raw.split(separator)
            segment_id = parts[0]
            if segment_id not in self.known_ids:
                self.check_segment_id(segment_id)
            if segment_id in _CHECKED_ENVELOPE:
                self.check_envelope(parts, component, repetition)
            if segment_id == "IEA":
                self.on_iea(parts)
                return
            if segment_id in handlers:
                handlers[segment_id](parts)
            elif self.set is None and self.group is None and not self.groups:
                # between ISA and the first GS: a TA1 (interchange acknowledgement)
                elements = (_element(p, component, repetition) for p in parts[1:])
                self.leading.append(Segment(segment_id, tuple(elements)))
            elif self.set is None:
                raise self.error(
                    f"{segment_id} is outside a transaction set (no ST before it)",
                    KIND_OUTSIDE,
                    segment_id=segment_id,
                )
            elif component in raw or (repetition is not None and repetition in raw):
                elements = tuple(_element(p, component, repetition) for p in parts[1:])
                segment_id = intern(segment_id)
                self.set.segments.append(Segment(segment_id, elements))
            else:
                # interning shares the values repeated from line to line (codes,
                # units, part numbers): a parsed file then takes far less memory
                elements = tuple(map(intern, parts[1:]))
                self.set.segments.append(Segment(intern(segment_id), elements))
        self.pos = len(self.text)
        raise self.error("the interchange has no IEA trailer", KIND_MISSING_TRAILER)

    def check_envelope(self, parts: list[str], component: str, repetition) -> None:
        """Envelope elements are simple: a delimiter in one (a component
        separator in ST03...) could not be written back."""
        for number, value in enumerate(parts[1:], 1):
            if component in value or (repetition is not None and repetition in value):
                reason = f"{parts[0]}{number:02d} {value!r} holds a separator"
                if parts[0] == "ST" and number > 2:
                    # the set is answered as in error, its other values are kept
                    parts[number] = ""
                    self.pending_st_error = reason
                    continue
                raise self.error(reason, segment_id=parts[0])

    def check_segment_id(self, segment_id: str) -> None:
        if segment_id[:3] == "ISA" and is_separator(segment_id[3:4] or "A"):
            # the next interchange, with other delimiters
            self.on_isa([])
        if not _valid_segment_id(segment_id):
            raise self.error(
                f"segment id {segment_id[:10]!r} is not 2 or 3 upper-case letters "
                "and digits",
                segment_id=segment_id[:10],
                set_position=None if self.set is None else len(self.set.segments) + 2,
            )
        self.known_ids.add(segment_id)
