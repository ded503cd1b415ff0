# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HcCrosswalk(models.Model):
    _inherit = "hc.crosswalk"

    domain = fields.Selection(
        selection_add=[
            ("job", "Job position"),
            ("departure_reason", "Departure reason"),
        ],
        ondelete={"job": "cascade", "departure_reason": "cascade"},
    )

    # EXTENDS hc.crosswalk
    @api.model
    def _selection_record_ref(self):
        selection = super()._selection_record_ref()
        for model in ("hr.job", "hr.departure.reason"):
            if model in self.env and model not in dict(selection):
                selection.append((model, self.env[model]._description))
        return selection
