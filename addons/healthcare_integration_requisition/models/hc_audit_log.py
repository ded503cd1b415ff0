# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HcAuditLog(models.Model):
    """The tier decisions' entries (tier_review.py), named for auditors."""

    _inherit = "hc.audit.log"

    def _action_labels(self):
        # EXTENDS healthcare_integration_core
        return {
            **super()._action_labels(),
            "approval_approved": self.env._("Approval tier approved"),
            "approval_rejected": self.env._("Approval tier rejected"),
        }
