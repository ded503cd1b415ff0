# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    hc_equipment_ids = fields.One2many(
        "maintenance.equipment", "hc_purchase_line_id", string="Equipment"
    )
    hc_asset_ids = fields.One2many(
        "account.asset", "hc_purchase_line_id", string="Assets"
    )
