# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockLot(models.Model):
    """Lots and serial numbers received with a supplier's despatch advice."""

    _inherit = "stock.lot"

    hc_supplier_lot = fields.Char(
        string="Supplier lot",
        index="btree_not_null",
        help="The supplier's lot (batch) of this serial number, for recalls.",
    )
    hc_manufacture_date = fields.Date(string="Manufactured on")
