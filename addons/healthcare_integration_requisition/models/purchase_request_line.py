# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PurchaseRequestLine(models.Model):
    _inherit = "purchase.request.line"

    hc_line_number = fields.Integer(
        string="Platform line",
        readonly=True,
        copy=False,
        help="The line's number on the eProcurement platform's requisition.",
    )
