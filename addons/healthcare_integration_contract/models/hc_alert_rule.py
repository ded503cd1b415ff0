# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .hc_kpi_daily import CONTRACT_KPI_SELECTION, CONTRACT_KPIS


class HcAlertRule(models.Model):
    """The contract KPI may be alerted on like the suite's own."""

    _inherit = "hc.alert.rule"

    kpi = fields.Selection(
        selection_add=CONTRACT_KPI_SELECTION,
        ondelete={code: "cascade" for code in CONTRACT_KPIS},
    )
