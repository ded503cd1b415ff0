# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockMoveLine(models.Model):
    """A received unit or lot keeps what the supplier's despatch advice said
    of it: the supplier's lot of a serial-numbered unit, its manufacture date;
    both go to the lot/serial number created when the receipt is validated."""

    _inherit = "stock.move.line"

    hc_supplier_lot = fields.Char(
        string="Supplier lot",
        help="The supplier's lot (batch) of this serial-numbered unit, from its "
        "despatch advice.",
    )
    hc_manufacture_date = fields.Date(
        string="Manufactured on",
        help="Manufacture date given by the supplier's despatch advice.",
    )

    def _prepare_new_lot_vals(self):
        # EXTENDS stock (and product_expiry): the supplier's lot and dates
        vals = super()._prepare_new_lot_vals()
        if self.hc_supplier_lot:
            vals["hc_supplier_lot"] = self.hc_supplier_lot
        if self.hc_manufacture_date:
            vals["hc_manufacture_date"] = self.hc_manufacture_date
        return vals
