# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib import states as st

_logger = logging.getLogger(__name__)

RETENTION_BATCH = 1000
STALE_RUNNING = timedelta(minutes=15)
LOST_JOB_GRACE = timedelta(minutes=5)
ALIVE_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


class HcMaintenance(models.AbstractModel):
    """The runtime's scheduled upkeep: recovery of stuck work, and retention.

    Both report progress to the scheduler (``ir.cron._notify_progress``), which
    commits after each batch and runs them again while work remains.
    """

    _name = "hc.maintenance"
    _description = "Integration Maintenance"

    # ------------------------------------------------------------------ recovery

    @api.model
    def _cron_recover(self):
        """Requeue what was left behind by lost jobs or dead workers."""
        recovered = self._recover_stuck_running()
        recovered |= self._recover_lost_jobs()
        recovered |= self.env["hc.ordering"]._release_stalled()
        self._recover_runs()
        # audit entries whose writer stopped before chaining them
        self.env["hc.audit.log"]._chain_pending()
        self.env["ir.cron"]._notify_progress(done=len(recovered), remaining=0)
        return recovered

    @api.model
    def _recover_stuck_running(self):
        messages = self.env["hc.message"]
        stuck = messages.search(
            [
                ("state", "=", st.RUNNING),
                ("write_date", "<", fields.Datetime.now() - STALE_RUNNING),
            ]
        )
        stuck.sudo().write({"state": st.RETRYING, "waiting_reason": _("recovered")})
        stuck._enqueue()
        return stuck

    @api.model
    def _recover_lost_jobs(self):
        """Pending messages whose job no longer exists or has ended."""
        self.env.flush_all()
        # one anti-join in PostgreSQL: a backlog of queued messages (100,000
        # in bench_throughput's runs) is never read into Python to find them
        self.env.cr.execute(
            """
            SELECT m.id FROM hc_message m
              LEFT JOIN queue_job j ON j.uuid = m.job_uuid
             WHERE m.state IN %s AND m.job_uuid IS NOT NULL
               AND m.next_attempt_at < %s
               AND (j.id IS NULL OR j.state NOT IN %s)
            """,
            (st.WAITING, fields.Datetime.now() - LOST_JOB_GRACE, ALIVE_JOB_STATES),
        )
        lost = self.env["hc.message"].browse([row[0] for row in self.env.cr.fetchall()])
        lost._enqueue()
        return lost

    @api.model
    def _recover_runs(self):
        """Resume pulls whose job was lost; close runs whose pages are all final."""
        runs = self.env["hc.sync.run"].search(
            [
                ("state", "=", st.RUNNING),
                ("write_date", "<", fields.Datetime.now() - STALE_RUNNING),
            ]
        )
        for run in runs:
            if run.pull_finished:
                run._progress()
            else:
                run._enqueue_pull()
        return runs

    # ------------------------------------------------------------------ retention

    @api.model
    def _cron_retention(self, batch_size=RETENTION_BATCH):
        """Purge payloads, then whole messages, past each flow's retention.

        Each call handles one batch and tells the scheduler how much remains;
        the scheduler commits and calls again until the backlog is drained.
        """
        purged = self._purge_payloads(batch_size)
        deleted = self._delete_messages(batch_size)
        remaining = self._retention_backlog()
        if purged or deleted:
            self.env["hc.audit.log"]._log(
                "retention",
                None,
                {"payloads_purged": purged, "messages_deleted": deleted},
            )
        self.env["ir.cron"]._notify_progress(done=purged + deleted, remaining=remaining)
        return purged, deleted

    @api.model
    def _expired(self, days_field, unpurged_only=False, limit=None):
        """Ids of final messages older than their flow's ``days_field`` days."""
        self.env.flush_all()
        # the age is compared with each message's own flow's retention, which
        # a domain cannot express; the ids only, a batch at a time
        query = SQL(
            """
            SELECT m.id FROM hc_message m JOIN hc_flow f ON f.id = m.flow_id
             WHERE %(days)s > 0 AND m.state IN %(states)s
               AND m.create_date < (now() at time zone 'utc')
                                   - make_interval(days => %(days)s)
               %(unpurged)s
             ORDER BY m.id
             %(limit)s
            """,
            days=SQL.identifier("f", days_field),
            states=st.FINAL,
            unpurged=SQL("AND NOT coalesce(m.payload_purged, false)")
            if unpurged_only
            else SQL(),
            limit=SQL("LIMIT %s", limit) if limit else SQL(),
        )
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _purge_payloads(self, limit):
        ids = self._expired("payload_retention_days", unpurged_only=True, limit=limit)
        if not ids:
            return 0
        self.env["hc.payload"]._purge(ids)
        # not a change of the messages (no tracking, no audit entry each, no
        # write hooks): the purge is audited once for the batch by the caller
        self.env.cr.execute(
            """
            UPDATE hc_message SET payload_purged = true, request_headers = NULL
             WHERE id = ANY(%s)
            """,
            (ids,),
        )
        self.env["hc.message"].invalidate_model(["payload_purged", "request_headers"])
        return len(ids)

    @api.model
    def _delete_messages(self, limit):
        ids = self._expired("metadata_retention_days", limit=limit)
        messages = self.env["hc.message"].browse(ids)
        # children point at their parent: let them go with it (as the purge
        # above, not a change of those messages, so no write hooks)
        self.env.cr.execute(
            "UPDATE hc_message SET parent_id = NULL, superseded_by_id = NULL, "
            "held_by_id = NULL WHERE parent_id = ANY(%s) OR superseded_by_id = ANY(%s) "
            "OR held_by_id = ANY(%s)",
            (ids, ids, ids),
        )
        messages.sudo().unlink()
        return len(ids)

    @api.model
    def _retention_backlog(self):
        payloads = self._expired("payload_retention_days", unpurged_only=True, limit=1)
        messages = self._expired("metadata_retention_days", limit=1)
        # the exact size does not matter to the scheduler, only that work remains
        return int(bool(payloads or messages))
