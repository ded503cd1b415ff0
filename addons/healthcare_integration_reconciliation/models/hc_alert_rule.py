# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib import kpi as lib

SILENCE = "silence"
DIFFERENCES = "reconciliation_differences"


class HcAlertRule(models.Model):
    """Two more conditions: a silent inbound feed, and differences with a
    partner's control report left open."""

    _inherit = "hc.alert.rule"

    condition = fields.Selection(
        selection_add=[
            (SILENCE, "No inbound message in the expected window"),
            (DIFFERENCES, "Reconciliation differences left open"),
        ],
        ondelete={SILENCE: "cascade", DIFFERENCES: "cascade"},
    )

    # EXTENDS hc.alert.rule
    def _compute_owner_role(self):
        result = super()._compute_owner_role()
        for rule in self:
            if rule.condition == DIFFERENCES:
                rule.owner_role = "business"
        return result

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
