# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

from ..lib import kpi as lib

# a state KPI's subject not set again for a week is no longer looked at
GAUGE_DAYS = 7


class HcOpsMetrics(models.AbstractModel):
    """The scrape also exports the business KPIs and the reconciliations."""

    _inherit = "hc.ops.metrics"

    # EXTENDS hc.ops.metrics
    @api.model
    def _exposition(self):
        return super()._exposition() + lib.exposition(
            self._kpi_rows(), self._reconciliation_rows(), self._gauge_rows()
        )

    @api.model
    def _kpi_rows(self):
        """The KPIs' sums since their first observation (Prometheus counters)."""
        rows = []
        for kpi, company, flow, partner, count, total in self.env["hc.kpi.daily"]._sums(
            [("kpi", "not in", list(lib.GAUGES))],
            ["kpi", "company_id", "flow_id", "partner_id"],
        ):
            rows.append(self._kpi_row(kpi, company, flow, partner, count, total))
        return rows

    @staticmethod
    def _kpi_row(kpi, company, flow, partner, count, total):
        return {
            "kpi": kpi,
            "company": company.name,
            "backend": flow.backend_id.code,
            "flow": flow.code,
            "partner": partner.name,
            "count": count,
            "sum": total,
        }

    @api.model
    def _gauge_rows(self):
        """The state KPIs (``lib.GAUGES``) of their latest day, per subject."""
        kpis = self.env["hc.kpi.daily"].sudo()
        latest = {}
        recent = fields.Date.today() - timedelta(days=GAUGE_DAYS)  # UTC days
        domain = [("kpi", "in", list(lib.GAUGES)), ("day", ">=", recent)]
        for row in kpis.search(domain, order="day"):
            latest[(row.kpi, row.company_id, row.flow_id, row.partner_id)] = row
        return [
            self._kpi_row(kpi, company, flow, partner, row.count, row.total)
            for (kpi, company, flow, partner), row in latest.items()
        ]

    @api.model
    def _reconciliation_rows(self):
        reconciliations = self.env["hc.reconciliation"].sudo().search([])
        return [
            {
                "company": reconciliation.company_id.name,
                "backend": reconciliation.backend_id.code,
                "flow": reconciliation.flow_id.code,
                "reconciliation": reconciliation.name,
                "open_differences": reconciliation.open_difference_count,
                "matched": reconciliation.state == "matched",
            }
            for reconciliation in reconciliations
        ]
