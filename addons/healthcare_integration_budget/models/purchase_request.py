# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib import budget as lib


class PurchaseRequest(models.Model):
    """A platform requisition over what is left of its cost centre's budget
    is held: it waits for the *Over budget* tier (the budget holder), the
    budget's responsible gets an activity, and the platform is told why."""

    _inherit = "purchase.request"

    hc_budget_held = fields.Boolean(
        string="Held for budget", readonly=True, copy=False, tracking=True
    )
    hc_budget_note = fields.Char(string="Budget check", readonly=True, copy=False)

    def _hc_route_for_approval(self):
        # EXTENDS healthcare_integration_requisition: the budget is checked
        # first, so that the over-budget tier applies to a held requisition
        for request in self:
            request._hc_check_budget()
        return super()._hc_route_for_approval()

    def _hc_check_budget(self):
        """Hold the requisition when its cost exceeds the cost centre's
        available budget on its date (no budget line: not controlled)."""
        self.ensure_one()
        key = (self.hc_cost_centre_id.id, self.date_start)
        position = self.env["hc.budget.position"].sudo()._available([key]).get(key)
        if not self.hc_cost_centre_id or position is None:
            self.write({"hc_budget_held": False, "hc_budget_note": False})
            return
        short = lib.shortfall(self.estimated_cost, position.available)
        note = self.env._(
            "Cost centre %(centre)s: requisition %(amount).2f, available "
            "%(available).2f (budget %(budget).2f, spent %(spent).2f, committed "
            "%(committed).2f)",
            centre=self.hc_cost_centre_id.display_name,
            amount=self.estimated_cost,
            available=position.available,
            budget=position.budget,
            spent=position.spent,
            committed=position.committed,
        )
        self.write({"hc_budget_held": bool(short), "hc_budget_note": note})
        if short:
            positions = self.env["hc.budget.position"].sudo()
            budget = positions._on(self.hc_cost_centre_id, self.date_start)[
                :1
            ].budget_id
            self._hc_notify_budget_holder(budget, note)

    def _hc_notify_budget_holder(self, budget, note):
        resolver = self.env["hc.procurement.resolver"]
        resolver._note(self, self.env._("Held for budget. %s", note))
        responsible = budget.creating_user_id or self.hc_backend_id.business_owner_id
        if responsible:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Requisition over budget"),
                note=note,
                user_id=responsible.id,
            )

    def _hc_status_document(self):
        # EXTENDS healthcare_integration_requisition: the platform hears why
        document = super()._hc_status_document()
        if self.hc_budget_held and self.state == "draft":
            document["hold"] = {"reason": "budget", "detail": self.hc_budget_note}
        return document
