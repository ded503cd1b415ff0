# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.healthcare_integration_ops.lib.ops_figures import figure

from ..lib import kpi as lib

TREND_DAYS = 7
TONES = {True: "success", False: "danger", None: None}


class HcOpsDashboard(models.AbstractModel):
    """The dashboard's business panel: KPIs per company with their trend (the
    last seven days against the seven before), and each reconciliation's
    status."""

    _inherit = "hc.ops.dashboard"

    # EXTENDS hc.ops.dashboard
    @api.model
    def get_dashboard_data(self):
        data = super().get_dashboard_data()
        data["business"] = {
            "kpis": self._kpi_rows(),
            "reconciliations": self._reconciliation_rows(),
        }
        return data

    def _kpi_rows(self):
        today = fields.Date.today()  # KPI days are UTC days (hc.kpi.daily)
        since = today - timedelta(days=TREND_DAYS - 1)
        before = since - timedelta(days=TREND_DAYS)
        domain = [
            ("company_id", "in", self.env.companies.ids),
            ("day", ">=", before),
        ]
        sums, latest = {}, {}
        for kpi, company, day, count, total in sorted(
            self.env["hc.kpi.daily"]._sums(domain, ["kpi", "company_id", "day:day"]),
            key=lambda row: row[2],
        ):
            current = day >= since
            entry = sums.setdefault((kpi, company), [0, 0.0, 0, 0.0])
            offset = 0 if current else 2
            if kpi in lib.GAUGES:
                # a state: the latest day of each week, not their sum
                latest[(kpi, company, current)] = (count, total)
                entry[offset : offset + 2] = latest[(kpi, company, current)]
                continue
            entry[offset] += count
            entry[offset + 1] += total
        rows = []
        daily = self.env["hc.kpi.daily"]
        labels = dict(daily._fields["kpi"]._description_selection(self.env))
        kpis = self.env["hc.kpi"]._hc_kpi_definitions()
        for (kpi, company), (count, total, old_count, old_total) in sorted(
            sums.items(), key=lambda item: (item[0][1].name, item[0][0])
        ):
            if not count:
                continue
            direction, good = lib.trend(
                kpi,
                lib.value_of(count, total),
                lib.value_of(old_count, old_total),
                kpis,
            )
            rows.append(
                {
                    "kpi": kpi,
                    "label": labels.get(kpi, kpi),
                    "company": company.name,
                    "trend": direction,
                    "trend_tone": TONES[good],
                    "previous": lib.reading(kpi, old_count, old_total, kpis),
                    "value": figure(
                        f"kpi/{kpi}/{company.id}",
                        count,
                        _(
                            "%(kpi)s, %(company)s",
                            kpi=labels.get(kpi, kpi),
                            company=company.name,
                        ),
                        [
                            ("kpi", "=", kpi),
                            ("company_id", "=", company.id),
                            ("day", ">=", fields.Date.to_string(since)),
                        ],
                        model="hc.kpi.daily",
                        display=lib.reading(kpi, count, total, kpis),
                    ),
                }
            )
        return rows

    def _reconciliation_rows(self):
        reconciliations = self.env["hc.reconciliation"].search(
            [("company_id", "in", self.env.companies.ids)]
        )
        states = dict(self.env["hc.reconciliation"]._fields["state"].selection)
        return [
            {
                "id": reconciliation.id,
                "name": reconciliation.name,
                "flow": reconciliation.flow_id.display_name,
                "state": reconciliation.state,
                "state_label": states.get(reconciliation.state),
                "last_day": fields.Date.to_string(reconciliation.last_period_id.day)
                if reconciliation.last_period_id
                else "-",
                "differences": figure(
                    f"reconciliation/{reconciliation.id}/open",
                    reconciliation.open_difference_count,
                    self.env._("Open differences of %s", reconciliation.name),
                    [
                        ("reconciliation_id", "=", reconciliation.id),
                        ("state", "=", "open"),
                    ],
                    model="hc.reconciliation.difference",
                    tone="warning",
                ),
            }
            for reconciliation in reconciliations
        ]
