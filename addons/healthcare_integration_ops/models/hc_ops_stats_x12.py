# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class HcOpsStats(models.AbstractModel):
    """X12 interchanges sent whose 997/999 is overdue count as late."""

    _inherit = "hc.ops.stats"

    # EXTENDS hc.ops.stats
    @api.model
    def _pending(self, flows, now):
        """Adds to ``late`` the X12 interchanges of each flow still awaiting
        the partner's acknowledgement past their SLA deadline (so that the
        "late messages" alert rule covers them); ``count`` is unchanged."""
        pending = super()._pending(flows, now)
        overdue = (
            self.env["hc.message"]
            .sudo()
            ._read_group(
                [
                    ("flow_id", "in", flows.ids),
                    ("x12_ack_status", "=", "awaiting"),
                    ("sla_deadline", "<", now),
                ],
                ["flow_id"],
                ["__count"],
            )
        )
        for flow, count in overdue:
            entry = pending.setdefault(
                flow.id, {"count": 0, "late": 0, "oldest": None, "states": {}}
            )
            entry["late"] += count
            entry["awaiting_ack"] = count
        return pending
