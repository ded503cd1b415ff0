# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.healthcare_integration_core.lib import states as st
from odoo.addons.healthcare_integration_reconciliation.lib import kpi as lib

from .hc_asset_eam_record import EQUIPMENT_OUT


class HcKpi(models.AbstractModel):
    """Asset onboarding time: from the goods received to the equipment
    registered in the EAM (its first message delivered), per vendor."""

    _inherit = "hc.kpi"

    # EXTENDS hc.kpi
    @api.model
    def _observe_finished(self, message):
        result = super()._observe_finished(message)
        if message.flow_type_id.code == EQUIPMENT_OUT and message.state == st.DONE:
            self._observe_onboarding(message)
        return result

    def _observe_onboarding(self, message):
        equipment = message._linked_record()
        if equipment is None or equipment._name != "maintenance.equipment":
            return
        receipt = equipment.hc_receipt_id
        if not receipt.date_done or equipment.hc_message_count > 1:
            return  # only the first registration onboards the equipment
        seconds = max((message.done_at - receipt.date_done).total_seconds(), 0)
        self._observe(
            lib.ASSET_ONBOARDING,
            seconds,
            message,
            partner=receipt.partner_id.commercial_partner_id or None,
        )
