# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    hc_asset_profile_id = fields.Many2one(
        "account.asset.profile",
        string="Capital equipment asset profile",
        help="Products of this category are capital equipment: receiving one "
        "creates an equipment per serial number and a draft asset of this "
        "profile.",
    )
    hc_warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Default warranty of the capital equipment of this category, from "
        "its receipt.",
    )
    hc_equipment_category_id = fields.Many2one(
        "maintenance.equipment.category",
        string="Equipment category",
        help="Category of the equipment created on receipt.",
    )
