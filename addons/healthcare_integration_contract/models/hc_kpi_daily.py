# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.healthcare_integration_reconciliation.lib import kpi as kpi_lib

CONTRACT_PRICE_VARIANCE = "contract_price_variance"
# The supplier scorecard's KPI: the mean relative difference of billed unit
# prices from the contract price (0.031 reads 3.1 %), lower is better. The
# KPI vocabulary is the reconciliation lib's table: an addon's KPI is one
# more entry in it (how it reads and trends) and in the selection below.
kpi_lib.KPIS.setdefault(
    CONTRACT_PRICE_VARIANCE,
    ("Price variance against contract", kpi_lib.RATE, False),
)


class HcKpiDaily(models.Model):
    _inherit = "hc.kpi.daily"

    kpi = fields.Selection(
        selection_add=[
            (CONTRACT_PRICE_VARIANCE, kpi_lib.KPIS[CONTRACT_PRICE_VARIANCE][0])
        ],
        ondelete={CONTRACT_PRICE_VARIANCE: "cascade"},
    )
