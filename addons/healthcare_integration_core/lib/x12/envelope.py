"""Building envelopes: ISA/GS/ST around transaction sets, fresh control numbers.

Control numbers come from a sequence the caller owns (an Odoo ``ir.sequence``,
``itertools.count(1)``...), given as an iterator or a callable; one number is
drawn for the ISA, one for each GS and one for each ST.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from .model import (
    FunctionalGroup,
    Interchange,
    Segment,
    TransactionSet,
    X12Error,
)

ControlNumbers = Callable[[], int | str] | Iterator[int | str]
SetDraft = tuple[str, Sequence[Segment]] | tuple[str, Sequence[Segment], str | None]

_MAX_CONTROL = 999_999_999


@dataclass(frozen=True)
class Envelope:
    """Who sends to whom: ISA05-08 (qualifier "ZZ" mutually defined, "14"/"UL"
    or "08"/"01" for GLN/DUNS-based ids...) and GS02/GS03 (default: the ISA
    ids)."""

    sender_id: str
    receiver_id: str
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    application_sender: str | None = None
    application_receiver: str | None = None
    usage: str = "P"
    ack_requested: bool = False
    when: dt.datetime | None = None

    @classmethod
    def coerce(cls, info: Envelope | Mapping) -> Envelope:
        return info if isinstance(info, Envelope) else cls(**info)

    @classmethod
    def reply_to(
        cls, interchange: Interchange, group: FunctionalGroup | None = None
    ) -> Envelope:
        """The envelope answering ``interchange``: sender and receiver swapped."""
        return cls(
            sender_id=interchange.receiver_id,
            receiver_id=interchange.sender_id,
            sender_qualifier=interchange.receiver_qualifier,
            receiver_qualifier=interchange.sender_qualifier,
            application_sender=group.receiver if group else None,
            application_receiver=group.sender if group else None,
            usage=interchange.usage,
        )


def next_control(numbers: ControlNumbers) -> int:
    """The next number of ``numbers``, checked to fit 9 digits."""
    try:
        value = numbers() if callable(numbers) else next(numbers)
        number = int(value)
    except StopIteration:
        raise X12Error("the control number sequence is exhausted") from None
    except (TypeError, ValueError):
        raise X12Error("the control number sequence gave a non-number") from None
    if not 0 < number <= _MAX_CONTROL:
        raise X12Error(f"control number {number} is not between 1 and 999999999")
    return number


def isa_version(version: str) -> str:
    """ISA12 of a GS08 version: "004010" -> "00401", "005010X231A1" -> "00501"."""
    if len(version) < 5 or not version[:5].isdigit():
        raise X12Error(f"version {version!r} is not like 004010 or 005010")
    return version[:5]


def build_interchange(
    envelope: Envelope | Mapping,
    functional_id: str,
    sets: Iterable[SetDraft],
    control_numbers: ControlNumbers,
    version: str = "005010",
) -> Interchange:
    """One interchange holding one group (``functional_id``: PO, PR, SH, IN,
    FA...) of the given ``(set_id, segments[, convention])`` drafts."""
    envelope = Envelope.coerce(envelope)
    when = envelope.when or dt.datetime.now(dt.UTC)
    # ISA10 holds HHMM only: drop seconds so that parse(serialize(x)) == x
    time = dt.time(when.hour, when.minute)
    control = f"{next_control(control_numbers):09d}"
    group_control = str(next_control(control_numbers))
    transaction_sets = tuple(_transaction_set(draft, control_numbers) for draft in sets)
    group = FunctionalGroup(
        functional_id=functional_id,
        sender=envelope.application_sender or envelope.sender_id,
        receiver=envelope.application_receiver or envelope.receiver_id,
        date=when.date(),
        time=time,
        control_number=group_control,
        version=version,
        transaction_sets=transaction_sets,
    )
    isa12 = isa_version(version)
    return Interchange(
        sender_qualifier=envelope.sender_qualifier,
        sender_id=envelope.sender_id,
        receiver_qualifier=envelope.receiver_qualifier,
        receiver_id=envelope.receiver_id,
        date=when.date(),
        time=time,
        control_number=control,
        version=isa12,
        usage=envelope.usage,
        ack_requested=envelope.ack_requested,
        groups=(group,),
        # ISA11 became the repetition separator in 00402
        standards_id="U" if isa12 < "00402" else None,
    )


def _transaction_set(
    draft: SetDraft, control_numbers: ControlNumbers
) -> TransactionSet:
    set_id, segments, *rest = draft
    convention = rest[0] if rest else None
    control = f"{next_control(control_numbers):04d}"
    return TransactionSet(set_id, control, tuple(segments), convention)
