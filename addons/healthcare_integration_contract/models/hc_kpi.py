# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.healthcare_integration_core.lib import states as st
from odoo.addons.healthcare_integration_procurement.models.hc_kpi_procurement import (
    INVOICE_TYPES,
)

from .hc_kpi_daily import CONTRACT_KPIS, CONTRACT_PRICE_VARIANCE


class HcKpi(models.AbstractModel):
    """The supplier scorecard's price variance against contract, observed
    once per bill line a contract covers as its invoice is processed."""

    _inherit = "hc.kpi"

    # EXTENDS healthcare_integration_reconciliation
    @api.model
    def _hc_kpi_definitions(self):
        return {**super()._hc_kpi_definitions(), **CONTRACT_KPIS}

    # EXTENDS healthcare_integration_procurement
    @api.model
    def _observe_finished(self, message):
        result = super()._observe_finished(message)
        if (
            message.flow_type_id.code in INVOICE_TYPES
            and message.state == st.DONE
            and message.parent_relation != "replay"
        ):
            bill = message._linked_record()
            if bill is not None and bill._name == "account.move":
                supplier = bill.commercial_partner_id
                for line in bill.hc_match_line_ids.filtered("contract_id"):
                    variance = abs(line.invoiced_price - line.contract_price)
                    self._observe(
                        CONTRACT_PRICE_VARIANCE,
                        variance / line.contract_price,
                        message,
                        partner=supplier,
                    )
        return result
