"""What is left of a cost centre's budget, and whether a requisition fits.

Expense budgets are planned as negative amounts and spending is negative in
the analytic lines, as in Odoo's budget reports; here both are turned into
positive amounts: the budget, what was spent, what is committed (approved
requisitions not yet ordered, orders not yet invoiced) and what is left.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Position:
    budget: float
    spent: float
    committed: float

    @property
    def available(self) -> float:
        return round(self.budget - self.spent - self.committed, 2)


def position(planned_amount, practical_amount, committed) -> Position:
    """A budget line's position from Odoo's signed amounts (expenses < 0)."""
    return Position(
        budget=round(-planned_amount, 2),
        spent=round(-practical_amount, 2),
        committed=round(committed, 2),
    )


def shortfall(amount, available) -> float:
    """How much ``amount`` exceeds what is ``available`` (0 when it fits)."""
    return round(max(amount - available, 0.0), 2)
