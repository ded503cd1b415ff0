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

import re
from dataclasses import dataclass, field
from functools import cache

from . import guides
from .guide_elements import (
    SegmentError,
    check_elements,
)
from .model import TransactionSet

MISSING_SEGMENT = "3"
# GS08 versions the guides apply to (first six characters)
GUIDED_VERSIONS = ("004010", "005099")
# distinct segments remembered while checking a group
_CACHE_SIZE = 50_000
SEGMENT_HAS_ELEMENT_ERRORS = "8"

_STRUCTURE_RE = re.compile(r"([A-Z][A-Z0-9]{1,2})([!:])?(\d+)?(>1)?(\[)?|(\])")


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
    # indexes of the mandatory children
    mandatory: list[int] = field(default_factory=list)


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
            # index 0 (ST, a loop's first segment) is there when the frame is
            if child.required and index:
                node.mandatory.append(index)
            nodes.append(child)
    return root


@cache
def _structure(set_id: str) -> _Node | None:
    text = guides.STRUCTURES.get(set_id)
    return None if text is None else _parse_structure(text)


@cache
def _all_ids(set_id: str) -> frozenset:
    ids, stack = set(), [_structure(set_id)]
    while stack:
        node = stack.pop()
        ids.add(node.segment_id)
        stack.extend(node.children)
    return frozenset(ids)


def has_guide(set_id: str, version: str = "") -> bool:
    """Whether sets ``set_id`` of GS08 ``version`` are checked: the guides are
    those of 004010 to 005010 (and the releases between); an older or newer
    version (003010 with its 6-digit dates...) is not held to them."""
    if version and not GUIDED_VERSIONS[0] <= version[:6] <= GUIDED_VERSIONS[1]:
        return False
    return set_id in guides.STRUCTURES


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


def _missing(frame: _Frame, start: int, stop: int | None, position: int) -> list:
    if stop is not None and stop <= start:
        return []  # the next segment of the frame, or the same one again
    children, counts = frame.node.children, frame.counts
    return [
        SegmentError(children[index].segment_id, position, MISSING_SEGMENT)
        for index in frame.node.mandatory
        if start <= index and (stop is None or index < stop) and not counts.get(index)
    ]


def _locate(stack: list[_Frame], segment_id: str) -> tuple[int, int | None]:
    """(depth of the open loop that takes the segment, its index there), or
    (-1, None): the innermost loop declaring it wins."""
    for depth in range(len(stack) - 1, -1, -1):
        index = _find(stack[depth], segment_id)
        if index is not None:
            return depth, index
    return -1, None


def _element_note(segment_id: str, position: int, errors: list) -> SegmentError:
    return SegmentError(
        segment_id, position, SEGMENT_HAS_ELEMENT_ERRORS, tuple(errors[:99])
    )


def check_set(
    transaction_set: TransactionSet, version: str = "", checked: dict | None = None
) -> list[SegmentError]:
    """Where ``transaction_set`` breaks its guide (empty: it follows it, or it
    has no guide); ``version`` is GS08 (a 004010 one uses 004010 lengths).
    ``checked`` remembers the element errors of distinct segments across the
    sets of one group (pass the same dict for sets of the same version)."""
    root = _structure(transaction_set.id)
    if root is None or not has_guide(transaction_set.id, version):
        return []
    old = version[:6] < "005010"
    # segments repeat (codes, parties, packaging): each distinct one is checked once
    checked = {} if checked is None else checked
    known = _all_ids(transaction_set.id)
    errors: list[SegmentError] = []
    stack = [_Frame(root)]
    for position, segment in enumerate(transaction_set.segments, 2):
        segment_id = segment.id
        depth, index = _locate(stack, segment_id)
        if depth < 0:
            code = "7" if segment_id in known else "2"
            errors.append(SegmentError(segment_id, position, code))
            continue
        frame = stack[depth]
        if depth < len(stack) - 1:
            for closed in stack[depth + 1 :]:
                if closed.node.mandatory:
                    errors.extend(_missing(closed, closed.index + 1, None, position))
            del stack[depth + 1 :]
        if index > frame.index + 1 and frame.node.mandatory:
            errors.extend(_missing(frame, frame.index + 1, index, position))
        counts = frame.counts
        count = counts[index] = counts.get(index, 0) + 1
        frame.index = index
        node = frame.node.children[index]
        if node.maximum is not None and count > node.maximum:
            errors.append(
                SegmentError(segment_id, position, "4" if node.is_loop else "5")
            )
        if node.is_loop:
            stack.append(_Frame(node))
        key = (segment_id, segment.elements)
        element_errors = checked.get(key)
        if element_errors is None:
            element_errors = check_elements(segment, old)
            if len(checked) < _CACHE_SIZE:
                checked[key] = element_errors
        if element_errors:
            errors.append(_element_note(segment_id, position, element_errors))
    se_position = len(transaction_set.segments) + 2
    for frame in reversed(stack):
        errors.extend(_missing(frame, frame.index + 1, None, se_position))
    return errors
