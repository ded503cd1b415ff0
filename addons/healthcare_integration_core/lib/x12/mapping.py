"""Declarative mapping between transaction-set segments and plain dicts.

A ``Document`` spec lists, in the standard's segment order, rules saying where
a segment's elements go in the record of the loop that holds it:

- ``Merge(seg, items..., into=None)``: keys of the record (or of the nested
  dict ``into``);
- ``Append(seg, key, items...)``: a dict appended to the list ``key``;
- ``Collect(seg, key, field)``: one value appended to the list ``key``;
- ``Keyed(seg, key, qualifier, field)``: ``record[key][qualifier] = value``
  (DTM, REF);
- ``Loop(key, start, body...)``: ``start`` (a ``Merge``) opens a new record
  appended to the list ``key``; ``body`` holds the loop's own rules and loops.

Items: ``Field(key, position, kind)`` with kind str/int/decimal/implied2/date/
time, ``Pairs(key, first, last)`` for qualifier/id pairs (PO106-PO125),
``Codes(key, first, last)``, ``Const(position, value)`` (written, not read).
``when=((1, "F"),)`` restricts a rule to segments with PID01 = "F" and is
written back by the builder.

``read(spec, transaction_set)`` walks the segments with one stack of open
loops: a segment belongs to the innermost open loop that declares it, and
closes the loops inside that one (the usual X12 loop semantics).
``write(spec, record)`` emits segments from a record in spec order, so one
spec serves both directions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import values
from .model import Composite, Segment, TransactionSet, X12Error

_READERS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": values.parse_int,
    "decimal": values.parse_decimal,
    "implied2": values.parse_implied,
    "date": values.parse_date,
    "time": values.parse_time,
}
_WRITERS: dict[str, Callable[[Any], str]] = {
    "str": str,
    "int": lambda value: str(int(value)),
    "decimal": values.format_decimal,
    "implied2": values.format_implied,
    "date": values.format_date,
    "time": values.format_time,
}


class Field:
    __slots__ = ("component", "key", "kind", "position")

    def __init__(self, key: str, position: int, kind: str = "str", component=None):
        if kind not in _READERS:
            raise ValueError(f"unknown kind {kind!r}")
        self.key, self.position, self.kind = key, position, kind
        self.component = component


class Pairs:
    __slots__ = ("first", "key", "last")

    def __init__(self, key: str, first: int, last: int):
        self.key, self.first, self.last = key, first, last


class Codes(Pairs):
    __slots__ = ()


class Const:
    __slots__ = ("position", "value")

    def __init__(self, position: int, value: str):
        self.position, self.value = position, value


class _Rule:
    __slots__ = ("items", "key", "segment", "when")

    def __init__(self, segment: str, key: str | None, items, when=()):
        self.segment, self.key, self.items, self.when = segment, key, items, when

    def matches(self, segment: Segment) -> bool:
        return all(segment.value(position) == value for position, value in self.when)


class Merge(_Rule):
    __slots__ = ()

    def __init__(self, segment: str, *items, when=(), into: str | None = None):
        super().__init__(segment, into, items, when)


class Append(_Rule):
    __slots__ = ()

    def __init__(self, segment: str, key: str, *items, when=()):
        super().__init__(segment, key, items, when)


class Collect(_Rule):
    __slots__ = ()

    def __init__(self, segment: str, key: str, field: Field, when=()):
        super().__init__(segment, key, (field,), when)


class Keyed(_Rule):
    __slots__ = ("qualifier",)

    def __init__(self, segment: str, key: str, qualifier: int, field: Field, when=()):
        super().__init__(segment, key, (field,), when)
        self.qualifier = qualifier


class _Scope:
    """Rules and loops of one level, indexed by segment id, and the defaults of
    its records (every key present, collections empty)."""

    def __init__(self, body: tuple, start: Merge | None = None):
        self.body = body
        self.rules: dict[str, list[_Rule]] = {}
        self.loops: dict[str, list[Loop]] = {}
        self.template: dict[str, Any] = {}
        if start is not None:
            # the start segment opens a sibling record: it is not one of the rules
            self.add_defaults(start)
        for entry in body:
            if isinstance(entry, Loop):
                self.loops.setdefault(entry.start.segment, []).append(entry)
                self.template[entry.key] = []
            else:
                self.rules.setdefault(entry.segment, []).append(entry)
                self.add_defaults(entry)

    def add_defaults(self, rule: _Rule) -> None:
        if isinstance(rule, Merge):
            target = self.template
            if rule.key:
                target = self.template.setdefault(rule.key, {})
            for item in rule.items:
                if isinstance(item, Field):
                    target.setdefault(item.key, None)
                elif isinstance(item, Pairs):
                    target.setdefault(item.key, [] if isinstance(item, Codes) else {})
        else:
            self.template.setdefault(rule.key, {} if isinstance(rule, Keyed) else [])

    def new_record(self) -> dict[str, Any]:
        return _fresh(self.template)

    def rule_for(self, segment: Segment) -> _Rule | None:
        for rule in self.rules.get(segment.id, ()):
            if not rule.when or rule.matches(segment):
                return rule
        return None

    def loop_for(self, segment: Segment) -> Loop | None:
        for loop in self.loops.get(segment.id, ()):
            if not loop.start.when or loop.start.matches(segment):
                return loop
        return None


class Loop(_Scope):
    def __init__(self, key: str, start: Merge, *body):
        self.key, self.start = key, start
        super().__init__(body, start)


class Document(_Scope):
    def __init__(self, set_id: str, functional_id: str, *body):
        self.set_id, self.functional_id = set_id, functional_id
        super().__init__(body)


def _fresh(template: dict[str, Any]) -> dict[str, Any]:
    return {
        key: _fresh(value)
        if isinstance(value, dict)
        else ([] if isinstance(value, list) else value)
        for key, value in template.items()
    }


# reading -------------------------------------------------------------------


def _convert(kind: str, text: str, segment: Segment, position: int, where: int):
    try:
        return _READERS[kind](text)
    except ValueError as exc:
        raise X12Error(
            f"{segment.id}{position:02d}: {exc}",
            segment_id=segment.id,
            set_position=where,
        ) from None


def _read_field(field: Field, segment: Segment, where: int):
    text = segment.value(field.position, field.component)
    if not text:
        return None
    return _convert(field.kind, text, segment, field.position, where)


def _read_items(items, segment: Segment, where: int, target: dict) -> dict:
    for item in items:
        if isinstance(item, Field):
            target[item.key] = _read_field(item, segment, where)
        elif isinstance(item, Codes):
            positions = range(item.first, item.last + 1)
            target[item.key] = [c for c in map(segment.value, positions) if c]
        elif isinstance(item, Pairs):
            pairs = {}
            for position in range(item.first, item.last, 2):
                qualifier, value = segment.value(position), segment.value(position + 1)
                if qualifier and value:
                    pairs[qualifier] = value
            target[item.key] = pairs
    return target


def _apply(rule: _Rule, segment: Segment, record: dict, where: int) -> None:
    if isinstance(rule, Merge):
        target = record if rule.key is None else record[rule.key]
        _read_items(rule.items, segment, where, target)
    elif isinstance(rule, Append):
        record[rule.key].append(_read_items(rule.items, segment, where, {}))
    else:
        value = _read_field(rule.items[0], segment, where)
        if value is None:
            return
        if isinstance(rule, Keyed):
            qualifier = segment.value(rule.qualifier)
            if qualifier:
                record[rule.key][qualifier] = value
        else:
            record[rule.key].append(value)


def read(spec: Document, transaction_set: TransactionSet) -> dict[str, Any]:
    """The record of ``transaction_set`` according to ``spec``."""
    if transaction_set.id != spec.set_id:
        raise X12Error(
            f"transaction set {transaction_set.id} {transaction_set.control_number} "
            f"is not a {spec.set_id}"
        )
    try:
        return _walk(spec, transaction_set)
    except X12Error as exc:
        raise X12Error(
            f"{spec.set_id} {transaction_set.control_number}: {exc.reason}",
            segment_id=exc.segment_id,
            set_position=exc.set_position,
        ) from None


def _walk(spec: Document, transaction_set: TransactionSet) -> dict[str, Any]:
    root = spec.new_record()
    stack: list[tuple[_Scope, dict]] = [(spec, root)]
    # ST is position 1 of the set
    for where, segment in enumerate(transaction_set.segments, 2):
        for depth in range(len(stack) - 1, -1, -1):
            scope, record = stack[depth]
            loop = scope.loop_for(segment)
            if loop is not None:
                del stack[depth + 1 :]
                child = loop.new_record()
                record[loop.key].append(child)
                _apply(loop.start, segment, child, where)
                stack.append((loop, child))
                break
            rule = scope.rule_for(segment)
            if rule is not None:
                del stack[depth + 1 :]
                _apply(rule, segment, record, where)
                break
    return root


# writing -------------------------------------------------------------------


class _Elements:
    """Element values of a segment being written, by 1-based position."""

    def __init__(self, segment_id: str, when):
        self.segment_id = segment_id
        self.values: dict[int, Any] = dict(when)
        self.filled = False

    def put(self, position: int, value: Any, kind: str = "str", component=None):
        if value is None or value == "":
            return
        try:
            text = _WRITERS[kind](value)
        except (ValueError, TypeError, AttributeError, ArithmeticError) as exc:
            raise X12Error(
                f"{self.segment_id}{position:02d}: {value!r} cannot be written as "
                f"{kind} ({exc})"
            ) from None
        self.filled = True
        if component is None:
            self.values[position] = text
            return
        parts = self.values.setdefault(position, {})
        parts[component] = text

    def segment(self) -> Segment:
        size = max(self.values, default=0)
        elements = []
        for position in range(1, size + 1):
            value = self.values.get(position, "")
            if isinstance(value, dict):
                parts = [value.get(i, "") for i in range(1, max(value) + 1)]
                value = Composite(parts) if len(parts) > 1 else parts[0]
            elements.append(value)
        return Segment.of(self.segment_id, *elements)


def _put_items(elements: _Elements, items, source: dict) -> None:
    for item in items:
        if isinstance(item, Const):
            elements.values[item.position] = item.value
        elif isinstance(item, Field):
            value = source.get(item.key)
            elements.put(item.position, value, item.kind, item.component)
        elif isinstance(item, Codes):
            for offset, code in enumerate(source.get(item.key) or ()):
                if item.first + offset > item.last:
                    raise X12Error(f"{elements.segment_id}: too many {item.key}")
                elements.put(item.first + offset, code)
        elif isinstance(item, Pairs):
            pairs = list((source.get(item.key) or {}).items())
            if item.first + 2 * len(pairs) - 1 > item.last:
                raise X12Error(f"{elements.segment_id}: too many {item.key}")
            for offset, (qualifier, value) in enumerate(pairs):
                elements.put(item.first + 2 * offset, qualifier)
                elements.put(item.first + 2 * offset + 1, value)


def _rule_segments(rule: _Rule, record: dict) -> list[Segment]:
    def build(items, source, force=False):
        elements = _Elements(rule.segment, rule.when)
        _put_items(elements, items, source)
        return [elements.segment()] if elements.filled or force else []

    if isinstance(rule, Merge):
        source = record if rule.key is None else record.get(rule.key) or {}
        return build(rule.items, source)
    found = record.get(rule.key) or ()
    if isinstance(rule, Append):
        return [s for entry in found for s in build(rule.items, entry)]
    field = rule.items[0]
    if isinstance(rule, Keyed):
        return [
            s
            for qualifier, value in dict(found).items()
            for s in build(
                (Const(rule.qualifier, qualifier), field), {field.key: value}
            )
        ]
    return [s for value in found for s in build(rule.items, {field.key: value})]


def _write_body(body: tuple, record: dict, out: list[Segment]) -> None:
    for entry in body:
        if isinstance(entry, Loop):
            for child in record.get(entry.key) or ():
                elements = _Elements(entry.start.segment, entry.start.when)
                _put_items(elements, entry.start.items, child)
                out.append(elements.segment())
                _write_body(entry.body, child, out)
        else:
            out.extend(_rule_segments(entry, record))


def write(spec: Document, record: dict[str, Any]) -> list[Segment]:
    """Segments of ``record`` (ST and SE excluded) according to ``spec``."""
    out: list[Segment] = []
    _write_body(spec.body, record, out)
    return out
