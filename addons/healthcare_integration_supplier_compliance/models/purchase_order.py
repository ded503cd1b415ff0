# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PurchaseOrder(models.Model):
    """An order to a supplier whose mandatory documents are not all valid is
    blocked at confirmation, unless a compliance approver overrode it."""

    _inherit = "purchase.order"

    hc_compliance_problems = fields.Text(
        string="Compliance block",
        compute="_compute_hc_compliance_problems",
        help="Why the supplier cannot be ordered from today.",
    )
    hc_compliance_override_problems = fields.Text(
        string="Overridden compliance block", readonly=True, copy=False
    )
    hc_compliance_override_reason = fields.Text(
        string="Override reason", readonly=True, copy=False
    )
    hc_compliance_override_by = fields.Many2one(
        "res.users", string="Overridden by", readonly=True, copy=False
    )
    hc_compliance_override_at = fields.Datetime(
        string="Overridden at", readonly=True, copy=False
    )

    @api.depends("partner_id", "company_id", "date_order", "state")
    @api.depends_context("date")
    def _compute_hc_compliance_problems(self):
        for order in self:
            problems = []
            if order.partner_id and order.state in ("draft", "sent", "to approve"):
                problems = order._hc_compliance_check()
            order.hc_compliance_problems = "\n".join(problems) or False

    def _hc_compliance_check(self):
        """The supplier's compliance problems on the order's date (a list)."""
        self.ensure_one()
        day = fields.Date.context_today(self)
        return self.partner_id._hc_compliance_problems(self.company_id, day)

    def _hc_compliance_blocking(self):
        """The problems not covered by this order's override."""
        self.ensure_one()
        problems = self._hc_compliance_check()
        covered = set((self.hc_compliance_override_problems or "").splitlines())
        return [problem for problem in problems if problem not in covered]

    def button_confirm(self):
        # EXTENDS purchase: a supplier that is not compliant cannot be ordered from
        for order in self.filtered(lambda o: o.state in ("draft", "sent")):
            blocking = order._hc_compliance_blocking()
            if blocking:
                raise UserError(
                    _(
                        "Order %(order)s cannot be confirmed: supplier %(supplier)s "
                        "is not compliant.\n- %(problems)s\nRenew the documents, or "
                        "ask a compliance approver to override the block for this "
                        "order.",
                        order=order.name,
                        supplier=order.partner_id.commercial_partner_id.display_name,
                        problems="\n- ".join(blocking),
                    )
                )
        return super().button_confirm()

    def action_hc_compliance_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Override compliance block"),
            "res_model": "hc.compliance.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }
