# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hc_asset_expiry_notice_days = fields.Integer(
        related="company_id.hc_asset_expiry_notice_days", readonly=False
    )
