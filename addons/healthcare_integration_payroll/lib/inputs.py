"""Compensation inputs of a pay period: totals, the batch document, its CSV form,
and the reconciliation of a provider's acknowledgement.

Database-free: the addon gives plain values and gets plain values back::

    >>> lines = [InputLine("E1001", "OT", Decimal("6"), Decimal("0"))]
    >>> header = BatchHeader("ACME/2026-03/v1", 1, "original", None,
    ...                      "2026-03-01", "2026-03-31", "EUR", "acme")
    >>> batch_document(header, lines)["totals"]
    {'lines': 1, 'quantity': 6.0, 'amount': 0.0}
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

try:  # inside Odoo
    from odoo.addons.healthcare_integration_core.lib import document_values
except ImportError:  # database-free use: the core's lib folder is on sys.path
    from lib import document_values  # type: ignore[no-redef]

CENT = Decimal("0.01")
ZERO = Decimal("0")
CSV_COLUMNS = (
    "batch",
    "version",
    "type",
    "original_batch",
    "period_start",
    "period_end",
    "currency",
    "employee_id",
    "code",
    "quantity",
    "amount",
)
# what the stored copy of a CSV batch keeps of each salary line
CSV_SALARY_COLUMNS = ("amount",)
MASK = "***REDACTED***"

MISSING = "missing"  # sent, not acknowledged
UNEXPECTED = "unexpected"  # acknowledged, never sent
MISMATCH = "mismatch"  # both, with other totals


class InputError(ValueError):
    """A value of an acknowledgement that is not a usable number or code."""


def to_decimal(value: object, field: str = "value") -> Decimal:
    """``value`` (number, numeric string, None) as a Decimal rounded to cents."""
    if value is None or value == "":
        return ZERO
    number = document_values.decimal(value, field, InputError)
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class InputLine:
    """One compensation input: hours (quantity) or money (amount) of a code."""

    employee: str
    code: str
    quantity: Decimal = ZERO
    amount: Decimal = ZERO


@dataclass(frozen=True)
class BatchHeader:
    name: str
    version: int
    kind: str  # "original" or "delta"
    original: str | None
    period_start: str
    period_end: str
    currency: str
    provider: str = ""


@dataclass(frozen=True)
class Difference:
    employee: str
    code: str
    kind: str
    sent_quantity: Decimal
    sent_amount: Decimal
    ack_quantity: Decimal
    ack_amount: Decimal

    def describe(self) -> str:
        if self.kind == MISSING:
            return f"{self.employee} {self.code}: sent, not in the acknowledgement"
        if self.kind == UNEXPECTED:
            return f"{self.employee} {self.code}: acknowledged, never sent"
        return (
            f"{self.employee} {self.code}: sent {self.sent_quantity} h / "
            f"{self.sent_amount}, acknowledged {self.ack_quantity} h / "
            f"{self.ack_amount}"
        )


def totals_by_key(
    lines: Iterable[InputLine],
) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """{(employee, code): (quantity, amount)} summed over ``lines``."""
    totals: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for line in lines:
        key = (line.employee, line.code)
        quantity, amount = totals.get(key, (ZERO, ZERO))
        totals[key] = (quantity + line.quantity, amount + line.amount)
    return totals


def aggregate(lines: Iterable[InputLine]) -> list[InputLine]:
    """One line per (employee, code), sorted, without lines that sum to nothing."""
    return [
        InputLine(employee, code, quantity, amount)
        for (employee, code), (quantity, amount) in sorted(totals_by_key(lines).items())
        if quantity or amount
    ]


def _number(value: Decimal) -> float:
    # JSON numbers: cents are exact in a double for any pay a hospital makes
    return float(value)


def batch_document(header: BatchHeader, lines: Iterable[InputLine]) -> dict:
    """The JSON document of a batch (see data/schemas/inputs_batch.schema.json)."""
    lines = list(lines)
    return {
        "batch": header.name,
        "version": header.version,
        "type": header.kind,
        "original_batch": header.original,
        "provider": header.provider,
        "period": {"start": header.period_start, "end": header.period_end},
        "currency": header.currency,
        "lines": [
            {
                "employee_id": line.employee,
                "code": line.code,
                "quantity": _number(line.quantity),
                "amount": _number(line.amount),
            }
            for line in lines
        ],
        "totals": {
            "lines": len(lines),
            "quantity": _number(sum((line.quantity for line in lines), ZERO)),
            "amount": _number(sum((line.amount for line in lines), ZERO)),
        },
    }


def batch_csv(header: BatchHeader, lines: Iterable[InputLine]) -> str:
    """The batch as CSV (RFC 4180, CRLF line ends), one row per input line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        writer.writerow(
            (
                header.name,
                header.version,
                header.kind,
                header.original or "",
                header.period_start,
                header.period_end,
                header.currency,
                line.employee,
                line.code,
                f"{line.quantity:.2f}",
                f"{line.amount:.2f}",
            )
        )
    return out.getvalue()


def mask_csv_columns(text: str, columns: Iterable[str] = CSV_SALARY_COLUMNS) -> str:
    """``text`` with the values of ``columns`` masked; the header row is kept.

    Text that is not CSV with those columns is returned unchanged.
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return text
    header = rows[0]
    positions = [header.index(name) for name in columns if name in header]
    if not positions:
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows[1:]:
        writer.writerow(
            [MASK if n in positions else value for n, value in enumerate(row)]
        )
    return out.getvalue()


def ack_lines(document: dict) -> list[InputLine]:
    """The totals of an acknowledgement as input lines; InputError when unusable."""
    lines = []
    for n, total in enumerate(document.get("totals") or []):
        if not isinstance(total, dict):
            raise InputError(f"totals[{n}] is not an object")
        employee, code = total.get("employee_id"), total.get("code")
        if not employee or not code:
            raise InputError(f"totals[{n}] needs employee_id and code")
        lines.append(
            InputLine(
                str(employee),
                str(code),
                to_decimal(total.get("quantity"), f"totals[{n}].quantity"),
                to_decimal(total.get("amount"), f"totals[{n}].amount"),
            )
        )
    return lines


def reconcile(
    sent: Iterable[InputLine],
    acknowledged: Iterable[InputLine],
    tolerance: Decimal = ZERO,
) -> list[Difference]:
    """Differences between what was sent and what the provider acknowledged.

    Lines are compared per (employee, code) on their summed quantity and amount;
    a difference within ``tolerance`` on both is no difference.
    """
    sent_totals = totals_by_key(sent)
    ack_totals = totals_by_key(acknowledged)
    differences = []
    for key in sorted(set(sent_totals) | set(ack_totals)):
        sent_qty, sent_amount = sent_totals.get(key, (ZERO, ZERO))
        ack_qty, ack_amount = ack_totals.get(key, (ZERO, ZERO))
        if (
            abs(sent_qty - ack_qty) <= tolerance
            and abs(sent_amount - ack_amount) <= tolerance
        ):
            continue
        if key not in ack_totals:
            kind = MISSING
        elif key not in sent_totals:
            kind = UNEXPECTED
        else:
            kind = MISMATCH
        differences.append(
            Difference(key[0], key[1], kind, sent_qty, sent_amount, ack_qty, ack_amount)
        )
    return differences
