# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    hc_equipment_count = fields.Integer(
        string="Equipment", compute="_compute_hc_equipment_count"
    )

    def _compute_hc_equipment_count(self):
        counts = dict(
            self.env["maintenance.equipment"]
            .with_context(active_test=False)
            ._read_group(
                [("hc_purchase_id", "in", self.ids)], ["hc_purchase_id"], ["__count"]
            )
        )
        for order in self:
            order.hc_equipment_count = counts.get(order, 0)

    def action_hc_view_equipment(self):
        self.ensure_one()
        return self.env["maintenance.equipment"]._hc_action(
            [("hc_purchase_id", "=", self.id)]
        )
