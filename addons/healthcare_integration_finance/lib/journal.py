"""Journal entry batches for an external finance system, and their control totals.

A batch is a list of posted entries (each with balanced lines) handed off at a
cutoff; its control totals (entries, lines, debit, credit) go with it, as a
JSON object or as the trailer row of a CSV file, and come back in the finance
system's acknowledgement, where they are checked. Amounts are Decimals,
written with two decimals. Database-free.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")
CSV_HEADER = (
    "record",
    "entry",
    "date",
    "journal",
    "reference",
    "reverses",
    "line",
    "account",
    "partner",
    "analytic",
    "label",
    "debit",
    "credit",
    "currency",
)


class AckError(ValueError):
    """An acknowledgement that cannot be read."""


@dataclass(frozen=True)
class Line:
    account: str
    debit: Decimal
    credit: Decimal
    label: str = ""
    partner: str = ""
    analytic: str = ""


@dataclass(frozen=True)
class Entry:
    name: str
    date: str
    journal: str
    reference: str
    lines: tuple[Line, ...]
    reverses: str = ""


@dataclass(frozen=True)
class Totals:
    entries: int
    lines: int
    debit: Decimal
    credit: Decimal

    def as_dict(self):
        return {
            "entries": self.entries,
            "lines": self.lines,
            "debit": money(self.debit),
            "credit": money(self.credit),
        }


def money(value):
    return str(Decimal(value).quantize(CENT))


def totals(entries):
    """The control totals of a batch of entries."""
    lines = [line for entry in entries for line in entry.lines]
    return Totals(
        len(entries),
        len(lines),
        sum((line.debit for line in lines), ZERO),
        sum((line.credit for line in lines), ZERO),
    )


def unbalanced(entries):
    """The names of entries whose debit and credit differ."""
    return [
        entry.name
        for entry in entries
        if sum((ln.debit for ln in entry.lines), ZERO)
        != sum((ln.credit for ln in entry.lines), ZERO)
    ]


def batch_json(name, cutoff, currency, entries):
    """The batch as a JSON-able dict, control totals included."""
    return {
        "batch": name,
        "cutoff": cutoff,
        "currency": currency,
        "control": totals(entries).as_dict(),
        "entries": [
            {
                "entry": entry.name,
                "date": entry.date,
                "journal": entry.journal,
                "reference": entry.reference,
                "reverses": entry.reverses or None,
                "lines": [
                    {
                        "account": line.account,
                        "partner": line.partner or None,
                        "analytic": line.analytic or None,
                        "label": line.label,
                        "debit": money(line.debit),
                        "credit": money(line.credit),
                    }
                    for line in entry.lines
                ],
            }
            for entry in entries
        ],
    }


def batch_csv(name, currency, entries):
    """The batch as CSV: a header, one row per line, a trailer row of totals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for entry in entries:
        for number, line in enumerate(entry.lines, 1):
            writer.writerow(
                (
                    "L",
                    entry.name,
                    entry.date,
                    entry.journal,
                    entry.reference,
                    entry.reverses,
                    number,
                    line.account,
                    line.partner,
                    line.analytic,
                    line.label,
                    money(line.debit),
                    money(line.credit),
                    currency,
                )
            )
    control = totals(entries)
    writer.writerow(
        (
            "T",
            name,
            "",
            "",
            "",
            "",
            control.lines,
            "",
            "",
            "",
            f"{control.entries} entries",
            money(control.debit),
            money(control.credit),
            currency,
        )
    )
    return out.getvalue()


def read_ack(document):
    """(batch name, accepted, Totals or None, rejected entries {name: reason})."""
    if not isinstance(document, dict) or not document.get("batch"):
        raise AckError("an acknowledgement names its batch")
    status = document.get("status")
    if status not in ("accepted", "rejected"):
        raise AckError(f"status is accepted or rejected, not {status!r}")
    control = document.get("control")
    received = None
    if control is not None:
        try:
            received = Totals(
                int(control["entries"]),
                int(control["lines"]),
                Decimal(str(control["debit"])),
                Decimal(str(control["credit"])),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation):
            raise AckError("control has entries, lines, debit and credit") from None
    rejected = document.get("rejected_entries") or {}
    if not isinstance(rejected, dict):
        raise AckError("rejected_entries maps entries to reasons")
    return str(document["batch"]), status == "accepted", received, rejected


def control_differences(sent, received):
    """What differs between the control totals sent and those acknowledged."""
    if received is None:
        return []
    return [
        f"{name}: sent {getattr(sent, name)}, acknowledged {getattr(received, name)}"
        for name in ("entries", "lines", "debit", "credit")
        if getattr(sent, name) != getattr(received, name)
    ]
