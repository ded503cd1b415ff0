# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, models
from odoo.tools import date_utils

_logger = logging.getLogger(__name__)


class HcFinanceAccrual(models.AbstractModel):
    """Received not invoiced at a period's end, accrued for the finance system.

    At a month's end, the purchase order lines received and not billed as of
    that day are accrued by Odoo's own accrued-expense entry
    (``account.accrued.orders.wizard``: expense debited, the flow's accrual
    account credited, dated the period's last day) and reversed on the next
    period's first day. Both are posted entries: the hand-off takes the
    accrual in the period's last batch and the reversal in the next period's
    first one. Once per company, period and currency: an accrual already
    made for the period is not made again (a cutoff run twice, a replay).
    """

    _name = "hc.finance.accrual"
    _description = "Finance Hand-off: received not invoiced accruals"

    @api.model
    def _is_period_end(self, day):
        return day == date_utils.end_of(day, "month")

    @api.model
    def _accrue(self, flow, period_end):
        """The accrual entries (and their reversals) of the flow's company at
        ``period_end``; none when the flow accrues nothing or all is billed."""
        account = flow.finance_accrual_account_id
        moves = self.env["account.move"]
        if not account:
            return moves
        company = flow.company_id
        done = moves.sudo().search(
            [("company_id", "=", company.id), ("hc_accrual_date", "=", period_end)]
        )
        orders = self._orders_to_accrue(company, period_end)
        for currency in orders.currency_id:
            if done.filtered(lambda m, c=currency: m.currency_id == c):
                continue
            moves |= self._accrue_orders(
                orders.filtered(lambda o, c=currency: o.currency_id == c),
                account,
                period_end,
            )
        return moves

    @api.model
    def _orders_to_accrue(self, company, period_end):
        """Confirmed orders of the company, approved by the period's end, with
        a line received that is not billed in full now, or was billed (by
        its bill date, as the accrual reads it) after the period's end; the
        accrual reads their quantities as of that day."""
        return (
            self.env["purchase.order.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("order_id.state", "in", ("purchase", "done")),
                    ("order_id.date_approve", "<", period_end + timedelta(days=1)),
                    ("display_type", "=", False),
                    ("qty_received", ">", 0),
                    "|",
                    ("qty_to_invoice", "!=", 0),
                    ("invoice_lines.move_id.invoice_date", ">", period_end),
                ]
            )
            .order_id
        )

    @api.model
    def _accrue_orders(self, orders, account, period_end):
        wizard = (
            self.env["account.accrued.orders.wizard"]
            .sudo()
            .with_context(active_model="purchase.order", active_ids=orders.ids)
            .with_company(orders.company_id)
            .create(
                {
                    "company_id": orders.company_id.id,
                    "date": period_end,
                    "reversal_date": period_end + timedelta(days=1),
                    "account_id": account.id,
                }
            )
        )
        values, _orders = wizard._compute_move_vals()
        if not values["line_ids"]:
            return self.env["account.move"]  # all billed as of the period's end
        action = wizard.create_entries()
        moves = self.env["account.move"].sudo().search(action["domain"])
        moves.write({"hc_accrual_date": period_end})
        _logger.info(
            "received not invoiced of %s accrued at %s: %s",
            orders.company_id.name,
            period_end,
            ", ".join(moves.mapped("name")),
        )
        return moves
