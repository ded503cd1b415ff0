# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import uuid

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import states as st

_logger = logging.getLogger(__name__)

COUNT_KEYS = ("created", "updated", "skipped", "failed")


class HcSyncRun(models.Model):
    """One batch run of a flow: a pull from its watermark, or a push of pages.

    Each page is a message of the run (an inbound chunk processed by the
    handler's ``process_items``, or an outbound page delivered like any
    message). The flow's watermark advances past the pages done in order,
    never past a failed one; the run sums up once every page is final.
    Pulling pages lives in ``hc.sync.run.pull``, what its form shows and
    does in ``hc.sync.run.actions``.
    """

    _name = "hc.sync.run"
    _inherit = ["hc.sync.run.pull", "hc.sync.run.actions"]
    _description = "Integration Sync Run"
    _order = "id desc"

    name = fields.Char(readonly=True, default="/", copy=False)
    flow_id = fields.Many2one(
        "hc.flow", required=True, index=True, ondelete="cascade", readonly=True
    )
    backend_id = fields.Many2one(related="flow_id.backend_id", store=True)
    company_id = fields.Many2one(related="flow_id.company_id", store=True, index=True)
    direction = fields.Selection(related="flow_id.direction", store=True)
    kind = fields.Selection([("pull", "Pull"), ("push", "Push")], readonly=True)
    origin = fields.Selection(
        [("schedule", "Schedule"), ("manual", "Manual")],
        default="manual",
        readonly=True,
    )
    state = fields.Selection(
        st.RUN_STATES, default=st.RUNNING, index=True, readonly=True
    )
    idempotency_key = fields.Char(readonly=True, index=True, copy=False)
    correlation_id = fields.Char(readonly=True, default=lambda self: str(uuid.uuid4()))
    started_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    ended_at = fields.Datetime(readonly=True)
    watermark_from = fields.Char(readonly=True)
    watermark_to = fields.Char(readonly=True)
    cursor = fields.Char(readonly=True, help="Where the pull goes on from.")
    pull_finished = fields.Boolean(readonly=True)
    page_count = fields.Integer(readonly=True)
    pages_done = fields.Integer(
        readonly=True, help="Pages done in order: the watermark is past them."
    )
    count_created = fields.Integer(readonly=True)
    count_updated = fields.Integer(readonly=True)
    count_skipped = fields.Integer(readonly=True)
    count_failed = fields.Integer(readonly=True)
    error_text = fields.Text(readonly=True)
    message_ids = fields.One2many("hc.message", "run_id", string="Pages", readonly=True)
    issue_ids = fields.One2many("hc.sync.issue", "run_id", readonly=True)
    issue_count = fields.Integer(compute="_compute_issue_count")

    def _compute_issue_count(self):
        counts = dict(
            self.env["hc.sync.issue"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count"]
            )
        )
        for run in self:
            run.issue_count = counts.get(run, 0)

    def init(self):
        # Two pulls of one flow at once (the schedule firing while the last
        # run still works, "Run now" clicked meanwhile, on this node or on
        # another) would fetch the same pages from the same watermark.
        self._create_unique_index(
            "hc_sync_run_one_running_pull",
            "(flow_id) WHERE state = 'running' AND kind = 'pull'",
        )
        # A keyed push (a month-end period) is started once, even by two
        # workers at the same moment.
        self._create_unique_index(
            "hc_sync_run_flow_key_uniq",
            "(flow_id, idempotency_key) WHERE idempotency_key IS NOT NULL",
        )

    def _create_unique_index(self, name, definition):
        """Create a unique index; runs recorded before it that break it leave
        the update going, with a warning naming it."""
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "CREATE UNIQUE INDEX IF NOT EXISTS %s ON hc_sync_run %s",
                        SQL.identifier(name),
                        SQL(definition),
                    )
                )
        except pg_errors.UniqueViolation:
            _logger.warning(
                "index %s not created: sync runs break it (close the duplicate "
                "running runs, then update the module)",
                name,
            )

    @api.model_create_multi
    def create(self, vals_list):
        runs = super().create(vals_list)
        for run in runs:
            run.name = f"HCR/{run.id:07d}"
        return runs

    # ------------------------------------------------------------------ starting

    @api.model
    def _cron_run(self, flow_id):
        """Entry point of a flow's scheduled action (run by the processor).

        A run that cannot start is recorded as a failed run on the flow, so
        that a broken schedule is seen, not only logged.
        """
        flow = self.env["hc.flow"].browse(flow_id).exists()
        if not flow:
            _logger.warning("scheduled run of a deleted flow %s skipped", flow_id)
            return self.browse()
        try:
            with self.env.cr.savepoint():
                return flow.with_context(hc_run_origin="schedule")._run_batch()
        except Exception as exc:
            _logger.exception("scheduled run of flow %s failed", flow.display_name)
            return self.sudo().create(
                {
                    "flow_id": flow.id,
                    "kind": "pull" if flow.direction == "inbound" else "push",
                    "origin": "schedule",
                    "state": st.DEAD,
                    "ended_at": fields.Datetime.now(),
                    "error_text": _("The run could not start: %s", exc),
                }
            )

    @api.model
    def _start_pull(self, flow):
        """A new pull run of ``flow``, unless one is running already.

        A scheduled run skips (no run returned); a run asked for by hand is
        refused with the name of the one at work.
        """
        running = self._running_pull(flow)
        if running:
            return self._overlapping(flow, _("%s is still running", running.name))
        try:
            with self.env.cr.savepoint():
                run = self.sudo().create(
                    {
                        "flow_id": flow.id,
                        "kind": "pull",
                        "origin": self.env.context.get("hc_run_origin", "manual"),
                        "watermark_from": flow.watermark or "",
                    }
                )
        except pg_errors.UniqueViolation:
            # another worker (or node) started one after our snapshot was taken
            return self._overlapping(flow, _("another pull started at the same time"))
        run._enqueue_pull()
        return run

    @api.model
    def _running_pull(self, flow):
        # every run of the flow counts, whoever may read it
        return self.sudo().search(
            [
                ("flow_id", "=", flow.id),
                ("kind", "=", "pull"),
                ("state", "=", st.RUNNING),
            ],
            limit=1,
        )

    @api.model
    def _keyed_run(self, flow, key):
        return self.search(
            [("flow_id", "=", flow.id), ("idempotency_key", "=", key)], limit=1
        )

    @api.model
    def _overlapping(self, flow, reason):
        """No new run of ``flow``: skipped when scheduled, refused when asked."""
        if self.env.context.get("hc_run_origin") == "schedule":
            _logger.info(
                "flow %s: %s; scheduled run skipped", flow.display_name, reason
            )
            return self.browse()
        raise UserError(
            _(
                "A run of %(flow)s cannot start: %(reason)s.",
                flow=flow.display_name,
                reason=reason,
            )
        )

    @api.model
    def _start_push(self, flow, pages, key=None):
        """A run whose pages are outbound messages; ``key`` makes it once-only."""
        if key:
            existing = self._keyed_run(flow, key)
            if existing:
                return existing
        try:
            with self.env.cr.savepoint():
                run = self.sudo().create(
                    {
                        "flow_id": flow.id,
                        "kind": "push",
                        "origin": self.env.context.get("hc_run_origin", "manual"),
                        "idempotency_key": key,
                        "watermark_from": flow.watermark or "",
                        "pull_finished": True,
                    }
                )
        except pg_errors.UniqueViolation:
            return self._overlapping(
                flow, _("the push %s was started at the same time", key)
            )
        count = 0
        for sequence, (payload, watermark_to) in enumerate(pages, start=1):
            flow._send(
                payload,
                idempotency_key=f"{key or run.name}/{sequence}",
                correlation_id=run.correlation_id,
            ).sudo().write(
                {
                    "run_id": run.id,
                    "run_sequence": sequence,
                    "run_watermark": watermark_to or "",
                }
            )
            count = sequence
        run.page_count = count
        run._progress()
        return run

    # ------------------------------------------------------------------ progress

    def _record_chunk(self, chunk, counts):
        """Keep a processed page's counts and issues; values for the chunk."""
        self.ensure_one()
        issues = counts.get("issues") or []
        if issues:
            self.env["hc.sync.issue"]._record(self, chunk, issues)
        totals = {key: int(counts.get(key) or 0) for key in COUNT_KEYS}
        summary = ", ".join(f"{value} {key}" for key, value in totals.items() if value)
        return {"result_summary": summary or False, "result_counts": totals}

    def _chunk_finished(self, chunk):
        """A page became final: queue (once) the run's progress."""
        self.ensure_one()
        # after the run's queued pages: one progress job then serves them all
        # (the identity key keeps a single one pending), not one per page
        self.sudo().with_delay(
            channel="root.hc_batch",
            priority=(self.flow_id.priority or 10) + 10,
            identity_key=f"hc-sync-run-progress-{self.id}",
            description=_("Integration run progress %s", self.name),
        )._progress()

    def _progress(self):
        """Advance the watermark past pages done in order; close a finished run."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM hc_sync_run WHERE id = %s FOR NO KEY UPDATE", (self.id,)
        )
        self.invalidate_recordset()
        if self.state != st.RUNNING:
            return "closed"
        pages = self._page_states()
        done_before = done = self.pages_done
        watermark = None
        while done + 1 in pages and pages[done + 1][0]:
            done += 1
            watermark = pages[done][1] or watermark
        if done != self.pages_done:
            self.sudo().pages_done = done
        if watermark:
            self.flow_id._advance_watermark(watermark)
        # pages holds the pages after those done in order before this call
        if not self.pull_finished or len(pages) < self.page_count - done_before:
            return "running"
        if any(not final for _done, _wm, final in pages.values()):
            return "running"
        self._close_totals(pages)
        return self.state

    def _page_states(self):
        """{sequence: (done, watermark, final)} of the pages not yet done in order."""
        self.env["hc.message"].flush_model()
        self.env.cr.execute(
            """
            SELECT run_sequence,
                   bool_or(state = 'done'),
                   max(run_watermark) FILTER (WHERE state = 'done'),
                   bool_or(state IN %s) OR bool_or(superseded_by_id IS NOT NULL)
              FROM hc_message
             WHERE run_id = %s AND run_sequence > %s
             GROUP BY run_sequence
            """,
            (st.FINAL, self.id, self.pages_done),
        )
        return {
            seq: (done, wm, final) for seq, done, wm, final in self.env.cr.fetchall()
        }

    def _close_totals(self, pages):
        self.env.cr.execute(
            """
            SELECT coalesce(sum((result_counts->>'created')::int), 0),
                   coalesce(sum((result_counts->>'updated')::int), 0),
                   coalesce(sum((result_counts->>'skipped')::int), 0),
                   coalesce(sum((result_counts->>'failed')::int), 0),
                   count(*) FILTER (WHERE state = 'done')
              FROM hc_message WHERE run_id = %s AND superseded_by_id IS NULL
            """,
            (self.id,),
        )
        created, updated, skipped, failed, delivered = self.env.cr.fetchone()
        failed_pages = self.page_count - self._pages_with_a_done_message()
        if self.direction == "outbound":
            created += delivered
        totals = {
            "count_created": created,
            "count_updated": updated,
            "count_skipped": skipped,
            "count_failed": failed + failed_pages,
            "watermark_to": self.flow_id.watermark,
        }
        self.sudo().write(totals)
        if failed_pages or self.error_text:
            self._close(
                st.DEAD, self.error_text or _("%s page(s) failed", failed_pages)
            )
        else:
            self._close(st.DONE)

    def _pages_with_a_done_message(self):
        self.env.cr.execute(
            "SELECT count(DISTINCT run_sequence) FROM hc_message "
            "WHERE run_id = %s AND state = 'done'",
            (self.id,),
        )
        return self.env.cr.fetchone()[0]

    def _close(self, state, error_text=None):
        vals = {"state": state, "ended_at": fields.Datetime.now(), "cursor": False}
        if error_text:
            vals["error_text"] = error_text
        self.sudo().write(vals)
