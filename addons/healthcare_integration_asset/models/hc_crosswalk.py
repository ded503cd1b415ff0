# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HcCrosswalk(models.Model):
    """Equipment crosswalk: the EAM/CMMS asset id of an Odoo equipment."""

    _inherit = "hc.crosswalk"

    domain = fields.Selection(
        selection_add=[("equipment", "EAM equipment")],
        ondelete={"equipment": "cascade"},
    )

    @api.model
    def _selection_record_ref(self):
        # EXTENDS hc.crosswalk
        selection = super()._selection_record_ref()
        return [*selection, ("maintenance.equipment", "Equipment")]

    @api.model
    def _hc_equipment_entry(self, backend, equipment):
        """The crosswalk entry of equipment on backend (or an empty set)."""
        return self.search(
            [
                ("backend_id", "=", backend.id),
                ("domain", "=", "equipment"),
                ("record_ref", "=", f"maintenance.equipment,{equipment.id}"),
            ],
            limit=1,
        )
