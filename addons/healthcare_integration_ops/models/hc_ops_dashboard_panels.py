# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models

from odoo.addons.healthcare_integration_core.lib import breaker, retry
from odoo.addons.healthcare_integration_core.lib import states as st

from ..lib.ops_figures import age, figure, rate_text
from .hc_ops_dashboard import BUSINESS_EXCEPTIONS, TECHNICAL_FAILURES

QUEUE_STATES = ("pending", "enqueued", "started", "failed")


class HcOpsDashboardPanels(models.AbstractModel):
    """The dashboard's panels across flows: the summary figures, the queue_job
    channels and the open business exceptions by owner and kind."""

    _name = "hc.ops.dashboard.panels"
    _description = "Integration Dashboard Panels"

    # ------------------------------------------------------------------ summary

    def _summary(self, flows, backends, breakers, stats, when):
        in_flows = [("flow_id", "in", flows.ids)]
        day = [*in_flows, ("create_date", ">=", when["day_text"])]
        totals = {}
        for flow in flows:
            for (state, _cls), count in stats["day"].get(flow.id, {}).items():
                totals[state] = totals.get(state, 0) + count
        dead = [row for rows in stats["dead"].values() for row in rows]
        business = sum(c for cls, _k, c in dead if cls == retry.ERROR_BUSINESS)
        pending = [stats["pending"][f.id] for f in flows if f.id in stats["pending"]]
        waiting = sum(p["count"] for p in pending)
        oldest = min((p["oldest"] for p in pending if p["oldest"]), default=None)
        tripped = [b.id for b in backends if breakers[b.id][0] != breaker.CLOSED]
        done, failed = totals.get(st.DONE, 0), totals.get(st.DEAD, 0)
        figures = [
            (
                _("Messages, 24 h"),
                figure(
                    "summary/day_total",
                    sum(totals.values()),
                    _("Messages of the last 24 hours"),
                    day,
                ),
            ),
            (
                _("Done among finished, 24 h"),
                figure(
                    "summary/day_rate",
                    done + failed,
                    _("Messages finished in the last 24 hours"),
                    [*day, ("state", "in", (st.DONE, st.DEAD))],
                    context={"group_by": ["state"]},
                    tone="danger" if failed else "success",
                    display=rate_text(done, failed),
                ),
            ),
            (
                _("Failures to acknowledge"),
                figure(
                    "summary/failures",
                    sum(c for _cls, _k, c in dead) - business,
                    _("Failures to acknowledge"),
                    TECHNICAL_FAILURES + in_flows,
                    tone="danger",
                ),
            ),
            (
                _("Business exceptions"),
                figure(
                    "summary/exceptions",
                    business,
                    _("Open business exceptions"),
                    BUSINESS_EXCEPTIONS + in_flows,
                    context={"group_by": ["exception_kind"]},
                    tone="warning",
                ),
            ),
            (
                _("Late (SLA)"),
                figure(
                    "summary/late",
                    sum(p["late"] for p in pending),
                    _("Late messages"),
                    self.env["hc.ops.dashboard"]._late_domain(when) + in_flows,
                    tone="warning",
                ),
            ),
            (
                _("Pending (oldest)"),
                figure(
                    "summary/pending",
                    waiting,
                    _("Pending messages"),
                    [*in_flows, ("state", "in", st.PENDING)],
                    tone="info",
                    display=f"{waiting} ({age(when['now'], oldest)})"
                    if oldest
                    else str(waiting),
                ),
            ),
            (
                _("Circuits open"),
                figure(
                    "summary/breakers",
                    len(tripped),
                    _("Backends with an open circuit"),
                    [("id", "in", tripped)],
                    model="hc.backend",
                    tone="danger",
                ),
            ),
            (
                _("Open alerts"),
                figure(
                    "summary/alerts",
                    self.env["hc.alert"].search_count([("state", "=", "open")]),
                    _("Open alerts"),
                    [("state", "=", "open")],
                    model="hc.alert",
                    tone="danger",
                ),
            ),
        ]
        return [{**figure, "label": label} for label, figure in figures]

    # ------------------------------------------------------------------ queue

    def _channel_rows(self, queue, now):
        # queue_job's own lists are for its managers: others see the figures
        listed = self.env["queue.job"].has_access("read")
        return [
            {
                "channel": channel,
                **{
                    state: figure(
                        f"channel/{channel}/{state}",
                        entry["states"].get(state, 0),
                        self.env._(
                            "Jobs %(state)s in %(channel)s",
                            state=state,
                            channel=channel,
                        ),
                        [("channel", "=", channel), ("state", "=", state)],
                        model="queue.job",
                        listed=listed,
                        tone="danger" if state == "failed" else "info",
                    )
                    for state in QUEUE_STATES
                },
                "oldest": age(now, entry["oldest_ready"]),
            }
            for channel, entry in sorted(queue.items())
        ]

    # ------------------------------------------------------------------ owners

    def _owner_rows(self, flows, stats):
        """Open business exceptions by owner, then flow and kind."""
        by_owner = {}
        for flow in flows:
            for error_class, kind, count in stats["dead"].get(flow.id, []):
                if error_class == retry.ERROR_BUSINESS:
                    owner = flow._business_owner()
                    by_owner.setdefault(owner, []).append((flow, kind, count))
        rows = []
        for owner, entries in sorted(by_owner.items(), key=lambda i: i[0].name or ""):
            key = f"owner/{owner.id or 0}"
            owner_flows = sorted({flow.id for flow, _k, _c in entries})
            entries.sort(key=lambda e: (e[0].display_name, e[1] or ""))
            rows.append(
                {
                    "owner": owner.name or _("No business owner"),
                    "total": figure(
                        key,
                        sum(count for _f, _k, count in entries),
                        _("Business exceptions of %s", owner.name or "-"),
                        [*BUSINESS_EXCEPTIONS, ("flow_id", "in", owner_flows)],
                        context={"group_by": ["exception_kind"]},
                        tone="warning",
                    ),
                    "kinds": [
                        {
                            "flow": flow.display_name,
                            "kind": kind or self.env._("(unspecified)"),
                            "count": figure(
                                f"{key}/{flow.id}/{kind or ''}",
                                count,
                                f"{flow.display_name}: {kind or '-'}",
                                [
                                    *BUSINESS_EXCEPTIONS,
                                    ("flow_id", "=", flow.id),
                                    ("exception_kind", "=", kind or False),
                                ],
                                tone="warning",
                            ),
                        }
                        for flow, kind, count in entries
                    ],
                }
            )
        return rows
