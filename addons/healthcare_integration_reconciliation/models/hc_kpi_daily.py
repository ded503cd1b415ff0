# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..lib import kpi as lib


class HcKpiDaily(models.Model):
    """A business KPI's observations of one day, per company, flow and partner.

    Rows only grow: each event adds one observation (``_observe``), so the
    KPIs are never recomputed from the messages. A rate is observed as 1 or 0,
    a duration in seconds; the value is ``total / count``. Read them in the
    pivot view (trend by day, per supplier), on the dashboard and in the
    metrics scrape, always as sums over the rows of a subject (``_sums``):
    an observation is a row of its own until ``_compact`` adds the rows of a
    subject into one (every few minutes), so that messages finishing at once
    never wait for, or conflict on, one hot row per flow and day. Gauges
    (``lib.GAUGES``) are one row per subject and day, set by ``_set_state``.
    """

    _name = "hc.kpi.daily"
    _description = "Integration Business KPI (daily)"
    _order = "day desc, kpi"

    kpi = fields.Selection(lib.SELECTION, string="KPI", required=True, readonly=True)
    day = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    flow_id = fields.Many2one("hc.flow", readonly=True, ondelete="cascade")
    backend_id = fields.Many2one(related="flow_id.backend_id")
    partner_id = fields.Many2one("res.partner", readonly=True, ondelete="cascade")
    count = fields.Integer(string="Observations", readonly=True)
    total = fields.Float(readonly=True, help="Sum of the observations.")
    value = fields.Float(
        compute="_compute_value",
        string="Raw value",
        aggregator=None,
        help="Rates as a share (0 to 1), durations in seconds.",
    )
    reading = fields.Char(compute="_compute_value", string="Value")
    last_at = fields.Datetime(readonly=True, string="Last observed")
    gauge = fields.Boolean(
        readonly=True,
        default=False,
        help="A state set once a day (one row), not observations.",
    )

    def init(self):
        # observations are rows of their own (no unique index: concurrent
        # jobs insert, never update one row); a gauge is one row per subject
        # and day (ON CONFLICT needs this unique index, empty subjects included)
        self.env.cr.execute(
            """
            DROP INDEX IF EXISTS hc_kpi_daily_subject_uniq;
            UPDATE hc_kpi_daily SET gauge = true
             WHERE kpi = ANY(%s) AND gauge IS NOT true;
            CREATE UNIQUE INDEX IF NOT EXISTS hc_kpi_daily_gauge_uniq
                ON hc_kpi_daily (kpi, day, company_id, (coalesce(flow_id, 0)),
                                 (coalesce(partner_id, 0)))
             WHERE gauge;
            CREATE INDEX IF NOT EXISTS hc_kpi_daily_subject_idx
                ON hc_kpi_daily (kpi, day, company_id, flow_id, partner_id);
            CREATE INDEX IF NOT EXISTS hc_kpi_daily_flow_last_idx
                ON hc_kpi_daily (flow_id, last_at)
            """,
            [list(lib.GAUGES)],
        )

    @api.depends("count", "total", "kpi")
    def _compute_value(self):
        kpis = self.env["hc.kpi"]._hc_kpi_definitions()
        for row in self:
            value = lib.value_of(row.count, row.total)
            row.value = value or 0.0
            row.reading = lib.reading(row.kpi, row.count, row.total, kpis)

    @api.model
    def _observe(self, kpi, value, company, when, flow=None, partner=None):
        """Add one observation of ``kpi`` (1 or 0 for a rate, seconds for a
        duration) at ``when`` (UTC datetime).

        One INSERT of a row of its own: observations come from concurrent
        jobs (two messages of the same flow finishing at once), which an
        update of one row per day would make wait for each other and fail
        (``could not serialize access``) under Odoo's repeatable read;
        ``_compact`` adds them up later. E.g.::

            self.env["hc.kpi.daily"]._observe(
                "ack_latency", seconds, order.company_id, fields.Datetime.now(),
                flow=message.flow_id, partner=order.partner_id.commercial_partner_id)
        """
        # raw SQL: what every finished message pays (bench_reconciliation's
        # "one KPI observation"); the ORM's create costs several statements
        self.env.cr.execute(
            """
            INSERT INTO hc_kpi_daily (kpi, day, company_id, flow_id, partner_id,
                count, total, last_at, gauge, create_uid, create_date, write_uid,
                write_date)
            VALUES (%(kpi)s, %(day)s, %(company)s, %(flow)s, %(partner)s, 1,
                    %(value)s, %(when)s, false, %(uid)s, now() at time zone 'UTC',
                    %(uid)s, now() at time zone 'UTC')
            """,
            {
                "kpi": kpi,
                "day": when.date(),
                "company": company.id,
                "flow": flow.id if flow else None,
                "partner": partner.id if partner else None,
                "value": float(value),
                "when": when,
                "uid": self.env.uid,
            },
        )
        self.invalidate_model()

    @api.model
    def _compact(self):
        """Add up the observation rows of each subject and day into one row
        (the cron's job, every few minutes); returns how many rows it removed.

        Only one compaction runs at a time (an advisory lock; a second one
        returns 0 at once). Observations inserted meanwhile are not seen by
        its snapshot and stay for the next run: nothing waits, nothing is
        counted twice. E.g. before reading single rows in a test::

            self.env["hc.kpi.daily"]._compact()
        """
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock(hashtext('hc_kpi_daily_compact'))")
        if not cr.fetchone()[0]:
            return 0
        self.flush_model()
        # one set-based statement: reading the rows into Python and writing
        # them back would hold a day of observations in memory
        cr.execute(
            """
            WITH subject AS (
                SELECT kpi, day, company_id, coalesce(flow_id, 0) AS flow,
                       coalesce(partner_id, 0) AS partner
                  FROM hc_kpi_daily
                 WHERE gauge IS NOT true
                 GROUP BY 1, 2, 3, 4, 5
                HAVING count(*) > 1
            ), gone AS (
                DELETE FROM hc_kpi_daily k
                 USING subject s
                 WHERE k.gauge IS NOT true AND k.kpi = s.kpi AND k.day = s.day
                   AND k.company_id = s.company_id
                   AND coalesce(k.flow_id, 0) = s.flow
                   AND coalesce(k.partner_id, 0) = s.partner
             RETURNING k.*
            ), added AS (
                INSERT INTO hc_kpi_daily (kpi, day, company_id, flow_id, partner_id,
                    count, total, last_at, gauge, create_uid, create_date,
                    write_uid, write_date)
                SELECT kpi, day, company_id, flow_id, partner_id, sum(count),
                       sum(total), max(last_at), false, min(create_uid),
                       min(create_date), %(uid)s, now() at time zone 'UTC'
                  FROM gone
                 GROUP BY kpi, day, company_id, flow_id, partner_id
            )
            SELECT count(*) FROM gone
            """,
            {"uid": self.env.uid},
        )
        removed = cr.fetchone()[0]
        self.invalidate_model()
        return removed

    @api.model
    def _set_state(self, kpi, day, company, count, total, flow=None):
        """Set the day's state of a gauge KPI (``lib.GAUGES``): ``count``
        subjects, ``total`` of which hold (e.g. items watched and items under
        their cover). One INSERT ... ON CONFLICT, as ``_observe``. E.g.::

            self.env["hc.kpi.daily"]._set_state(
                "stockout_risk", today, company, watched, at_risk, flow=flow)
        """
        self.env.cr.execute(
            """
            INSERT INTO hc_kpi_daily AS k (kpi, day, company_id, flow_id, count,
                total, last_at, gauge, create_uid, create_date, write_uid,
                write_date)
            VALUES (%(kpi)s, %(day)s, %(company)s, %(flow)s, %(count)s, %(total)s,
                    now() at time zone 'UTC', true, %(uid)s,
                    now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
            ON CONFLICT (kpi, day, company_id, (coalesce(flow_id, 0)),
                         (coalesce(partner_id, 0))) WHERE gauge
            DO UPDATE SET count = EXCLUDED.count, total = EXCLUDED.total,
                          last_at = EXCLUDED.last_at, write_date = EXCLUDED.write_date
            """,
            {
                "kpi": kpi,
                "day": day,
                "company": company.id,
                "flow": flow.id if flow else None,
                "count": count,
                "total": float(total),
                "uid": self.env.uid,
            },
        )
        self.invalidate_model()

    @api.model
    def _last_observed(self, kpi, flows):
        """{flow id: when the flow's last observation of ``kpi`` was}."""
        return dict(
            self.sudo()._read_group(
                [("kpi", "=", kpi), ("flow_id", "in", flows.ids)],
                ["flow_id"],
                ["last_at:max"],
            )
        )

    @api.model
    def _sums(self, domain, groupby):
        """[(group values..., count, total)] of the rows of ``domain``."""
        return self.sudo()._read_group(domain, groupby, ["count:sum", "total:sum"])
