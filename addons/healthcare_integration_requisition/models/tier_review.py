# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

DECISIONS = ("approved", "rejected")


class TierReview(models.Model):
    """Every tier decision is written to the hash-chained audit log."""

    _inherit = "tier.review"

    def write(self, vals):
        # EXTENDS base_tier_validation: who, when, what and why of a decision
        res = super().write(vals)
        if vals.get("status") in DECISIONS:
            for review in self:
                review._hc_audit_decision()
        return res

    def _hc_audit_decision(self):
        self.ensure_one()
        record = self.env[self.model].browse(self.res_id).exists()
        self.env["hc.audit.log"].sudo()._log(
            f"approval_{self.status}",
            record or None,
            {
                "tier": self.name,
                "sequence": self.sequence,
                "decision": self.status,
                "by": self.done_by.name or self.env.user.name,
                "at": fields.Datetime.to_string(self.reviewed_date),
                "comment": self.comment or None,
            },
        )
