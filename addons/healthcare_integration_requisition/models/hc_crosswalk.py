# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcCrosswalk(models.Model):
    """The platform's requesters are mapped to users like any other code."""

    _inherit = "hc.crosswalk"

    domain = fields.Selection(
        selection_add=[("requester", "Requester")],
        ondelete={"requester": "cascade"},
    )
