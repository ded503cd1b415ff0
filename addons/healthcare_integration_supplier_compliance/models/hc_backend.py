# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcBackend(models.Model):
    _inherit = "hc.backend"

    hc_supplier_onboarding = fields.Boolean(
        string="Suppliers need onboarding",
        help="A supplier this sourcing platform creates or updates through the "
        "supplier master flow is compliance checked and cannot be ordered from "
        "until a compliance approver approves its onboarding.",
    )
