# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

# a day of its own, far in the past: the committed rows of this test are its
DAY = date(2001, 2, 3)
WHEN = datetime(2001, 2, 3, 10, 0)


@tagged("post_install", "-at_install")
class TestKpiObservationsOfConcurrentJobs(TransactionCase):
    """Messages of one flow finishing at once, in two jobs (two cursors that
    commit): each observation counts, neither waits for the other, and the
    compaction adds them up later without touching newer observations."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self._remove_rows)

    def _remove_rows(self):
        with self.env.registry.cursor() as cr:
            cr.execute("DELETE FROM hc_kpi_daily WHERE day = %s", [DAY])

    def _kpis(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        # a job that gives up after 2 s instead of waiting for the other one
        cr.execute("SET LOCAL lock_timeout = '2s'")
        return env["hc.kpi.daily"], env["res.company"].browse(self.env.company.id)

    def _day_rows(self):
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT count, total FROM hc_kpi_daily WHERE day = %s ORDER BY id",
                [DAY],
            )
            return cr.fetchall()

    def test_two_jobs_observe_the_same_subject_at_once(self):
        with (
            self.env.registry.cursor() as first,
            self.env.registry.cursor() as second,
        ):
            kpis_a, company_a = self._kpis(first)
            kpis_b, company_b = self._kpis(second)
            kpis_a._observe("exception_rate", 1, company_a, WHEN)
            # before the first job commits: no wait, no serialization failure
            kpis_b._observe("exception_rate", 0, company_b, WHEN)
            second.commit()
            first.commit()
        self.assertEqual(sorted(self._day_rows()), [(1, 0.0), (1, 1.0)])
        with self.env.registry.cursor() as cr:
            kpis, _company = self._kpis(cr)
            self.assertEqual(kpis._compact(), 2)
        self.assertEqual(self._day_rows(), [(2, 1.0)])

    def test_an_observation_during_a_compaction_is_kept(self):
        with self.env.registry.cursor() as cr:
            kpis, company = self._kpis(cr)
            for value in (1, 1, 0):
                kpis._observe("exception_rate", value, company, WHEN)
        with (
            self.env.registry.cursor() as job,
            self.env.registry.cursor() as cron,
        ):
            kpis_job, company_job = self._kpis(job)
            kpis_cron, _company = self._kpis(cron)
            kpis_job._observe("exception_rate", 1, company_job, WHEN)
            self.assertEqual(kpis_cron._compact(), 3)
            # a second compaction at the same time does nothing, at once
            with self.env.registry.cursor() as other:
                self.assertEqual(self._kpis(other)[0]._compact(), 0)
            cron.commit()
            job.commit()
        self.assertEqual(sorted(self._day_rows()), [(1, 1.0), (3, 2.0)])
