# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import kpi as lib

SILENCE = "silence"
DIFFERENCES = "reconciliation_differences"
KPI = "kpi"


class HcAlertRule(models.Model):
    """Three more conditions: a silent inbound feed, differences with a
    partner's control report left open, and a business KPI worse than its
    threshold.

    A KPI rule reads the KPI's daily rows of each flow it watches over its
    last ``kpi_days`` days (today included): the flow's value (a state KPI's
    latest day) worse than ``kpi_threshold`` (rates in percent, durations in
    hours; above it, or below it for a KPI where higher is better) alerts
    the flow's business owner, once ``kpi_min_count`` observations make it.
    """

    _inherit = "hc.alert.rule"

    condition = fields.Selection(
        selection_add=[
            (SILENCE, "No inbound message in the expected window"),
            (DIFFERENCES, "Reconciliation differences left open"),
            (KPI, "Business KPI worse than its threshold"),
        ],
        ondelete={SILENCE: "cascade", DIFFERENCES: "cascade", KPI: "cascade"},
    )
    kpi = fields.Selection(lib.SELECTION, string="KPI", tracking=True)
    kpi_threshold = fields.Float(
        string="KPI threshold",
        tracking=True,
        help="Rates in percent, durations in hours. Alert above it, or below it "
        "for a KPI where higher is better (match rate, fill rate, on time).",
    )
    kpi_unit = fields.Char(compute="_compute_kpi_unit", string="Unit")
    kpi_days = fields.Integer(
        string="Over the last (days)",
        default=1,
        tracking=True,
        help="The KPI's value over this many days, today included.",
    )
    kpi_min_count = fields.Integer(
        string="Minimum observations",
        default=1,
        tracking=True,
        help="No alert on fewer observations (e.g. one late order of the day).",
    )

    @api.depends("kpi")
    def _compute_kpi_unit(self):
        kpis = self.env["hc.kpi"]._hc_kpi_definitions()
        for rule in self:
            rule.kpi_unit = lib.unit_label(rule.kpi, kpis) if rule.kpi else False

    @api.constrains("condition", "kpi", "kpi_days", "kpi_min_count")
    def _check_kpi(self):
        for rule in self.filtered(lambda r: r.condition == KPI):
            if not rule.kpi:
                raise ValidationError(_("A KPI rule names its KPI."))
            if rule.kpi_days < 1 or rule.kpi_min_count < 1:
                raise ValidationError(
                    _("A KPI rule looks at one day and one observation at least.")
                )

    # EXTENDS hc.alert.rule
    def _compute_owner_role(self):
        result = super()._compute_owner_role()
        for rule in self:
            if rule.condition in (DIFFERENCES, KPI):
                rule.owner_role = "business"
        return result

    def _kpi_since(self, now):
        return now.date() - timedelta(days=self.kpi_days - 1)

    def _breaches_kpi(self, now):
        """Flows whose KPI is worse than the threshold: {subject: value in the
        KPI's unit}."""
        flows = self._flows()
        rows = self.env["hc.kpi.daily"]._sums(
            [
                ("kpi", "=", self.kpi),
                ("flow_id", "in", flows.ids),
                ("day", ">=", self._kpi_since(now)),
                ("day", "<=", now.date()),
            ],
            ["flow_id", "day:day"],
        )
        sums = {}
        for flow, _day, count, total in sorted(rows, key=lambda row: row[1]):
            if self.kpi in lib.GAUGES:
                sums[flow] = (count, total)  # a state: its latest day
            else:
                previous = sums.get(flow, (0, 0.0))
                sums[flow] = (previous[0] + count, previous[1] + total)
        breaches = {}
        kpis = self.env["hc.kpi"]._hc_kpi_definitions()
        for flow, (count, total) in sums.items():
            value = lib.in_unit(self.kpi, lib.value_of(count, total), kpis)
            if count >= self.kpi_min_count and lib.worse_than(
                self.kpi, value, self.kpi_threshold, kpis
            ):
                breaches[(flow.id, flow.backend_id.id)] = round(value, 2)
        return breaches

    def _breaches_silence(self, now):
        """Inbound flows expecting traffic that saw none for longer than they
        expect: {subject: minutes since their last message}."""
        flows = self._flows().filtered(
            lambda f: f.active and f.direction == "inbound" and f.expect_every_minutes
        )
        last = self.env["hc.kpi.daily"]._last_observed(lib.EXCEPTION_RATE, flows)
        breaches = {}
        for flow in flows:
            last_at = last.get(flow)
            if flow._silence_minutes(now, last_at):
                since = last_at or flow.create_date
                breaches[(flow.id, flow.backend_id.id)] = round(
                    (now - since).total_seconds() / 60
                )
        return breaches

    def _breaches_reconciliation_differences(self, now):
        flows = self._flows()
        counts = {
            flow.id: count
            for flow, count in self.env["hc.reconciliation.difference"]
            .sudo()
            ._read_group(
                [("flow_id", "in", flows.ids), ("state", "=", "open")],
                ["flow_id"],
                ["__count"],
            )
        }
        return self._by_flow(flows, counts, self.threshold)
