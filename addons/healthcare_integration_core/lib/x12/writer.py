"""Writing interchanges back to X12 text (``serialize``).

Counts (SE01, GE01, IEA01) are computed from the contents and ISA fields are
padded to their fixed widths. X12 has no escape character, so a value holding
a delimiter (or a line break) cannot be written and raises ``X12Error``.
"""

from __future__ import annotations

import re

from . import values
from .codec import ENVELOPE_IDS
from .isa import ISA_WIDTHS
from .model import (
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


def serialize(
    interchange: Interchange,
    delimiters: Delimiters | None = None,
    encoding: str = "utf-8",
) -> bytes:
    """X12 text of ``interchange`` with ``delimiters`` (else those it was read
    with, else ``Delimiters()``: ``* : ^ ~``)."""
    chosen = delimiters or interchange.delimiters or Delimiters()
    writer = _Writer(chosen, interchange)
    return writer.interchange(interchange).encode(encoding)


def _check_delimiters(delimiters: Delimiters, repetition: str | None) -> None:
    chosen = [delimiters.element, delimiters.component, delimiters.segment]
    if repetition is not None:
        chosen.append(repetition)
    for char in chosen:
        if len(char) != 1 or char.isalnum() or char in " \t":
            raise X12Error(
                f"delimiter {char!r} is not a single non-alphanumeric character"
            )
    if len(set(chosen)) != len(chosen):
        raise X12Error(f"delimiters {chosen!r} are not distinct")
    if delimiters.element in "\r\n" or delimiters.component in "\r\n":
        raise X12Error("element and component separators cannot be line breaks")
    if delimiters.suffix.strip("\r\n"):
        raise X12Error(f"suffix {delimiters.suffix!r} may only hold line breaks")


_REPETITION_CHOICES = "^{}|!`\\@#$%&+;<=?"


def _fixed(value: str, width: int, name: str) -> str:
    if len(value) > width:
        raise X12Error(f"{name} {value!r} is longer than {width} characters")
    return value.ljust(width)


def _values(interchange: Interchange):
    yield from (interchange.sender_id, interchange.receiver_id)
    yield from (interchange.authorization, interchange.security)
    segments = list(interchange.segments)
    for group in interchange.groups:
        yield from (group.sender, group.receiver, group.version)
        for transaction_set in group.transaction_sets:
            yield transaction_set.convention or ""
            segments.extend(transaction_set.segments)
    for segment in segments:
        for element in segment.elements:
            yield element if isinstance(element, str) else "".join(map(str, element))


def _free_repetition(delimiters: Delimiters, interchange: Interchange) -> str:
    """A repetition separator for an 00402+ ISA when the delimiters in use
    have none (a 999 answering a 004010 partner): the first character that
    is neither a delimiter nor in a value."""
    taken = {delimiters.element, delimiters.component, delimiters.segment}
    used = set().union(*map(set, _values(interchange)))
    for char in _REPETITION_CHOICES:
        if char not in taken and char not in used:
            return char
    raise X12Error("no free character for the ISA11 repetition separator")


class _Writer:
    def __init__(self, delimiters: Delimiters, interchange: Interchange):
        # ISA11 is a code ("U") before 00402: no repetition separator to use
        self.repetition = None if interchange.standards_id else delimiters.repetition
        if not interchange.standards_id and self.repetition is None:
            self.repetition = _free_repetition(delimiters, interchange)
        _check_delimiters(delimiters, self.repetition)
        self.delimiters = delimiters
        forbidden = {delimiters.element, delimiters.component, delimiters.segment}
        forbidden |= {self.repetition or "", "\r", "\n"}
        self.forbidden = re.compile("[" + re.escape("".join(forbidden)) + "]")
        self.end = delimiters.segment + delimiters.suffix

    def text(self, value: str, where: str) -> str:
        if not isinstance(value, str):
            raise X12Error(f"{where}: {value!r} is not text")
        if self.forbidden.search(value):
            raise X12Error(f"{where}: {value!r} holds a delimiter or a line break")
        return value

    def element(self, element: Element, where: str) -> str:
        if isinstance(element, Repetition):
            if self.repetition is None:
                raise X12Error(f"{where}: no repetition separator in an 00401 ISA")
            if len(element) < 2:
                raise X12Error(f"{where}: a repetition needs two or more occurrences")
            return self.repetition.join(self.element(part, where) for part in element)
        if isinstance(element, Composite):
            if len(element) < 2:
                raise X12Error(f"{where}: a composite needs two or more components")
            component = self.delimiters.component
            return component.join(self.text(part, where) for part in element)
        return self.text(element, where)

    def segment(self, segment_id: str, elements) -> str:
        parts = (segment_id, *elements)
        try:
            joined = "".join(parts)
        except TypeError:
            joined = None  # composites or repetitions among the elements
        # fast path: simple elements, checked at once
        if joined is not None and not self.forbidden.search(joined):
            return self.delimiters.element.join(parts) + self.end
        text = [self.text(segment_id, "segment id")]
        for number, element in enumerate(elements, 1):
            text.append(self.element(element, f"{segment_id}{number:02d}"))
        return self.delimiters.element.join(text) + self.end

    def body_segment(self, segment: Segment) -> str:
        if segment.id in ENVELOPE_IDS or not segment.id:
            raise X12Error(f"segment id {segment.id!r} cannot be written inside a set")
        return self.segment(segment.id, segment.elements)

    def isa(self, interchange: Interchange) -> str:
        control = interchange.control_number
        if not values.is_digits(control) or len(control) > 9:
            raise X12Error(f"ISA13 {control!r} is not a number of up to 9 digits")
        fields = [
            interchange.authorization_qualifier,
            interchange.authorization,
            interchange.security_qualifier,
            interchange.security,
            interchange.sender_qualifier,
            interchange.sender_id,
            interchange.receiver_qualifier,
            interchange.receiver_id,
            values.format_date(interchange.date, short=True),
            values.format_time(interchange.time)[:4],
            interchange.standards_id or self.repetition,
            interchange.version,
            control.zfill(9),
            "1" if interchange.ack_requested else "0",
            interchange.usage,
        ]
        padded = []
        for number, (value, width) in enumerate(
            zip(fields, ISA_WIDTHS[:15], strict=True), 1
        ):
            name = f"ISA{number:02d}"
            value = _fixed(value, width, name)
            # ISA11 may be the repetition separator itself
            padded.append(value if number == 11 else self.text(value, name))
        separator = self.delimiters.element
        return separator.join(["ISA", *padded, self.delimiters.component]) + self.end

    def transaction_set(self, transaction_set: TransactionSet) -> list[str]:
        header = [transaction_set.id, transaction_set.control_number]
        if transaction_set.convention:
            header.append(transaction_set.convention)
        text = [self.segment("ST", header)]
        text.extend(self.body_segment(segment) for segment in transaction_set.segments)
        count = len(transaction_set.segments) + 2
        text.append(self.segment("SE", [str(count), transaction_set.control_number]))
        return text

    def group(self, group: FunctionalGroup) -> list[str]:
        header = [
            group.functional_id,
            group.sender,
            group.receiver,
            values.format_date(group.date, short=group.date_digits == 6),
            values.format_time(group.time),
            group.control_number,
            group.agency,
            group.version,
        ]
        text = [self.segment("GS", header)]
        for transaction_set in group.transaction_sets:
            text.extend(self.transaction_set(transaction_set))
        count = str(len(group.transaction_sets))
        text.append(self.segment("GE", [count, group.control_number]))
        return text

    def interchange(self, interchange: Interchange) -> str:
        text = [self.isa(interchange)]
        # interchange-level segments (TA1) come before the groups
        text.extend(self.body_segment(segment) for segment in interchange.segments)
        for group in interchange.groups:
            text.extend(self.group(group))
        count = str(len(interchange.groups))
        control = interchange.control_number.zfill(9)
        text.append(self.segment("IEA", [count, control]))
        return "".join(text)
