# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

DECISIONS = [("approved", "Approve"), ("refused", "Refuse")]


class HcComplianceOnboarding(models.TransientModel):
    """A compliance approver approves or refuses a supplier's onboarding."""

    _name = "hc.compliance.onboarding"
    _description = "Decide a supplier's onboarding"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    decision = fields.Selection(DECISIONS, required=True, default="approved")
    reason = fields.Text(required=True)

    def action_decide(self):
        self.ensure_one()
        approvals = self.env["hc.compliance.approval"]
        approvals._check_approver()
        supplier = self.partner_id.commercial_partner_id
        approvals._record(
            f"supplier_onboarding_{self.decision}",
            supplier,
            {
                "supplier": supplier.display_name,
                "decision": self.decision,
                "reason": self.reason,
            },
            _(
                "Onboarding %(decision)s by %(user)s: %(reason)s",
                decision=dict(DECISIONS)[self.decision].lower() + "d",
                user=self.env.user.name,
                reason=self.reason,
            ),
        )
        supplier.sudo().write(
            {"hc_onboarding_state": self.decision, "hc_onboarding_note": self.reason}
        )
        return {"type": "ir.actions.act_window_close"}
