# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..lib import kpi as lib


class HcOpsMetrics(models.AbstractModel):
    """The scrape also exports the business KPIs and the reconciliations."""

    _inherit = "hc.ops.metrics"

    # EXTENDS hc.ops.metrics
    @api.model
    def _exposition(self):
        return super()._exposition() + lib.exposition(
            self._kpi_rows(), self._reconciliation_rows()
        )

    @api.model
    def _kpi_rows(self):
        """The KPIs' sums since their first observation (Prometheus counters)."""
        rows = []
        for kpi, company, flow, partner, count, total in self.env["hc.kpi.daily"]._sums(
            [], ["kpi", "company_id", "flow_id", "partner_id"]
        ):
            rows.append(
                {
                    "kpi": kpi,
                    "company": company.name,
                    "backend": flow.backend_id.code,
                    "flow": flow.code,
                    "partner": partner.name,
                    "count": count,
                    "sum": total,
                }
            )
        return rows

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
