# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcHandlerAssetRetirement(models.AbstractModel):
    """Retirement started in Odoo, out to the EAM/CMMS (``asset.retirement_out``)."""

    _name = "hc.handler.asset.retirement"
    _inherit = "hc.handler"
    _description = "Equipment retirement out to the EAM/CMMS"
    _hc_directions = ("outbound",)

    def build_payload(self, record, flow):
        equipment = record.sudo()
        entry = (
            self.env["hc.crosswalk"]
            .sudo()
            ._hc_equipment_entry(flow.backend_id, equipment)
        )
        return {
            "odoo_id": equipment.id,
            "asset_id": entry.external_code or None,
            "serial": equipment.serial_no or None,
            "retired_on": fields.Date.to_string(equipment.scrap_date),
            "reason": equipment.hc_retirement_reason or "other",
            "sale_value": equipment.hc_disposal_value,
            "currency": equipment.company_id.currency_id.name,
            "note": equipment.hc_retirement_note or None,
        }
