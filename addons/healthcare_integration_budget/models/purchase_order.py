# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import budget as lib

OPEN_REQUEST_STATES = ("approved", "in_progress")


class PurchaseOrder(models.Model):
    """An order that would take a cost centre over its remaining budget is
    held at confirmation until a budget holder approves it (audited).

    What the order releases is taken into account: the approved requisitions
    it is made from stop being committed once it is confirmed, so their
    estimated cost is available to it.
    """

    _inherit = "purchase.order"

    hc_budget_problems = fields.Text(
        string="Budget check",
        compute="_compute_hc_budget_problems",
        help="The cost centres this order would take over their budget.",
    )
    hc_budget_approved_amount = fields.Monetary(
        string="Approved over budget up to", readonly=True, copy=False
    )
    hc_budget_approval_reason = fields.Text(readonly=True, copy=False)
    hc_budget_approved_by_id = fields.Many2one(
        "res.users", string="Budget approved by", readonly=True, copy=False
    )

    @api.depends("order_line.price_subtotal", "order_line.analytic_distribution")
    def _compute_hc_budget_problems(self):
        open_orders = self.filtered(
            lambda o: o.state in ("draft", "sent", "to approve")
        )
        problems = open_orders._hc_budget_checks()
        for order in self:
            order.hc_budget_problems = "\n".join(problems.get(order.id, [])) or False

    def _hc_budget_day(self):
        return fields.Date.to_date(self.date_approve or self.date_order)

    def _hc_budget_needs(self):
        """{cost centre id: (order amount, amount it releases)} in the
        company's currency, from the lines' analytic distributions."""
        self.ensure_one()
        needs = defaultdict(float)
        released = defaultdict(float)
        day = self._hc_budget_day()
        for line in self.order_line.filtered("analytic_distribution"):
            amount = line.currency_id._convert(
                line.price_subtotal, self.company_id.currency_id, self.company_id, day
            )
            for key, percent in line.analytic_distribution.items():
                for centre in map(int, str(key).split(",")):
                    needs[centre] += amount * percent / 100.0
            for request_line in line.purchase_request_lines.filtered(
                lambda rl: rl.request_state in OPEN_REQUEST_STATES and not rl.cancelled
            ):
                for key, percent in (request_line.analytic_distribution or {}).items():
                    for centre in map(int, str(key).split(",")):
                        released[centre] += (
                            request_line.estimated_cost * percent / 100.0
                        )
        return {c: (needs[c], released[c]) for c in needs}

    def _hc_budget_check(self):
        """Why the order would take a cost centre over budget (a list; empty
        when it fits, or when no budget line covers its cost centres)."""
        self.ensure_one()
        return self._hc_budget_checks()[self.id]

    def _hc_budget_checks(self):
        """{order id: problems} of the orders, their cost centres' positions
        read in one search however many orders."""
        needs = {order.id: order._hc_budget_needs() for order in self}
        days = {order.id: order._hc_budget_day() for order in self}
        positions = (
            self.env["hc.budget.position"]
            .sudo()
            ._available(
                [(centre, days[oid]) for oid, need in needs.items() for centre in need]
            )
        )
        centres = self.env["account.analytic.account"].browse(
            list({centre for need in needs.values() for centre in need})
        )
        names = {centre.id: centre.display_name for centre in centres}
        companies = {order.id: order.company_id for order in self}
        problems = {}
        for order_id, need in needs.items():
            problems[order_id] = []
            for centre, (amount, released) in need.items():
                position = positions.get((centre, days[order_id]))
                if position is None:
                    continue
                available = position.available + released
                if lib.shortfall(amount, available):
                    money = self.env["hc.budget.position"]._money(
                        {
                            "amount": amount,
                            "available": available,
                            "budget": position.budget,
                            "spent": position.spent,
                            "committed": position.committed,
                            "released": released,
                        },
                        companies[order_id],
                    )
                    problems[order_id].append(
                        _(
                            "Cost centre %(centre)s: order %(amount)s, available "
                            "%(available)s (budget %(budget)s, spent %(spent)s, "
                            "committed %(committed)s, of which %(released)s by "
                            "this order's requisitions)",
                            centre=names[centre],
                            **money,
                        )
                    )
        return problems

    def _hc_budget_hold(self):
        """Why the order is held for budget (a list; empty when it is not): a
        request for quotation over budget that no budget holder approved up
        to its amount."""
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            return []
        if (
            self.hc_budget_approved_by_id
            and self.amount_untaxed <= self.hc_budget_approved_amount
        ):
            return []
        return self._hc_budget_check()

    def button_confirm(self):
        # EXTENDS purchase: an order over budget waits for a budget holder
        for order in self:
            problems = order._hc_budget_hold()
            if problems:
                raise UserError(
                    _(
                        "Order %(order)s is held for budget:\n- %(problems)s\nAsk "
                        "a budget holder (accounting manager) to approve it over "
                        "budget, or reduce it.",
                        order=order.name,
                        problems="\n- ".join(problems),
                    )
                )
        return super().button_confirm()

    def action_hc_budget_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hc.budget.override",
            "view_mode": "form",
            "target": "new",
            "name": _("Approve over budget"),
            "context": {"default_order_id": self.id},
        }
