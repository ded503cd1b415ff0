# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class HcBudgetOverride(models.TransientModel):
    """A budget holder lets one order go over its cost centre's budget.

    The approval covers the order up to its amount (without taxes) at the
    time of approval, and is written to the hash-chained audit log with who,
    when, what and why.
    """

    _name = "hc.budget.override"
    _description = "Approve an order over budget"

    order_id = fields.Many2one("purchase.order", required=True, readonly=True)
    problems = fields.Text(compute="_compute_problems")
    reason = fields.Text(required=True)

    @api.depends("order_id")
    def _compute_problems(self):
        for wizard in self:
            wizard.problems = "\n".join(wizard.order_id._hc_budget_check())

    def action_approve(self):
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                _("Only a budget holder (accounting manager) may approve this.")
            )
        order = self.order_id
        problems = order._hc_budget_check()
        if not problems:
            raise UserError(_("Order %s is within budget.", order.name))
        now = fields.Datetime.now()
        self.env["hc.audit.log"].sudo()._log(
            "budget_override",
            order,
            {
                "supplier": order.partner_id.commercial_partner_id.display_name,
                "amount_untaxed": order.amount_untaxed,
                "currency": order.currency_id.name,
                "problems": problems,
                "reason": self.reason,
                "by": self.env.user.name,
                "at": fields.Datetime.to_string(now),
            },
        )
        order.sudo().write(
            {
                "hc_budget_approved_amount": order.amount_untaxed,
                "hc_budget_approval_reason": self.reason,
                "hc_budget_approved_by_id": self.env.user.id,
            }
        )
        order.message_post(
            body=_(
                "Approved over budget by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        # released: the platform's requisitions are ordered again
        order._hc_platform_requests()._hc_send_status()
        return {"type": "ir.actions.act_window_close"}
