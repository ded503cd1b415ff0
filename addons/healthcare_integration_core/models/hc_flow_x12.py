# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcFlow(models.Model):
    """X12 answers of an inbound flow beyond the 997/999 (``x12_ack``)."""

    _inherit = "hc.flow"

    x12_advice = fields.Boolean(
        string="X12 application advice (824)",
        tracking=True,
        help="Tell the sender with an 824 why a received transaction set that "
        "was syntactically right could not be applied (unknown order, price "
        "or line mismatch...). The 997/999 still only reports syntax.",
    )

    # EXTENDS hc.flow
    def _hc_config_fields(self):
        return (*super()._hc_config_fields(), "x12_advice")
