# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

VERDICTS = [
    ("matched", "Matched"),
    ("qty_over_received", "Invoiced more than received"),
    ("qty_over_ordered", "Invoiced more than ordered"),
    ("price_variance", "Price variance"),
    ("not_on_order", "Not on the order"),
]


class HcProcurementMatchLine(models.Model):
    """One bill line's three-way match: ordered vs received vs invoiced."""

    _name = "hc.procurement.match.line"
    _description = "Three-way Match Line"
    _order = "move_id, sequence, id"

    move_id = fields.Many2one(
        "account.move", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    sequence = fields.Integer()
    move_line_id = fields.Many2one("account.move.line", ondelete="cascade")
    purchase_line_id = fields.Many2one("purchase.order.line", ondelete="set null")
    description = fields.Char()
    ordered_qty = fields.Float(digits="Product Unit of Measure")
    received_qty = fields.Float(digits="Product Unit of Measure")
    invoiced_qty = fields.Float(
        digits="Product Unit of Measure",
        help="Quantity of this bill and of earlier bills of the order line.",
    )
    ordered_price = fields.Float(digits="Product Price")
    invoiced_price = fields.Float(digits="Product Price")
    verdict = fields.Selection(VERDICTS, required=True)
    ok = fields.Boolean()
    reason = fields.Text()
