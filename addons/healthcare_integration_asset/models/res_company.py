# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hc_asset_expiry_notice_days = fields.Integer(
        string="Warranty and contract notice (days)",
        default=60,
        help="The biomedical owner of an equipment gets an activity this many "
        "days before its warranty or one of its service contracts ends.",
    )
