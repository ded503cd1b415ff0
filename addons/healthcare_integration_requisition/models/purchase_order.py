# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    hc_platform_backend_id = fields.Many2one(
        "hc.backend", string="Placed on platform", readonly=True, copy=False, index=True
    )
    hc_platform_po_ref = fields.Char(
        string="Platform order", readonly=True, copy=False, index=True
    )
    hc_platform_digest = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        (
            "hc_platform_po_unique",
            "unique(hc_platform_backend_id, hc_platform_po_ref)",
            "A platform's order is imported once.",
        ),
    ]

    def _hc_platform_requests(self):
        """The platform requisitions of these orders (whoever may read them:
        a receipt or a bill of their orders is news for the platform)."""
        return self.sudo().order_line.purchase_request_lines.request_id.filtered(
            "hc_backend_id"
        )

    def button_approve(self, force=False):
        # EXTENDS purchase: the platform learns the order number once confirmed
        res = super().button_approve(force=force)
        self._hc_platform_requests()._hc_send_status()
        return res

    def button_cancel(self):
        # EXTENDS purchase: and that it was cancelled
        requests = self._hc_platform_requests()
        res = super().button_cancel()
        requests._hc_send_status()
        return res
