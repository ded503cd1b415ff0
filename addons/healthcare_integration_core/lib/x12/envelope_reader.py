"""Reading the envelope segments inside an interchange: GS/GE around groups,
ST/SE around transaction sets, and the IEA trailer.

Counts and control numbers of trailers are checked against their headers; with
``parse(strict=False)`` a problem confined to one set or group is kept in its
``errors`` (for the 997/999) instead of raised. ``EnvelopeReader`` is a part of
the parser (``codec._Parser``), which gives ``error``, ``problem`` and state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import values
from .model import (
    KIND_CONTROL,
    KIND_COUNT,
    KIND_MISSING_TRAILER,
    KIND_OUTSIDE,
    KIND_SYNTAX,
    FunctionalGroup,
    Segment,
    TransactionSet,
    X12Error,
)


def _part(parts: list[str], index: int) -> str:
    return parts[index] if index < len(parts) else ""


def _number(value: str) -> int | None:
    return int(value) if values.is_digits(value) and len(value) <= 18 else None


def _same_control(trailer: str, header: str) -> bool:
    if trailer == header:
        return True
    number = _number(trailer)
    return number is not None and number == _number(header)


@dataclass(slots=True)
class OpenSet:
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
class OpenGroup:
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
            date_digits=len(gs[4]),
        )


class EnvelopeReader:
    """GS, GE, ST, SE and IEA of the body being read."""

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
        self.group = OpenGroup(parts, date, time, self.ordinal)

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
        self.set = OpenSet(parts[1], parts[2], _part(parts, 3) or None, self.ordinal)
        if self.pending_st_error:
            reason, self.pending_st_error = self.pending_st_error, None
            where = {"segment_id": "ST", "set_position": 1}
            self.problem(self.set.errors, reason, KIND_SYNTAX, **where)

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
