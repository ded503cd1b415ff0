# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductSupplierinfo(models.Model):
    _inherit = "product.supplierinfo"

    hc_warranty_months = fields.Integer(
        string="Warranty (months)",
        help="This vendor's warranty on capital equipment; it comes before the "
        "product's.",
    )
