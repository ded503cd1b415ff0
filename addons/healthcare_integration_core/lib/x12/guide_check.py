"""Checking a transaction set against its implementation guide (``guides``).

``check_set(transaction_set, version)`` returns the set's ``SegmentError``s
with the codes of the 997 AK304/AK403 and 999 IK304/IK403 (the same numbers):

- segment: 2 unexpected segment, 3 mandatory segment missing, 4 loop over
  its maximum, 5 segment over its maximum use, 7 segment not in proper
  sequence, 8 segment has data element errors;
- element: 1 mandatory element missing, 2 conditional element missing, 3 too
  many elements, 4 too short, 5 too long, 6 invalid character, 7 invalid code
  value, 8 invalid date, 9 invalid time, 10 exclusion condition violated.

Sets without a guide (other types) have no errors. The segments are walked
with an explicit stack of open loops, never by recursion.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache

from . import guides
from .guide_fast import SEPARATOR, compile_definition
from .model import Composite, Repetition, TransactionSet

MISSING_SEGMENT = "3"
SEGMENT_HAS_ELEMENT_ERRORS = "8"

_TOKEN_RE = re.compile(r"([MO])(AN|ID|DT|TM|R|N\d|C)(?:(\d+)-(\d+))?(?:@(\d+))?$")
_DECIMAL_RE = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_INTEGER_RE = re.compile(r"-?[0-9]+")
_STRUCTURE_RE = re.compile(r"([A-Z][A-Z0-9]{1,2})([!:])?(\d+)?(>1)?(\[)?|(\])")


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


@dataclass(slots=True)
class _Node:
    """A segment of the structure, or a loop (``children[0]`` its first)."""

    segment_id: str
    required: bool
    maximum: int | None
    children: list[_Node] = field(default_factory=list)
    is_loop: bool = False
    # segment id -> indexes of the children it starts, in order
    positions: dict[str, list[int]] = field(default_factory=dict)


def _parse_structure(text: str) -> _Node:
    root = _Node("ST", True, 1, is_loop=True)
    root.children.append(_Node("ST", True, 1))
    stack = [root]
    for match in _STRUCTURE_RE.finditer(text):
        segment_id, required, maximum, unbounded, opens, closes = match.groups()
        if closes:
            stack.pop()
            continue
        required = required == "!"
        node = _Node(segment_id, required, None if unbounded else int(maximum))
        stack[-1].children.append(node)
        if opens:
            loop = _Node(segment_id, node.required, node.maximum, is_loop=True)
            node.required, node.maximum = True, 1
            loop.children.append(node)
            stack[-1].children[-1] = loop
            stack.append(loop)
    nodes = [root]
    while nodes:
        node = nodes.pop()
        for index, child in enumerate(node.children):
            node.positions.setdefault(child.segment_id, []).append(index)
            nodes.append(child)
    return root


@cache
def _structure(set_id: str) -> _Node | None:
    text = guides.STRUCTURES.get(set_id)
    return None if text is None else _parse_structure(text)


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


@cache
def _all_ids(set_id: str) -> frozenset:
    ids, stack = set(), [_structure(set_id)]
    while stack:
        node = stack.pop()
        ids.add(node.segment_id)
        stack.extend(node.children)
    return frozenset(ids)


def has_guide(set_id: str) -> bool:
    return set_id in guides.STRUCTURES


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


# ------------------------------------------------------------------ structure


class _Frame:
    __slots__ = ("counts", "index", "node")

    def __init__(self, node: _Node):
        self.node, self.index, self.counts = node, 0, {0: 1}


def _find(frame: _Frame, segment_id: str) -> int | None:
    # the first segment of a loop opens a new occurrence: searched in the parent
    start = frame.index or 1
    for index in frame.node.positions.get(segment_id, ()):
        if index >= start:
            return index
    return None


def _missing(frame: _Frame, start: int, stop: int, position: int) -> list:
    return [
        SegmentError(child.segment_id, position, MISSING_SEGMENT)
        for index, child in enumerate(frame.node.children[start:stop], start)
        if child.required and not frame.counts.get(index)
    ]


def check_set(transaction_set: TransactionSet, version: str = "") -> list[SegmentError]:
    """Where ``transaction_set`` breaks its guide (empty: it follows it, or it
    has no guide); ``version`` is GS08 (a 004010 one uses 004010 lengths)."""
    root = _structure(transaction_set.id)
    if root is None:
        return []
    old = version[:6] < "005010"
    known = _all_ids(transaction_set.id)
    errors: list[SegmentError] = []
    stack = [_Frame(root)]
    for position, segment in enumerate(transaction_set.segments, 2):
        segment_id = segment.id
        depth = len(stack) - 1
        while depth >= 0 and _find(stack[depth], segment_id) is None:
            depth -= 1
        if depth < 0:
            code = "7" if segment_id in known else "2"
            errors.append(SegmentError(segment_id, position, code))
            continue
        for frame in stack[depth + 1 :]:
            errors.extend(_missing(frame, frame.index + 1, None, position))
        del stack[depth + 1 :]
        frame = stack[depth]
        index = _find(frame, segment_id)
        errors.extend(_missing(frame, frame.index + 1, index, position))
        count = frame.counts.get(index, 0) + 1
        frame.counts[index] = count
        frame.index = index
        node = frame.node.children[index]
        if node.maximum is not None and count > node.maximum:
            errors.append(
                SegmentError(segment_id, position, "4" if node.is_loop else "5")
            )
        if node.is_loop:
            stack.append(_Frame(node))
        element_errors = check_elements(segment, old)
        if element_errors:
            errors.append(
                SegmentError(
                    segment_id,
                    position,
                    SEGMENT_HAS_ELEMENT_ERRORS,
                    tuple(element_errors[:99]),
                )
            )
    se_position = len(transaction_set.segments) + 2
    for frame in reversed(stack):
        errors.extend(_missing(frame, frame.index + 1, None, se_position))
    return errors
