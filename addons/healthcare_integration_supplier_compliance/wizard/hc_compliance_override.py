# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class HcComplianceOverride(models.TransientModel):
    """A compliance approver lets one order go to a non-compliant supplier.

    The override covers the problems shown, for this order only, and is
    written to the hash-chained audit log with who, when, what and why.
    """

    _name = "hc.compliance.override"
    _description = "Override a supplier compliance block"

    order_id = fields.Many2one("purchase.order", required=True, readonly=True)
    problems = fields.Text(compute="_compute_problems")
    reason = fields.Text(required=True)

    @api.depends("order_id")
    def _compute_problems(self):
        for wizard in self:
            wizard.problems = "\n".join(wizard.order_id._hc_compliance_check())

    def action_override(self):
        self.ensure_one()
        approvals = self.env["hc.compliance.approval"]
        approvals._check_approver()
        order = self.order_id
        problems = order._hc_compliance_check()
        if not problems:
            raise UserError(_("Order %s is not blocked.", order.name))
        now = approvals._record(
            "compliance_override",
            order,
            {
                "supplier": order.partner_id.commercial_partner_id.display_name,
                "problems": problems,
                "reason": self.reason,
            },
            _(
                "Compliance block overridden by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=self.reason,
            ),
        )
        order.sudo().write(
            {
                "hc_compliance_override_problems": "\n".join(problems),
                "hc_compliance_override_reason": self.reason,
                "hc_compliance_override_by": self.env.user.id,
                "hc_compliance_override_at": now,
            }
        )
        return {"type": "ir.actions.act_window_close"}
