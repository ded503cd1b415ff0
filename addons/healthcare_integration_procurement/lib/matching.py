"""Three-way match of a supplier invoice: ordered vs received vs invoiced.

Plain Python, no Odoo: the vendor bill hands over one ``MatchInput`` per
invoice line (quantities already in the order line's unit, prices in the
order's currency) and a ``Tolerance``; ``match_lines`` answers one
``LineVerdict`` per line, each with the reasons it failed::

    >>> from decimal import Decimal as D
    >>> tol = Tolerance(price_percent=D("2"), qty_percent=D("0"))
    >>> line = MatchInput("1", ordered_qty=D(20), received_qty=D(20),
    ...                   invoiced_qty=D(20), ordered_price=D("8.75"),
    ...                   invoiced_price=D("8.75"))
    >>> match_lines([line], tol)[0].ok
    True

Rules, per line:

- the invoiced quantity (with what earlier invoices billed) may not exceed
  the quantity received, nor the quantity ordered, beyond the quantity
  tolerance;
- the invoiced unit price may differ from the ordered unit price, either
  way, within the price tolerance;
- a line that is on no order line fails ("not on the order").

A tolerance has a percentage and an absolute amount; a variance passes when
it is within every limit that is set (a limit of ``None`` is not checked, a
limit of 0 allows no variance).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)

MATCHED = "matched"
QTY_OVER_RECEIVED = "qty_over_received"
QTY_OVER_ORDERED = "qty_over_ordered"
PRICE_VARIANCE = "price_variance"
NOT_ON_ORDER = "not_on_order"


@dataclass(frozen=True)
class Tolerance:
    """Allowed variances; ``None`` leaves a limit unchecked."""

    qty_percent: Decimal | None = ZERO
    qty_amount: Decimal | None = None
    price_percent: Decimal | None = ZERO
    price_amount: Decimal | None = None


@dataclass(frozen=True)
class MatchInput:
    """One invoice line, with its order line's figures (or none)."""

    reference: str
    ordered_qty: Decimal | None
    received_qty: Decimal | None
    invoiced_qty: Decimal
    ordered_price: Decimal | None
    invoiced_price: Decimal
    previously_invoiced_qty: Decimal = ZERO
    description: str = ""

    @property
    def on_order(self) -> bool:
        return self.ordered_qty is not None and self.ordered_price is not None


@dataclass
class LineVerdict:
    reference: str
    ok: bool
    codes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    price_variance: Decimal = ZERO
    qty_variance: Decimal = ZERO

    @property
    def code(self) -> str:
        return self.codes[0] if self.codes else MATCHED


def within(variance: Decimal, base: Decimal, percent, amount) -> bool:
    """``variance`` (absolute) is within ``percent`` of ``base`` and ``amount``."""
    variance = abs(variance)
    if amount is not None and variance > amount:
        return False
    if percent is not None:
        if base == ZERO:
            return variance == ZERO
        if variance * HUNDRED / abs(base) > percent:
            return False
    return True


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def match_line(line: MatchInput, tolerance: Tolerance) -> LineVerdict:
    verdict = LineVerdict(line.reference, ok=True)
    if not line.on_order:
        verdict.ok = False
        verdict.codes.append(NOT_ON_ORDER)
        verdict.reasons.append(
            f"Line {line.reference} ({line.description or 'no item'}) is not on "
            "the order."
        )
        return verdict
    billed = line.previously_invoiced_qty + line.invoiced_qty
    received = line.received_qty or ZERO
    over_received = billed - received
    verdict.qty_variance = over_received
    if over_received > ZERO and not within(
        over_received, received, tolerance.qty_percent, tolerance.qty_amount
    ):
        verdict.codes.append(QTY_OVER_RECEIVED)
        verdict.reasons.append(
            f"Line {line.reference}: invoiced {_fmt(billed)} but received "
            f"{_fmt(received)}."
        )
    over_ordered = billed - line.ordered_qty
    if over_ordered > ZERO and not within(
        over_ordered, line.ordered_qty, tolerance.qty_percent, tolerance.qty_amount
    ):
        verdict.codes.append(QTY_OVER_ORDERED)
        verdict.reasons.append(
            f"Line {line.reference}: invoiced {_fmt(billed)} but ordered "
            f"{_fmt(line.ordered_qty)}."
        )
    price_variance = line.invoiced_price - line.ordered_price
    verdict.price_variance = price_variance
    if not within(
        price_variance,
        line.ordered_price,
        tolerance.price_percent,
        tolerance.price_amount,
    ):
        verdict.codes.append(PRICE_VARIANCE)
        percent = ""
        if line.ordered_price:
            ratio = price_variance * HUNDRED / line.ordered_price
            percent = f" ({_fmt(ratio.quantize(Decimal('0.01')))}%)"
        verdict.reasons.append(
            f"Line {line.reference}: invoiced price {_fmt(line.invoiced_price)} "
            f"differs from the ordered price {_fmt(line.ordered_price)}{percent}."
        )
    verdict.ok = not verdict.codes
    return verdict


def match_lines(lines, tolerance: Tolerance) -> list[LineVerdict]:
    """One verdict per line; the bill matches when every verdict is ok."""
    return [match_line(line, tolerance) for line in lines]


NO_LIMIT = "no limit"


def _limits(percent, amount, unit):
    """One side of a tolerance in words: None for "no variance at all"."""
    if percent is None and amount is None:
        return NO_LIMIT
    if percent == ZERO or amount == ZERO:
        return None
    parts = [f"{_fmt(percent)}%"] if percent is not None else []
    parts += [f"{_fmt(amount)} {unit}"] if amount is not None else []
    text = " and at most ".join(parts)
    return text if amount is not None else f"{text} (no amount limit)"


def describe(tolerance: Tolerance) -> str:
    """The tolerance in words, as a bill shows it::

    >>> describe(Tolerance(price_percent=Decimal("2")))
    'Price: ±2% (no amount limit). Quantity: none over received or ordered.'
    """
    price = _limits(tolerance.price_percent, tolerance.price_amount, "per unit")
    qty = _limits(tolerance.qty_percent, tolerance.qty_amount, "units")
    if price == NO_LIMIT:
        price = "Price: no limit."
    else:
        price = f"Price: ±{price}." if price else "Price: must equal the order's."
    if qty == NO_LIMIT:
        qty = "Quantity: no limit."
    elif qty:
        qty = f"Quantity: up to {qty} over received or ordered."
    else:
        qty = "Quantity: none over received or ordered."
    return f"{price} {qty}"
