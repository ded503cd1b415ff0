# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcProcurementMatchLine(models.Model):
    """A bill line's match also shows the contract price it was held to."""

    _inherit = "hc.procurement.match.line"

    verdict = fields.Selection(
        selection_add=[("contract_variance", "Contract price variance")],
        ondelete={"contract_variance": "set default"},
        default="matched",
    )
    contract_price = fields.Float(
        digits="Product Price",
        help="The contract price valid on the order date, in the order's unit "
        "and currency.",
    )
    contract_id = fields.Many2one("purchase.requisition", ondelete="set null")
