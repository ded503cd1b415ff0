# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HcCrosswalk(models.Model):
    """The finance system's budgetary positions are mapped by their code."""

    _inherit = "hc.crosswalk"

    domain = fields.Selection(
        selection_add=[("budget_position", "Budgetary position")],
        ondelete={"budget_position": "cascade"},
    )

    @api.model
    def _selection_record_ref(self):
        # EXTENDS hc.crosswalk
        selection = super()._selection_record_ref()
        return [*selection, ("account.budget.post", "Budgetary Position")]
