# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountAssetLine(models.Model):
    _inherit = "account.asset.line"

    hc_reported_period = fields.Char(
        string="Reported to finance in",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Period (YYYY-MM) of the month-end push that reported this entry.",
    )
