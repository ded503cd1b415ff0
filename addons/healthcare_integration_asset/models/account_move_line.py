# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.depends("purchase_line_id")
    def _compute_asset_profile(self):
        # EXTENDS account_asset_management: a bill line of capital equipment
        # whose assets were created on receipt creates no second asset
        res = super()._compute_asset_profile()
        for line in self:
            if line.purchase_line_id.hc_asset_ids and not line.asset_id:
                line.asset_profile_id = False
        return res
