# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcFlow(models.Model):
    """A hand-off flow may accrue what was received and not invoiced at each
    period's end (``hc.finance.accrual``)."""

    _inherit = "hc.flow"

    finance_accrual_account_id = fields.Many2one(
        "account.account",
        string="Accrue received not invoiced on",
        domain="[('account_type', '=', 'liability_current')]",
        check_company=True,
        tracking=True,
        help="Hand-off flows: at each month's end, goods and services received "
        "and not yet invoiced are accrued on this liability account (dated the "
        "month's last day, reversed on the next month's first day), and both "
        "entries go to the finance system like any posted entry. Empty: no "
        "accrual.",
    )
