# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.healthcare_integration_reconciliation.lib import kpi as kpi_lib

CONTRACT_PRICE_VARIANCE = "contract_price_variance"
# The supplier scorecard's KPI: the mean relative difference of billed unit
# prices from the contract price (0.031 reads 3.1 %), lower is better;
# declared by hc.kpi._hc_kpi_definitions (models/hc_kpi.py)
CONTRACT_KPIS = {
    CONTRACT_PRICE_VARIANCE: ("Price variance against contract", kpi_lib.RATE, False),
}
CONTRACT_KPI_SELECTION = [(code, kpi[0]) for code, kpi in CONTRACT_KPIS.items()]


class HcKpiDaily(models.Model):
    _inherit = "hc.kpi.daily"

    kpi = fields.Selection(
        selection_add=CONTRACT_KPI_SELECTION,
        ondelete={code: "cascade" for code in CONTRACT_KPIS},
    )
