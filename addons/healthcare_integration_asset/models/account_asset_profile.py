# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountAssetProfile(models.Model):
    _inherit = "account.asset.profile"

    hc_disposal_account_id = fields.Many2one(
        "account.account",
        string="Disposal proceeds account",
        check_company=True,
        domain=[("deprecated", "=", False)],
        help="Account of the sale value when equipment of this profile is "
        "retired with a sale or trade-in value.",
    )
