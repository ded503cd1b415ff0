# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, datetime

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.healthcare_integration_core.lib import breaker, retry
from odoo.addons.healthcare_integration_core.lib import states as st

QUEUE_OPEN_STATES = ("wait_dependencies", "pending", "enqueued", "started", "failed")
QUEUE_READY_STATES = ("pending", "enqueued")
# seconds from creation to done; done_at is kept to the second while
# create_date is not, hence the floor at 0
LATENCY = SQL("greatest(extract(epoch FROM m.done_at - m.create_date), 0)")


class HcOpsStats(models.AbstractModel):
    """The figures of the runtime, computed with indexed SQL, never by reading
    messages one by one: the dashboard, the metrics endpoint and the alert
    rules share them. Raw SQL on purpose: percentiles, histograms and window
    aggregates the ORM's read_group cannot express, over a million messages a
    day (``bench/bench_dashboard.py`` and ``bench_reconciliation.py``'s
    dashboard: 0.9 s with them).

    Every method takes the flows (or backends) to report on, already filtered
    by the caller's access rules, and answers plain dicts keyed by their ids.
    """

    _name = "hc.ops.stats"
    _description = "Integration Operations Figures"

    def init(self):
        # models/__init__.py loads this model after hc.message: its table exists
        cr = self.env.cr
        # recent windows (last hour, last day): an index-only range scan
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_message_ops_window_idx
                ON hc_message (create_date)
                INCLUDE (flow_id, state, error_class, done_at)
            """
        )
        # failed messages: business exceptions by kind, failures to acknowledge,
        # and the dead messages the metrics count at each scrape
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_message_ops_failed_idx
                ON hc_message (flow_id, error_class, exception_kind)
                INCLUDE (acknowledged_by_id, backend_id, direction, create_date,
                         done_at)
             WHERE state = 'dead'
            """
        )
        # pending work: oldest pending message and late messages per flow
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_message_ops_pending_idx
                ON hc_message (flow_id, create_date)
                INCLUDE (state, sla_deadline)
             WHERE state IN ('new', 'queued', 'running', 'retrying')
            """
        )
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_sync_issue_ops_open_idx
                ON hc_sync_issue (flow_id, kind) WHERE resolved IS NOT TRUE
            """
        )
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_sync_run_ops_flow_idx
                ON hc_sync_run (flow_id, id) INCLUDE (state, started_at)
            """
        )

    def _query(self, query):
        self.env.flush_all()
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    # ------------------------------------------------------------------ messages

    @api.model
    def _window_counts(self, flows, since):
        """{flow id: {(state, error_class): count}} of messages created since."""
        rows = self._query(
            SQL(
                """
                SELECT flow_id, state, error_class, count(*)
                  FROM hc_message
                 WHERE create_date >= %s AND flow_id = ANY(%s)
                 GROUP BY flow_id, state, error_class
                """,
                since,
                flows.ids,
            )
        )
        counts = {}
        for flow_id, state, error_class, count in rows:
            counts.setdefault(flow_id, {})[(state, error_class or None)] = count
        return counts

    @api.model
    def _latency(self, flows, since):
        """{flow id: (p50 seconds, p95 seconds, done count)} since."""
        rows = self._query(
            SQL(
                """
                SELECT m.flow_id,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY %(latency)s),
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY %(latency)s),
                       count(*)
                  FROM hc_message m
                 WHERE m.create_date >= %(since)s AND m.flow_id = ANY(%(flows)s)
                       AND m.state = 'done' AND m.done_at IS NOT NULL
                 GROUP BY m.flow_id
                """,
                latency=LATENCY,
                since=since,
                flows=flows.ids,
            )
        )
        return {flow_id: (p50, p95, count) for flow_id, p50, p95, count in rows}

    @api.model
    def _pending(self, flows, now):
        """{flow id: {"count", "late", "oldest", "states": {state: count}}}."""
        rows = self._query(
            SQL(
                """
                SELECT flow_id, state, count(*), min(create_date),
                       count(*) FILTER (WHERE sla_deadline < %s)
                  FROM hc_message
                 WHERE state IN %s AND flow_id = ANY(%s)
                 GROUP BY flow_id, state
                """,
                now,
                st.PENDING,
                flows.ids,
            )
        )
        pending = {}
        for flow_id, state, count, oldest, late in rows:
            entry = pending.setdefault(
                flow_id, {"count": 0, "late": 0, "oldest": None, "states": {}}
            )
            entry["count"] += count
            entry["late"] += late
            entry["states"][state] = count
            entry["oldest"] = min(filter(None, (entry["oldest"], oldest)))
        return pending

    @api.model
    def _unacknowledged_dead(self, flows, done_before=None):
        """[(flow id, error class, exception kind, count, oldest done_at)] of dead
        messages nobody acknowledged (that failed before ``done_before``)."""
        return self._query(
            SQL(
                """
                SELECT flow_id, error_class, exception_kind, count(*), min(done_at)
                  FROM hc_message
                 WHERE state = 'dead' AND acknowledged_by_id IS NULL
                       AND flow_id = ANY(%s) %s
                 GROUP BY flow_id, error_class, exception_kind
                """,
                flows.ids,
                SQL("AND done_at < %s", done_before) if done_before else SQL(),
            )
        )

    # ------------------------------------------------------------------ runs

    @api.model
    def _runs(self, flows, since):
        """{flow id: {"failed": runs failed since, "last_state": of the last
        finished run, "last_run": its id}}."""
        rows = self._query(
            SQL(
                """
                SELECT flow_id,
                       count(*) FILTER (WHERE state = 'dead' AND started_at >= %s),
                       (array_agg(state ORDER BY id DESC)
                            FILTER (WHERE state != 'running'))[1],
                       (array_agg(id ORDER BY id DESC)
                            FILTER (WHERE state != 'running'))[1]
                  FROM hc_sync_run
                 WHERE flow_id = ANY(%s)
                 GROUP BY flow_id
                """,
                since,
                flows.ids,
            )
        )
        return {
            flow_id: {"failed": failed, "last_state": last_state, "last_run": last_run}
            for flow_id, failed, last_state, last_run in rows
        }

    @api.model
    def _open_issues(self, flows):
        """{flow id: {kind: count}} of sync issues not resolved."""
        rows = self._query(
            SQL(
                """
                SELECT flow_id, kind, count(*) FROM hc_sync_issue
                 WHERE resolved IS NOT TRUE AND flow_id = ANY(%s)
                 GROUP BY flow_id, kind
                """,
                flows.ids,
            )
        )
        issues = {}
        for flow_id, kind, count in rows:
            issues.setdefault(flow_id, {})[kind] = count
        return issues

    # ------------------------------------------------------------------ queue

    @api.model
    def _queue(self, now, companies=None):
        """{channel: {"states": {state: count}, "oldest_ready": datetime or None}}
        of the queue_job jobs not done (failed ones stay until someone acts),
        of ``companies`` (and of no company) when given, as queue_job's rule."""
        rows = self._query(
            SQL(
                """
                SELECT channel, state, count(*),
                       min(greatest(date_created, coalesce(eta, date_created)))
                           FILTER (WHERE state IN %s
                                   AND (eta IS NULL OR eta <= %s))
                  FROM queue_job
                 WHERE state IN %s %s
                 GROUP BY channel, state
                """,
                QUEUE_READY_STATES,
                now,
                QUEUE_OPEN_STATES,
                SQL(
                    "AND (company_id IS NULL OR company_id = ANY(%s))",
                    companies.ids,
                )
                if companies is not None
                else SQL(),
            )
        )
        channels = {}
        for channel, state, count, oldest in rows:
            entry = channels.setdefault(
                channel or "root", {"states": {}, "oldest_ready": None}
            )
            entry["states"][state] = count
            if oldest and (not entry["oldest_ready"] or oldest < entry["oldest_ready"]):
                entry["oldest_ready"] = oldest
        return channels

    # ------------------------------------------------------------------ breakers

    @api.model
    def _breakers(self, backends):
        """{backend id: (state, open since or None)} of each backend's breaker."""
        return {backend.id: self._breaker(backend) for backend in backends}

    @api.model
    def _breaker(self, backend):
        """(state, since when it is not closed) of a backend's circuit breaker.

        The circuit opened at the threshold-th technical failure after the last
        call that succeeded (or failed for a reason other than technical), and
        stays open or half-open until a call succeeds again.
        """
        _allowed, state, _wait = backend._breaker_check()
        if state.state == breaker.CLOSED:
            return breaker.CLOSED, None
        rows = self._query(
            SQL(
                """
                SELECT a.ended_at FROM hc_message_attempt a
                 WHERE a.backend_id = %(backend)s AND a.direction = 'outbound'
                   AND a.outcome IN ('retry', 'failed')
                   AND a.error_class = %(technical)s
                   AND a.ended_at > coalesce((
                        SELECT max(b.ended_at) FROM hc_message_attempt b
                         WHERE b.backend_id = %(backend)s
                           AND b.direction = 'outbound'
                           AND (b.outcome = 'done' OR (b.outcome IN ('retry', 'failed')
                                AND b.error_class IS DISTINCT FROM %(technical)s))
                       ), '-infinity'::timestamp)
                 ORDER BY a.ended_at, a.id
                 OFFSET %(offset)s LIMIT 1
                """,
                backend=backend.id,
                technical=retry.ERROR_TECHNICAL,
                offset=max(backend.breaker_threshold - 1, 0),
            )
        )
        since = rows[0][0] if rows else None
        if since is None and state.opened_at:
            since = datetime.fromtimestamp(state.opened_at, UTC).replace(tzinfo=None)
        return state.state, since
