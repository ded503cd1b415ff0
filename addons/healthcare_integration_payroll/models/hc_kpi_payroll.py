# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, models

from odoo.addons.healthcare_integration_core.lib import states as st
from odoo.addons.healthcare_integration_reconciliation.lib import kpi as lib

INPUT_TYPES = ("payroll.inputs_json", "payroll.inputs_csv")


class HcKpi(models.AbstractModel):
    """Payroll inputs on time: a period's cutoff batch (not its corrections)
    delivered to the provider within ``_hc_inputs_due_days`` after the
    period's last day (1), or later (0)."""

    _inherit = "hc.kpi"

    # the provider's intake window after a period ends (days)
    _hc_inputs_due_days = 3

    # EXTENDS hc.kpi
    @api.model
    def _observe_finished(self, message):
        result = super()._observe_finished(message)
        if message.flow_type_id.code in INPUT_TYPES and message.state == st.DONE:
            self._observe_inputs(message)
        return result

    def _observe_inputs(self, message):
        batch = message._linked_record()
        if (
            batch is None
            or batch._name != "hc.payroll.batch"
            or batch.kind != "original"
            or message.parent_relation == "replay"
        ):
            return
        due = batch.period_id.date_to + timedelta(days=self._hc_inputs_due_days)
        self._observe(
            lib.PAYROLL_ON_TIME, 1 if message.done_at.date() <= due else 0, message
        )
