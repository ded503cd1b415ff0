# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.healthcare_integration_core.lib import retry
from odoo.addons.healthcare_integration_core.lib import states as st

from ..lib.ops_figures import age, figure, human_duration, rate_text

USER_GROUP = "healthcare_integration_core.group_hc_user"
FAILURE_CLASSES = (
    retry.ERROR_TECHNICAL,
    retry.ERROR_VALIDATION,
    retry.ERROR_AUTHENTICATION,
    retry.ERROR_BUSINESS,
)
UNACKNOWLEDGED = [("state", "=", st.DEAD), ("acknowledged_by_id", "=", False)]
BUSINESS_EXCEPTIONS = [*UNACKNOWLEDGED, ("error_class", "=", retry.ERROR_BUSINESS)]
TECHNICAL_FAILURES = [*UNACKNOWLEDGED, ("error_class", "!=", retry.ERROR_BUSINESS)]


class HcOpsDashboard(models.AbstractModel):
    """The data of the integration dashboard (client action ``hc_ops_dashboard``):
    the technical health of each backend and flow; ``hc.ops.dashboard.panels``
    adds the summary, the queues and the business exceptions by owner.

    Each figure comes with the list it was counted from (model and domain):
    the dashboard opens that list when the figure is clicked, so a figure and
    its list always agree. The counts come from ``hc.ops.stats`` (indexed SQL).
    """

    _name = "hc.ops.dashboard"
    _description = "Integration Dashboard"

    # ------------------------------------------------------------------ entry point

    @api.model
    def get_dashboard_data(self):
        """Everything the dashboard shows, for the companies the user works in."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                _("Only integration users see the integration dashboard.")
            )
        now = fields.Datetime.now()
        when = {
            "now": now,
            "hour": now - timedelta(hours=1),
            "day": now - timedelta(days=1),
        }
        when.update(
            {f"{k}_text": fields.Datetime.to_string(v) for k, v in when.items()}
        )
        flows = self.env["hc.flow"].with_context(active_test=False).search([])
        stats = self._collect(flows, when)
        shown = flows.filtered(
            lambda f: f.active or f.id in stats["pending"] or f.id in stats["dead"]
        )
        backends = self.env["hc.backend"].search([]) | shown.backend_id
        breakers = self.env["hc.ops.stats"]._breakers(backends)
        rows = {flow.id: self._flow_row(flow, stats, when) for flow in shown}
        panels = self.env["hc.ops.dashboard.panels"]
        return {
            "generated_at": when["now_text"],
            "summary": panels._summary(shown, backends, breakers, stats, when),
            "backends": [
                self._backend_row(backend, shown, rows, breakers[backend.id], now)
                for backend in backends.sorted(lambda b: (b.name or "", b.id))
            ],
            "channels": panels._channel_rows(stats["queue"], now),
            "owners": panels._owner_rows(shown, stats),
        }

    def _collect(self, flows, when):
        figures = self.env["hc.ops.stats"]
        dead = {}
        for flow_id, error_class, kind, count, _oldest in figures._unacknowledged_dead(
            flows
        ):
            dead.setdefault(flow_id, []).append((error_class, kind, count))
        return {
            "hour": figures._window_counts(flows, when["hour"]),
            "day": figures._window_counts(flows, when["day"]),
            "latency": figures._latency(flows, when["day"]),
            "pending": figures._pending(flows, when["now"]),
            "dead": dead,
            "runs": figures._runs(flows, when["day"]),
            "issues": figures._open_issues(flows),
            "queue": figures._queue(when["now"], self.env.companies),
        }

    # ------------------------------------------------------------------ flows

    def _window(self, key, name, domain, counts):
        """Messages of a window and the share done among those finished."""
        done = sum(c for (state, _e), c in counts.items() if state == st.DONE)
        dead = sum(c for (state, _e), c in counts.items() if state == st.DEAD)
        return {
            "total": figure(
                f"{key}_total",
                sum(counts.values()),
                _("%s: messages", name),
                domain,
            ),
            "rate": figure(
                f"{key}_rate",
                done + dead,
                _("%s: finished messages", name),
                [*domain, ("state", "in", (st.DONE, st.DEAD))],
                context={"group_by": ["state"]},
                tone="danger" if dead else "success",
                display=rate_text(done, dead),
            ),
        }

    def _flow_row(self, flow, stats, when):
        key = f"flow/{flow.backend_id.code}/{flow.code}"
        name = flow.display_name
        in_flow = [("flow_id", "=", flow.id)]
        day = [*in_flow, ("create_date", ">=", when["day_text"])]
        day_counts = stats["day"].get(flow.id, {})
        pending = stats["pending"].get(flow.id) or {"count": 0, "late": 0}
        p50, p95, done = stats["latency"].get(flow.id, (None, None, 0))
        dead = stats["dead"].get(flow.id, [])
        business = sum(c for cls, _k, c in dead if cls == retry.ERROR_BUSINESS)
        return {
            "id": flow.id,
            "name": flow.name,
            "code": flow.code,
            "direction": flow.direction,
            "active": flow.active,
            "paused": flow._is_paused(),
            "hour": self._window(
                f"{key}/hour",
                name,
                [*in_flow, ("create_date", ">=", when["hour_text"])],
                stats["hour"].get(flow.id, {}),
            ),
            "day": self._window(f"{key}/day", name, day, day_counts),
            "errors": [
                figure(
                    f"{key}/day_dead_{cls}",
                    day_counts.get((st.DEAD, cls), 0),
                    self.env._("%(flow)s: dead, %(cls)s", flow=name, cls=cls),
                    [*day, ("state", "=", st.DEAD), ("error_class", "=", cls)],
                    tone="danger",
                )
                for cls in FAILURE_CLASSES
            ],
            "latency": figure(
                f"{key}/latency",
                done,
                _("%s: done in the last 24 hours", name),
                [*day, ("state", "=", st.DONE)],
                display=f"{human_duration(p50)} / {human_duration(p95)}",
            ),
            "pending": figure(
                f"{key}/pending",
                pending["count"],
                _("%s: pending", name),
                [*in_flow, ("state", "in", st.PENDING)],
                tone="info",
            ),
            "oldest": age(when["now"], pending.get("oldest")),
            "late": figure(
                f"{key}/late",
                pending["late"],
                _("%s: late", name),
                self._late_domain(when) + in_flow,
                tone="warning",
            ),
            "failures": figure(
                f"{key}/failures",
                sum(c for _cls, _k, c in dead) - business,
                _("%s: failures to acknowledge", name),
                TECHNICAL_FAILURES + in_flow,
                tone="danger",
            ),
            "exceptions": figure(
                f"{key}/exceptions",
                business,
                _("%s: business exceptions", name),
                BUSINESS_EXCEPTIONS + in_flow,
                tone="warning",
            ),
            "runs_failed": figure(
                f"{key}/runs_failed",
                stats["runs"].get(flow.id, {}).get("failed", 0),
                _("%s: failed runs", name),
                [
                    *in_flow,
                    ("state", "=", st.DEAD),
                    ("started_at", ">=", when["day_text"]),
                ],
                model="hc.sync.run",
                tone="danger",
            ),
            "issues": figure(
                f"{key}/issues",
                sum(stats["issues"].get(flow.id, {}).values()),
                _("%s: open sync issues", name),
                [*in_flow, ("resolved", "=", False)],
                model="hc.sync.issue",
                tone="warning",
            ),
        }

    @staticmethod
    def _late_domain(when):
        """Pending messages past their SLA deadline at ``when["now"]``."""
        return [("state", "in", st.PENDING), ("sla_deadline", "<", when["now_text"])]

    def _backend_row(self, backend, flows, rows, breaker_info, now):
        state, since = breaker_info
        labels = dict(self.env["hc.backend"]._fields["breaker_state"].selection)
        return {
            "id": backend.id,
            "name": backend.name,
            "code": backend.code,
            "company": backend.company_id.name,
            "paused": backend.paused,
            "breaker": state,
            "breaker_label": labels.get(state, state),
            "breaker_since": age(now, since),
            "flows": [
                rows[flow.id]
                for flow in flows.sorted(lambda f: (f.name or "", f.id))
                if flow.backend_id == backend
            ],
        }
