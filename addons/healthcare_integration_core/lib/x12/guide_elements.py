"""Element checks of the implementation guides (``guides``): presence,
lengths, types, dates and times, code lists and syntax notes of one segment.

``check_elements`` tries the compiled fast path (``guide_fast``) first and
checks element by element (``full_check``) only when it does not match, so a
segment in error is always described by the full check.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from . import guides
from .guide_fast import SEPARATOR, compile_definition
from .model import Composite, Repetition

_TOKEN_RE = re.compile(r"([MO])(AN|ID|DT|TM|R|N\d|C)(?:(\d+)-(\d+))?(?:@(\d+))?$")
_DECIMAL_RE = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_INTEGER_RE = re.compile(r"-?[0-9]+")


@dataclass(frozen=True, slots=True)
class ElementError:
    position: int
    code: str
    reference: str = ""
    value: str = ""
    component: int | None = None


@dataclass(frozen=True, slots=True)
class SegmentError:
    """A segment (ST is position 1) breaking the guide, and its elements."""

    segment_id: str
    position: int
    code: str
    elements: tuple[ElementError, ...] = ()

    def describe(self) -> str:
        reasons = {
            "2": "is not expected in this set",
            "3": "is mandatory and missing",
            "4": "opens its loop more times than allowed",
            "5": "is repeated more times than allowed",
            "7": "is out of sequence",
            "8": "has element errors",
        }
        text = f"{self.segment_id} at position {self.position} {reasons[self.code]}"
        details = [
            f"{self.segment_id}{e.position:02d}"
            + (f" ({e.reference})" if e.reference else "")
            + f": {_ELEMENT_REASONS[e.code]}"
            + (f" {e.value!r}" if e.value else "")
            for e in self.elements
        ]
        return text + (": " + "; ".join(details) if details else "")


_ELEMENT_REASONS = {
    "1": "mandatory element missing",
    "2": "conditional element missing",
    "3": "too many elements",
    "4": "too short",
    "5": "too long",
    "6": "invalid character",
    "7": "code value not in the guide",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
}


@cache
def _elements(segment_id: str, old: bool) -> tuple | None:
    text = (old and guides.SEGMENTS_004010.get(segment_id)) or guides.SEGMENTS.get(
        segment_id
    )
    if text is None:
        return None
    found = []
    for position, token in enumerate(text.split(), 1):
        required, kind, low, high, reference = _TOKEN_RE.match(token).groups()
        codes = guides.CODES.get((segment_id, position))
        found.append(
            (
                required == "M",
                kind,
                int(low or 0),
                int(high or 0),
                reference or "",
                frozenset(codes.split()) if codes else None,
            )
        )
    return tuple(found)


@cache
def _relations(segment_id: str) -> tuple:
    found = []
    for token in guides.RELATIONS.get(segment_id, "").split():
        positions = [int(token[i : i + 2]) for i in range(1, len(token), 2)]
        found.append((token[0], positions))
    return tuple(found)


# ------------------------------------------------------------------ elements


def _value_error(spec: tuple, value: str) -> str | None:
    _required, kind, low, high, _reference, codes = spec
    if kind in ("AN", "ID"):
        size = len(value)
    elif kind == "R":
        if not _DECIMAL_RE.fullmatch(value):
            return "6"
        size = sum(1 for char in value if char.isdigit())
    elif kind[0] == "N":
        if not _INTEGER_RE.fullmatch(value):
            return "6"
        size = len(value.lstrip("-"))
    elif kind == "DT":
        if not _valid_date(value):
            return "8"
        size = len(value)
    elif kind == "TM":
        if not _valid_time(value):
            return "9"
        size = len(value)
    else:
        return None
    if size < low:
        return "4"
    if high and size > high:
        return "5"
    if codes is not None and value not in codes:
        return "7"
    return None


def _valid_date(value: str) -> bool:
    if not (value.isascii() and value.isdigit() and len(value) in (6, 8)):
        return False
    year = int(value[:-4]) + (2000 if len(value) == 6 else 0)
    try:
        dt.date(year, int(value[-4:-2]), int(value[-2:]))
    except ValueError:
        return False
    return True


def _valid_time(value: str) -> bool:
    if not (value.isascii() and value.isdigit() and 4 <= len(value) <= 8):
        return False
    return int(value[:2]) < 24 and int(value[2:4]) < 60 and int(value[4:6] or 0) < 60


@cache
def _fast_path(segment_id: str, old: bool):
    specs = _elements(segment_id, old)
    if specs is None:
        return None
    return compile_definition(specs)


def _relations_hold(elements: tuple, relations: tuple) -> bool:
    """Whether every syntax note holds (the details come from full_check);
    a note on elements beyond the last one given holds unless it is R."""
    size = len(elements)
    for kind, positions in relations:
        if positions[0] > size and kind != "R":
            continue
        filled = [p <= size and elements[p - 1] != "" for p in positions]
        if kind == "P":
            if any(filled) and not all(filled):
                return False
        elif kind == "R":
            if not any(filled):
                return False
        elif kind == "C":
            if filled[0] and not all(filled[1:]):
                return False
        elif kind == "L":
            if filled[0] and not any(filled[1:]):
                return False
        elif sum(filled) > 1:
            return False
    return True


def check_elements(segment, old: bool) -> list[ElementError]:
    """The element errors of ``segment`` (a ``Segment``) against its guide."""
    specs = _elements(segment.id, old)
    if specs is None:
        return []
    elements = segment.elements
    fast = _fast_path(segment.id, old)
    if fast is not None:
        try:
            joined = SEPARATOR.join(elements)
        except TypeError:
            joined = None  # a composite or repeated element: the full check
        if (
            joined is not None
            and joined.count(SEPARATOR) == len(elements) - 1
            and fast.match(joined)
            and _relations_hold(elements, _relations(segment.id))
        ):
            return []
    return full_check(segment, specs)


def full_check(segment, specs: tuple) -> list[ElementError]:
    """Every element of ``segment`` checked one by one (``check_elements``
    without its fast path)."""
    elements = segment.elements
    errors = []
    if len(elements) > len(specs):
        errors.append(ElementError(len(specs) + 1, "3"))
    for position, spec in enumerate(specs, 1):
        value = elements[position - 1] if position <= len(elements) else ""
        if value == "":
            if spec[0]:
                errors.append(ElementError(position, "1", spec[4]))
            continue
        if spec[1] == "C":
            continue
        if isinstance(value, (Composite, Repetition)):
            errors.append(ElementError(position, "6", spec[4]))
            continue
        code = _value_error(spec, value)
        if code:
            errors.append(ElementError(position, code, spec[4], value[:99]))
    for kind, positions in _relations(segment.id):
        errors.extend(_relation_errors(kind, positions, elements, specs))
    return errors


def _relation_errors(kind, positions, elements, specs) -> list[ElementError]:
    present = [p <= len(elements) and elements[p - 1] != "" for p in positions]

    def error(position: int, code: str) -> ElementError:
        return ElementError(position, code, specs[position - 1][4])

    if kind == "P" and any(present) and not all(present):
        return [
            error(p, "2")
            for p, here in zip(positions, present, strict=False)
            if not here
        ]
    if kind == "R" and not any(present):
        return [error(positions[0], "2")]
    if kind == "C" and present[0] and not all(present[1:]):
        return [
            error(p, "2")
            for p, here in zip(positions, present, strict=False)
            if not here
        ]
    if kind == "L" and present[0] and not any(present[1:]):
        return [error(positions[1], "2")]
    if kind == "E" and sum(present) > 1:
        return [error(positions[-1], "10")]
    return []
