"""Reading the ISA header, which declares the delimiters of its interchange.

The ISA is fixed-length (106 characters): it is read character by character
(skipping line breaks of wrapped files) until its 16th element separator, then
ISA16 (the component separator) and the segment terminator follow. Whatever is
read here can be written back by ``serialize``: an ISA field holding one of
the interchange's delimiters is refused, with the field's name.
"""

from __future__ import annotations

import re

from . import values
from .model import KIND_OUTSIDE, KIND_TERMINATOR, Delimiters, Interchange

ISA_LENGTH = 106
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
NEWLINES = "\r\n"
BLANKS = " \t\r\n\x0b\x0c"
_NEWLINE_RUN_RE = re.compile(r"[\r\n]*")
# raw characters read looking for the 16 ISA separators (line breaks included)
_ISA_SCAN_LIMIT = 400


def is_separator(char: str) -> bool:
    # not str.isspace(): it is true of \x1c-\x1f, control delimiters in use
    return not char.isalnum() and char not in BLANKS


class IsaReader:
    """The ISA part of the parser (``codec._Parser``): ``text``, ``pos`` and
    ``error``/``isa_error`` come from there."""

    text: str
    pos: int

    def scan_isa(self) -> tuple[str, int]:
        """The ISA through ISA16 without line breaks, and the raw index after."""
        text, index = self.text, self.pos
        limit = min(len(text), index + _ISA_SCAN_LIMIT)
        chars: list[str] = []
        separator, count = None, 0
        while index < limit and count < 16:
            char = text[index]
            index += 1
            if char in NEWLINES:
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
        if separator is not None and not is_separator(separator):
            raise self.isa_error(f"element separator {separator!r} is not valid")
        if count < 16 or index >= len(text):
            raise self.isa_error(
                f"ISA segment is truncated: {len(chars) + 1} of {ISA_LENGTH} "
                "characters"
            )
        chars.append(text[index])
        return "".join(chars), index + 1

    def read_isa(self) -> tuple[list[str], Delimiters]:
        self.ordinal += 1
        isa, index = self.scan_isa()
        element, component = isa[3], isa[-1]
        if not is_separator(component) or component == element:
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
        terminator, self.pos = self.find_terminator(index)
        repetition = fields[11] if is_separator(fields[11]) else None
        if terminator in (element, component) or not (
            is_separator(terminator) or terminator in NEWLINES
        ):
            raise self.isa_error(
                f"segment terminator {terminator!r} is not valid", KIND_TERMINATOR
            )
        if repetition in (element, component, terminator):
            raise self.isa_error(f"ISA11 {repetition!r} repeats another delimiter")
        delimiters = Delimiters(element, component, repetition, terminator)
        self.check_isa_fields(fields, delimiters)
        return fields, delimiters

    def check_isa_fields(self, fields: list[str], delimiters: Delimiters) -> None:
        """No ISA field (ISA11 and ISA16 aside) may hold a delimiter: X12 has
        no escape, so such a value could not be written back."""
        reserved = {delimiters.component, delimiters.segment}
        if delimiters.repetition:
            reserved.add(delimiters.repetition)
        for number, value in enumerate(fields[1:16], 1):
            if number != 11 and reserved.intersection(value):
                raise self.isa_error(
                    f"ISA{number:02d} {value!r} holds a delimiter of the interchange"
                )

    def find_terminator(self, index: int) -> tuple[str, int]:
        """Terminator after ISA16 and the body's start."""
        text = self.text
        if index >= len(text):
            raise self.isa_error("no segment terminator after ISA16", KIND_TERMINATOR)
        terminator = text[index]
        if terminator not in NEWLINES:
            return terminator, index + 1
        after = _NEWLINE_RUN_RE.match(text, index).end()
        # a line break then a separator: the file is wrapped, that is the terminator
        if after < len(text) and is_separator(text[after]):
            return text[after], after + 1
        return terminator, index + 1

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
            "standards_id": None if is_separator(fields[11]) else fields[11],
            "version": fields[12],
            "control_number": fields[13],
            "ack_requested": fields[14] == "1",
            "usage": fields[15],
        }


def header_only(header: dict, delimiters: Delimiters) -> Interchange:
    """The interchange of an ISA whose body could not be read (to answer it)."""
    return Interchange(**header, delimiters=delimiters)
