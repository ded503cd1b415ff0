# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    hc_ack_backorder = fields.Boolean(
        string="Backordered by supplier",
        readonly=True,
        copy=False,
        help="Split off the order line's receipt by the supplier's acknowledgement.",
    )
    hc_asn_qty = fields.Float(
        string="Shipped (ASN)",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="Quantity announced by the supplier's ship notices.",
    )
    hc_refused_qty = fields.Float(
        string="Refused qty",
        copy=False,
        digits="Product Unit of Measure",
        help="Quantity delivered but refused (damaged, wrong item, expired); "
        "reported to the supplier with the receipt.",
    )
    hc_refused_reason = fields.Char(string="Refusal reason", copy=False)
