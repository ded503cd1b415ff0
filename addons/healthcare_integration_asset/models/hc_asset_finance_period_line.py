# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcAssetFinancePeriodLine(models.Model):
    """What finance was sent for one cost centre of a period, all pushes summed."""

    _name = "hc.asset.finance.period.line"
    _description = "Capital Equipment Finance Period Line"
    _order = "period_id, cost_centre"

    period_id = fields.Many2one(
        "hc.asset.finance.period", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    currency_id = fields.Many2one(related="period_id.currency_id")
    cost_centre = fields.Char(required=True)
    capitalized = fields.Monetary()
    capitalized_count = fields.Integer(string="Assets capitalized")
    depreciation = fields.Monetary()
    disposed_book_value = fields.Monetary(string="Book value disposed")
    disposal_proceeds = fields.Monetary()

    _sql_constraints = [
        (
            "centre_unique",
            "unique(period_id, cost_centre)",
            "One line per cost centre of a period.",
        ),
    ]
