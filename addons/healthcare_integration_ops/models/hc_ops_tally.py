# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.healthcare_integration_core.lib import states as st

from ..lib.ops_metrics import LATENCY_BUCKETS
from .hc_ops_stats import LATENCY

# done, cancelled and duplicate messages never change state again (a dead one
# may be retried or resolved): once folded into the tally, they stay counted
TERMINAL = (st.DONE, st.CANCELLED, st.DUPLICATE)
# a message is folded this long after it finished, so that the transaction
# that finished it has long committed when the fold reads it
SEAL_LAG = timedelta(hours=1)
NEVER = datetime(1970, 1, 1)
# index of the first bound a latency is at most (len(bounds) above the last):
# width_bucket counts the negated bounds at most -latency, i.e. the bounds at
# least the latency
BUCKET = SQL(
    "CASE WHEN m.state = 'done' AND m.done_at IS NOT NULL "
    "THEN %s - width_bucket(-(%s)::float8, %s::float8[]) END",
    len(LATENCY_BUCKETS),
    LATENCY,
    [-bound for bound in reversed(LATENCY_BUCKETS)],
)
GROUPED = SQL(
    """
    SELECT coalesce(m.flow_id, 0) AS flow_id, m.backend_id, m.direction, m.state,
           coalesce(m.error_class, '') AS error_class,
           coalesce(%(bucket)s, -1) AS bucket, count(*) AS count,
           coalesce(sum(%(latency)s) FILTER (
               WHERE m.state = 'done' AND m.done_at IS NOT NULL), 0) AS latency_sum
      FROM hc_message m
    """,
    bucket=BUCKET,
    latency=LATENCY,
)
GROUP_BY = SQL("GROUP BY 1, 2, 3, 4, 5, 6")


class HcOpsTally(models.AbstractModel):
    """Message counts for the metrics' counters, kept without reading every
    message at each scrape and without a write on the delivery path.

    A scheduled fold adds the messages that finished (done, cancelled,
    duplicate) more than an hour ago to a small tally table and moves the
    "sealed until" mark; a scrape reads the tally plus the messages not folded
    yet (pending, dead, recently finished), all through partial indexes.
    Retention keeps the counts of the messages it deletes. Raw SQL on
    purpose: a fold is one INSERT ... SELECT ... GROUP BY over a million
    messages a day and a table without a model (``bench/bench_dashboard.py``
    measures the scrape on 1,000,000 messages).
    """

    _name = "hc.ops.tally"
    _description = "Integration Metrics Tally"

    def init(self):
        cr = self.env.cr
        cr.execute(
            """
            CREATE TABLE IF NOT EXISTS hc_ops_tally (
                flow_id integer NOT NULL,
                backend_id integer NOT NULL,
                direction varchar NOT NULL,
                state varchar NOT NULL,
                error_class varchar NOT NULL,
                bucket integer NOT NULL,
                count bigint NOT NULL,
                latency_sum double precision NOT NULL,
                PRIMARY KEY (flow_id, backend_id, direction, state, error_class,
                             bucket)
            )
            """
        )
        cr.execute(
            """
            CREATE TABLE IF NOT EXISTS hc_ops_tally_mark (
                id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
                sealed_until timestamp
            )
            """
        )
        # NOT EXISTS rather than ON CONFLICT: an update of the modules must
        # not fail to serialize when a running node moved the mark meanwhile
        cr.execute(
            """
            INSERT INTO hc_ops_tally_mark (id, sealed_until)
            SELECT 1, NULL WHERE NOT EXISTS (SELECT 1 FROM hc_ops_tally_mark)
            """
        )
        # finished messages not folded yet (and those without an end date)
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hc_message_ops_finished_idx
                ON hc_message (done_at)
             WHERE state IN ('done', 'cancelled', 'duplicate')
            """
        )

    def _sealed_until(self, lock=False):
        """The mark; ``lock`` holds it until commit, so that no fold moves it
        meanwhile (a fold and a retention running at once, on two nodes'
        schedulers, would otherwise count the same messages twice)."""
        self.env.cr.execute(
            SQL(
                "SELECT sealed_until FROM hc_ops_tally_mark WHERE id = 1 %s",
                SQL("FOR UPDATE") if lock else SQL(),
            )
        )
        row = self.env.cr.fetchone()
        return (row and row[0]) or NEVER

    def _add(self, selection):
        """Add the grouped counts of the messages ``selection`` (SQL) selects."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO hc_ops_tally AS t (flow_id, backend_id, direction, state,
                    error_class, bucket, count, latency_sum)
                %(grouped)s WHERE %(selection)s %(group_by)s
                ON CONFLICT (flow_id, backend_id, direction, state, error_class,
                             bucket)
                DO UPDATE SET count = t.count + EXCLUDED.count,
                              latency_sum = t.latency_sum + EXCLUDED.latency_sum
                """,
                grouped=GROUPED,
                selection=selection,
                group_by=GROUP_BY,
            )
        )

    @api.model
    def _cron_seal(self):
        """Fold the messages that finished before now minus the lag; returns
        the number of tally rows added to."""
        self.env.flush_all()
        previous = self._sealed_until(lock=True)
        until = fields.Datetime.now() - SEAL_LAG
        if previous >= until:
            return 0
        self._add(
            SQL(
                "m.state IN %s AND m.done_at > %s AND m.done_at <= %s",
                TERMINAL,
                previous,
                until,
            )
        )
        groups = self.env.cr.rowcount
        self.env.cr.execute(
            "UPDATE hc_ops_tally_mark SET sealed_until = %s WHERE id = 1", (until,)
        )
        return groups

    @api.model
    def _retire(self, message_ids):
        """Keep the counts of finished messages about to be deleted (retention)
        that the tally does not hold yet; dead ones are only ever counted live."""
        if not message_ids:
            return
        self.env.flush_all()
        self._add(
            SQL(
                "m.id = ANY(%s) AND m.state IN %s "
                "AND (m.done_at IS NULL OR m.done_at > %s)",
                list(message_ids),
                TERMINAL,
                self._sealed_until(lock=True),
            )
        )

    @api.model
    def _message_totals(self):
        """[(flow id, backend id, direction, state, error class, latency bucket
        index, count, latency sum)]: the tally, plus what it does not hold yet
        (rows may repeat a key: add them up). Dead messages are read from
        their partial index alone (no latency: only done messages have one)."""
        self.env.flush_all()
        sealed = self._sealed_until()
        self.env.cr.execute(
            SQL(
                """
                %(grouped)s WHERE m.state IN %(pending)s %(group_by)s
                 UNION ALL
                SELECT coalesce(m.flow_id, 0), m.backend_id, m.direction, 'dead',
                       coalesce(m.error_class, ''), -1, count(*), 0
                  FROM hc_message m
                 WHERE m.state = 'dead'
                 GROUP BY 1, 2, 3, 5
                 UNION ALL
                %(grouped)s WHERE m.state IN %(terminal)s
                                  AND (m.done_at > %(sealed)s OR m.done_at IS NULL)
                %(group_by)s
                 UNION ALL
                SELECT flow_id, backend_id, direction, state, error_class, bucket,
                       count, latency_sum
                  FROM hc_ops_tally
                """,
                grouped=GROUPED,
                group_by=GROUP_BY,
                pending=st.PENDING,
                terminal=TERMINAL,
                sealed=sealed,
            )
        )
        return [
            (
                flow_id or None,
                backend_id,
                direction,
                state,
                error_class or None,
                None if bucket < 0 else bucket,
                count,
                latency_sum,
            )
            for (
                flow_id,
                backend_id,
                direction,
                state,
                error_class,
                bucket,
                count,
                latency_sum,
            ) in self.env.cr.fetchall()
        ]
