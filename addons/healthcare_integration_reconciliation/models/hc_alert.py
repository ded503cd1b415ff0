# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from ..lib import kpi as lib
from .hc_alert_rule import DIFFERENCES, KPI, SILENCE


class HcAlert(models.Model):
    _inherit = "hc.alert"

    condition = fields.Selection(
        selection_add=[
            (SILENCE, "No inbound message in the expected window"),
            (DIFFERENCES, "Reconciliation differences left open"),
            (KPI, "Business KPI worse than its threshold"),
        ],
        ondelete={SILENCE: "cascade", DIFFERENCES: "cascade", KPI: "cascade"},
    )

    # EXTENDS hc.alert
    @api.model
    def _title(self, rule, flow, backend):
        if rule.condition not in (SILENCE, DIFFERENCES, KPI):
            return super()._title(rule, flow, backend)
        labels = dict(self._fields["condition"]._description_selection(self.env))
        if rule.condition == KPI:
            kpis = dict(rule._fields["kpi"]._description_selection(self.env))
            return _(
                "%(kpi)s: %(subject)s",
                kpi=kpis[rule.kpi],
                subject=flow.display_name if flow else backend.display_name,
            )
        return _(
            "%(condition)s: %(subject)s",
            condition=labels[rule.condition],
            subject=flow.display_name if flow else backend.display_name,
        )

    # EXTENDS hc.alert
    @api.model
    def _describe(self, rule, flow, backend, value):
        if rule.condition == SILENCE:
            return _(
                "No message of %(subject)s for %(value)s minutes; it expects one "
                "at least every %(every)s minutes.",
                subject=flow.display_name,
                value=f"{value:g}",
                every=flow.expect_every_minutes,
            )
        if rule.condition == DIFFERENCES:
            return _(
                "%(value)s difference(s) of %(subject)s with the partner's control "
                "report are open (alert above %(threshold)s).",
                subject=flow.display_name,
                value=f"{value:g}",
                threshold=rule.threshold,
            )
        if rule.condition == KPI:
            labels = dict(rule._fields["kpi"]._description_selection(self.env))
            kpis = self.env["hc.kpi"]._hc_kpi_definitions()
            return _(
                "%(kpi)s of %(subject)s is %(value)s %(unit)s over the last "
                "%(days)s day(s) (alert when %(side)s %(threshold)s %(unit)s).",
                kpi=labels[rule.kpi],
                subject=flow.display_name,
                value=f"{value:g}",
                unit=lib.unit_label(rule.kpi, kpis),
                days=rule.kpi_days,
                side=_("below") if lib.higher_is_better(rule.kpi, kpis) else _("above"),
                threshold=f"{rule.kpi_threshold:g}",
            )
        return super()._describe(rule, flow, backend, value)

    # EXTENDS hc.alert
    def _domain_behind(self):
        if self.condition == SILENCE:
            return "hc.message", [("flow_id", "=", self.flow_id.id)]
        if self.condition == DIFFERENCES:
            return "hc.reconciliation.difference", [
                ("flow_id", "=", self.flow_id.id),
                ("state", "=", "open"),
            ]
        if self.condition == KPI:
            since = self.rule_id._kpi_since(fields.Datetime.now())
            return "hc.kpi.daily", [
                ("kpi", "=", self.rule_id.kpi),
                ("flow_id", "=", self.flow_id.id),
                ("day", ">=", fields.Date.to_string(since)),
            ]
        return super()._domain_behind()
