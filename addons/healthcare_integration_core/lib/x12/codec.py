"""Reading X12 interchanges (``parse``).

Each interchange declares its delimiters in its fixed-length ISA header, so the
parser reads the ISA character by character (skipping line breaks of wrapped
files), then splits the body with ``str.find`` on the segment terminator and
``str.split`` on the element separator. Line breaks around segments are dropped
and, unless the terminator is itself a line break, inside them too (files
wrapped at 80 columns).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from sys import intern

from . import values
from .model import (
    KIND_CONTROL,
    KIND_COUNT,
    KIND_ISA,
    KIND_MISSING_TRAILER,
    KIND_OUTSIDE,
    KIND_SYNTAX,
    KIND_TERMINATOR,
    Composite,
    Delimiters,
    Element,
    FunctionalGroup,
    Interchange,
    Repetition,
    Segment,
    TransactionSet,
    X12Error,
)

ISA_LENGTH = 106
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
ENVELOPE_IDS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
_NEWLINES = "\r\n"
_BLANKS = " \t\r\n\x0b\x0c"
_PADDING_RE = re.compile(r"[\s\x00\x1a]*")
_NEWLINE_RUN_RE = re.compile(r"[\r\n]*")
# raw characters read looking for the 16 ISA separators (line breaks included)
_ISA_SCAN_LIMIT = 400


def parse(data: bytes | str, strict: bool = True) -> list[Interchange]:
    """The interchanges in ``data``, in order; raises ``X12Error``.

    With ``strict=False`` problems confined to one transaction set or group
    (wrong SE01/GE01 counts, mismatched control numbers, missing SE/GE) are
    recorded in its ``errors`` instead of raised, for 997/999 answers.
    """
    return _Parser(values.decode(data), strict).interchanges()


def _part(parts: list[str], index: int) -> str:
    return parts[index] if index < len(parts) else ""


def _number(value: str) -> int | None:
    return int(value) if values.is_digits(value) and len(value) <= 18 else None


def _same_control(trailer: str, header: str) -> bool:
    if trailer == header:
        return True
    number = _number(trailer)
    return number is not None and number == _number(header)


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


def _is_separator(char: str) -> bool:
    # not str.isspace(): it is true of \x1c-\x1f, control delimiters in use
    return not char.isalnum() and char not in _BLANKS


@dataclass(slots=True)
class _OpenSet:
    id: str
    control: str
    convention: str | None
    start: int
    segments: list[Segment] = field(default_factory=list)
    errors: list[X12Error] = field(default_factory=list)

    def close(self) -> TransactionSet:
        return TransactionSet(
            self.id,
            self.control,
            tuple(self.segments),
            self.convention,
            tuple(self.errors),
        )


@dataclass(slots=True)
class _OpenGroup:
    header: list[str]
    date: dt.date
    time: dt.time
    start: int
    sets: list[TransactionSet] = field(default_factory=list)
    errors: list[X12Error] = field(default_factory=list)

    def close(self) -> FunctionalGroup:
        gs = self.header
        return FunctionalGroup(
            functional_id=gs[1],
            sender=gs[2],
            receiver=gs[3],
            date=self.date,
            time=self.time,
            control_number=gs[6],
            version=_part(gs, 8),
            transaction_sets=tuple(self.sets),
            agency=gs[7],
            errors=tuple(self.errors),
        )


class _Parser:
    def __init__(self, text: str, strict: bool):
        self.text = text
        self.strict = strict
        self.pos = 0
        self.ordinal = 0
        self.index = 0
        self.control: str | None = None
        self.known_ids: set[str] = set()
        self.groups: list[FunctionalGroup] = []
        self.group: _OpenGroup | None = None
        self.set: _OpenSet | None = None

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

    def interchange(self) -> Interchange:
        fields, delimiters, unwrap = self.read_isa()
        header = self.isa_values(fields)
        self.groups, self.group, self.set = [], None, None
        self.read_body(delimiters, unwrap)
        return Interchange(**header, groups=tuple(self.groups), delimiters=delimiters)

    def scan_isa(self) -> tuple[str, int]:
        """The ISA through ISA16 without line breaks, and the raw index after."""
        text, index = self.text, self.pos
        limit = min(len(text), index + _ISA_SCAN_LIMIT)
        chars: list[str] = []
        separator, count = None, 0
        while index < limit and count < 16:
            char = text[index]
            index += 1
            if char in _NEWLINES:
                continue
            chars.append(char)
            if len(chars) == 4:
                separator = char
            if char == separator:
                count += 1
        index = _NEWLINE_RUN_RE.match(text, index).end()
        if chars[:3] != ["I", "S", "A"]:
            found = text[self.pos : self.pos + 20]
            raise self.error(f"expected an ISA segment, found {found!r}", KIND_OUTSIDE)
        if separator is not None and not _is_separator(separator):
            raise self.isa_error(f"element separator {separator!r} is not valid")
        if count < 16 or index >= len(text):
            raise self.isa_error(
                f"ISA segment is truncated: {len(chars) + 1} of {ISA_LENGTH} "
                "characters"
            )
        chars.append(text[index])
        return "".join(chars), index + 1

    def read_isa(self) -> tuple[list[str], Delimiters, bool]:
        self.ordinal += 1
        isa, index = self.scan_isa()
        element, component = isa[3], isa[-1]
        if not _is_separator(component) or component == element:
            raise self.isa_error(f"ISA16 {component!r} is not a valid separator")
        if len(isa) + 1 != ISA_LENGTH:
            raise self.isa_error(
                f"ISA segment is {len(isa) + 1} characters, expected {ISA_LENGTH}"
            )
        fields = isa.split(element)
        self.control = fields[13].strip() or None
        for number, (value, width) in enumerate(
            zip(fields[1:], ISA_WIDTHS, strict=True), 1
        ):
            if len(value) != width:
                raise self.isa_error(
                    f"ISA{number:02d} is {len(value)} characters, expected {width}"
                )
        terminator, self.pos, unwrap = self.find_terminator(index)
        repetition = fields[11] if _is_separator(fields[11]) else None
        if terminator in (element, component) or not (
            _is_separator(terminator) or terminator in _NEWLINES
        ):
            raise self.isa_error(
                f"segment terminator {terminator!r} is not valid", KIND_TERMINATOR
            )
        if repetition in (element, component, terminator):
            raise self.isa_error(f"ISA11 {repetition!r} repeats another delimiter")
        return fields, Delimiters(element, component, repetition, terminator), unwrap

    def find_terminator(self, index: int) -> tuple[str, int, bool]:
        """Terminator after ISA16, the body's start, whether to drop line breaks
        inside segments (not when they are the terminator)."""
        text = self.text
        if index >= len(text):
            raise self.isa_error("no segment terminator after ISA16", KIND_TERMINATOR)
        terminator = text[index]
        if terminator not in _NEWLINES:
            return terminator, index + 1, True
        after = _NEWLINE_RUN_RE.match(text, index).end()
        # a line break then a separator: the file is wrapped, that is the terminator
        if after < len(text) and _is_separator(text[after]):
            return text[after], after + 1, True
        return terminator, index + 1, False

    def isa_values(self, fields: list[str]) -> dict:
        try:
            date = values.parse_date(fields[9])
            time = values.parse_time(fields[10])
        except ValueError as exc:
            raise self.isa_error(f"ISA09/ISA10: {exc}") from None
        if not values.is_digits(fields[13]):
            raise self.isa_error(f"ISA13 {fields[13]!r} is not 9 digits")
        if fields[14] not in ("0", "1"):
            raise self.isa_error(f"ISA14 {fields[14]!r} is not 0 or 1")
        return {
            "authorization_qualifier": fields[1],
            "authorization": fields[2].rstrip(),
            "security_qualifier": fields[3],
            "security": fields[4].rstrip(),
            "sender_qualifier": fields[5],
            "sender_id": fields[6].rstrip(),
            "receiver_qualifier": fields[7],
            "receiver_id": fields[8].rstrip(),
            "date": date,
            "time": time,
            "standards_id": None if _is_separator(fields[11]) else fields[11],
            "version": fields[12],
            "control_number": fields[13],
            "ack_requested": fields[14] == "1",
            "usage": fields[15],
        }

    def raw_segments(self, terminator: str, unwrap: bool) -> Iterator[str]:
        text, pos, size = self.text, self.pos, len(self.text)
        while pos < size:
            end = text.find(terminator, pos)
            if end < 0:
                end = size
            raw = text[pos:end]
            pos = end + 1
            if unwrap:
                if "\n" in raw or "\r" in raw:
                    raw = raw.replace("\r", "").replace("\n", "")
            else:
                raw = raw.strip(_NEWLINES)
            if raw:
                self.pos = pos
                yield raw

    def read_body(self, delimiters: Delimiters, unwrap: bool) -> None:
        separator = delimiters.element
        component, repetition = delimiters.component, delimiters.repetition
        handlers = {
            "GS": self.on_gs,
            "GE": self.on_ge,
            "ST": self.on_st,
            "SE": self.on_se,
            "ISA": self.on_isa,
        }
        for raw in self.raw_segments(delimiters.segment, unwrap):
            self.ordinal += 1
            parts = raw.split(separator)
            segment_id = parts[0]
            if segment_id not in self.known_ids:
                self.check_segment_id(segment_id)
            if segment_id == "IEA":
                self.on_iea(parts)
                return
            if segment_id in handlers:
                handlers[segment_id](parts)
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

    def check_segment_id(self, segment_id: str) -> None:
        if segment_id[:3] == "ISA" and _is_separator(segment_id[3:4] or "A"):
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

    def on_isa(self, _parts: list[str]) -> None:
        raise self.error(
            "ISA before the IEA of the current interchange",
            KIND_MISSING_TRAILER,
            segment_id="ISA",
        )

    def on_gs(self, parts: list[str]) -> None:
        self.close_group_without_trailer("GS")
        if len(parts) < 9 or not parts[6]:
            raise self.error("GS needs 8 elements, GS06 included", segment_id="GS")
        try:
            date, time = values.parse_date(parts[4]), values.parse_time(parts[5])
        except ValueError as exc:
            raise self.error(f"GS04/GS05: {exc}", segment_id="GS") from None
        self.group = _OpenGroup(parts, date, time, self.ordinal)

    def on_ge(self, parts: list[str]) -> None:
        group = self.group
        if group is None:
            raise self.error("GE without a GS before it", KIND_OUTSIDE, segment_id="GE")
        self.close_set_without_trailer("GE")
        declared, actual = _part(parts, 1), len(group.sets)
        if _number(declared) != actual:
            self.problem(
                group.errors,
                f"GE01 {declared!r} does not match the {actual} transaction sets "
                "of the group",
                KIND_COUNT,
                segment_id="GE",
            )
        if not _same_control(_part(parts, 2), group.header[6]):
            self.problem(
                group.errors,
                f"GE02 {_part(parts, 2)!r} does not match GS06 {group.header[6]!r}",
                KIND_CONTROL,
                segment_id="GE",
            )
        self.groups.append(group.close())
        self.group = None

    def on_st(self, parts: list[str]) -> None:
        if self.group is None:
            raise self.error(
                "ST outside a functional group (no GS before it)",
                KIND_OUTSIDE,
                segment_id="ST",
            )
        self.close_set_without_trailer("ST")
        if not _part(parts, 1) or not _part(parts, 2):
            raise self.error(
                "ST01 and ST02 are required", segment_id="ST", set_position=1
            )
        self.set = _OpenSet(parts[1], parts[2], _part(parts, 3) or None, self.ordinal)

    def on_se(self, parts: list[str]) -> None:
        current = self.set
        if current is None:
            raise self.error(
                "SE without an ST before it", KIND_OUTSIDE, segment_id="SE"
            )
        actual = len(current.segments) + 2
        where = {"segment_id": "SE", "set_position": actual}
        declared = _part(parts, 1)
        if _number(declared) != actual:
            reason = (
                f"SE01 {declared!r} does not match the {actual} segments of the set"
            )
            self.problem(current.errors, reason, KIND_COUNT, **where)
        if not _same_control(_part(parts, 2), current.control):
            reason = f"SE02 {_part(parts, 2)!r} does not match ST02 {current.control!r}"
            self.problem(current.errors, reason, KIND_CONTROL, **where)
        self.group.sets.append(current.close())
        self.set = None

    def on_iea(self, parts: list[str]) -> None:
        self.close_group_without_trailer("IEA")
        declared, actual = _part(parts, 1), len(self.groups)
        if _number(declared) != actual:
            raise self.error(
                f"IEA01 {declared!r} does not match the {actual} functional groups "
                "of the interchange",
                KIND_COUNT,
                segment_id="IEA",
            )
        if not _same_control(_part(parts, 2), self.control or ""):
            raise self.error(
                f"IEA02 {_part(parts, 2)!r} does not match ISA13 {self.control!r}",
                KIND_CONTROL,
                segment_id="IEA",
            )

    def close_set_without_trailer(self, before: str) -> None:
        current = self.set
        if current is None:
            return
        reason = (
            f"transaction set {current.id} {current.control} (ST at segment "
            f"{current.start}) has no SE before this {before}"
        )
        self.problem(current.errors, reason, KIND_MISSING_TRAILER, segment_id=before)
        self.group.sets.append(current.close())
        self.set = None

    def close_group_without_trailer(self, before: str) -> None:
        self.close_set_without_trailer(before)
        group = self.group
        if group is None:
            return
        reason = (
            f"functional group {group.header[6]} (GS at segment {group.start}) has "
            f"no GE before this {before}"
        )
        self.problem(group.errors, reason, KIND_MISSING_TRAILER, segment_id=before)
        self.groups.append(group.close())
        self.group = None
