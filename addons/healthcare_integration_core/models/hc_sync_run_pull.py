# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

import requests

from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import filetransport, retry, schema
from ..lib import states as st
from .hc_inbound_store import JOB_UUID, MESSAGE_AND_PAYLOAD

# a page's chunk message with its payload (MESSAGE_AND_PAYLOAD), and the
# run's page count, in one statement
STORE_PAGE = """
    WITH new AS (SELECT nextval('hc_message_id_seq') AS id),
    {message_and_payload},
    counted AS (
        UPDATE hc_sync_run SET page_count = %(run_sequence)s,
               write_uid = %(uid)s, write_date = %(now)s
         WHERE id = %(run_id)s AND EXISTS (SELECT FROM message)
    )
    SELECT id FROM message
"""
PAGES_PER_JOB = 50  # pages only recorded (or checked as they are stored)
APPLIED_PAGES_PER_JOB = 10  # pages processed in the pull's job
# first key of the transaction-level advisory lock a pull job holds on its run
PULL_LOCK_CLASS = 0x48435055  # "HCPU"


class HcSyncRunPull(models.AbstractModel):
    """The pulling of a sync run: pages fetched from the flow's handler (or
    files listed on a file backend), one chunk message per page.

    Inherited by ``hc.sync.run``.
    """

    _name = "hc.sync.run.pull"
    _description = "Integration Sync Run: Pulling"

    def _enqueue_pull(self):
        self.ensure_one()
        flow = self.flow_id
        self.with_user(self.env["hc.message"]._processing_user()).with_company(
            self.company_id
        ).with_delay(
            channel=flow.channel or "root.hc_batch",
            priority=flow.priority or 10,
            # the recovery of a run whose job seems lost adds none while one
            # is pending (the running job queues its successor freely)
            identity_key=f"hc-sync-run-pull-{self.id}",
            description=_("Integration pull %(name)s (%(flow)s)")
            % {"name": self.name, "flow": flow.display_name},
        )._pull()

    def _lock_pulling(self):
        """Whether this transaction may pull the run: False while another pull
        job of it works (e.g. one queued by the recovery of a run whose job was
        only slow), which would fetch the same pages again. The lock lasts
        until the job's transaction ends."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", (PULL_LOCK_CLASS, self.id)
        )
        return self.env.cr.fetchone()[0]

    def _pull(self):
        """queue_job entry point: fetch pages, one chunk message per page,
        each processed as it comes.

        A job takes at most APPLIED_PAGES_PER_JOB pages (PAGES_PER_JOB when
        they are only recorded), then queues the next job from the cursor it
        reached: each transaction stays small and a crash resumes from the
        last committed page.
        """
        self.ensure_one()
        if not self._lock_pulling():
            return "another job is pulling this run"
        if self.state != st.RUNNING or self.pull_finished:
            return "nothing to do"
        flow = self.flow_id
        if flow._is_paused():
            self._close(st.DEAD, _("flow or backend paused during the pull"))
            return "paused"
        if self.backend_id._is_file_transport():
            return self._pull_files()
        # the backend's secrets (its token) from the worker's copy on every
        # page while they are unchanged (bench_throughput's batch pulls: three
        # reads of them a page otherwise)
        secrets = self.env["hc.backend.secret"]._fingerprint(self.backend_id)
        return self.with_context(hc_secrets_written=secrets)._pull_pages()

    def _pull_pages(self):
        """The pages of a ``_pull``, as many as one job takes."""
        flow = self.flow_id
        handler = flow._handler()
        record_only = self._records_only(handler)
        per_job = PAGES_PER_JOB if record_only else APPLIED_PAGES_PER_JOB
        page_message = self._page_message()
        cursor, fetched, sequence = self.cursor or None, 0, self.page_count
        while fetched < per_job:
            try:
                page = handler.fetch_page(self, cursor)
            except (
                requests.RequestException,
                schema.PayloadValidationError,
                UserError,
            ) as exc:
                return self._page_failed(exc)
            sequence += 1
            counts = (
                self._checked_page(handler, page, page_message) if record_only else None
            )
            if record_only and counts is None:
                # a check that failed: the page is processed as its own message
                per_job = APPLIED_PAGES_PER_JOB
            chunk = self._create_chunk(page, sequence=sequence, counts=counts)
            if counts is None:
                # processed here as its own job would (in a savepoint, its
                # outcome on its message): a queue job per page would cost
                # more than most pages' processing
                chunk._run_job()
            fetched += 1
            cursor = page.next_cursor
            if not cursor:
                self.sudo().write({"pull_finished": True, "cursor": False})
                self._progress()
                return f"{self.page_count} pages"
        self.sudo().cursor = cursor
        self._progress()
        self._enqueue_pull()
        return f"{fetched} pages, more to come"

    def _records_only(self, handler):
        """Whether the flow's pages are only recorded, or checked as they are
        stored: a handler that neither decodes nor applies items (or only
        checks them, ``_hc_page_check_only``) leaves nothing for a job per
        page to do."""
        return (
            self.flow_id.payload_format == "json"
            and not handler._hc_overrides("decode")
            and (
                handler._hc_page_check_only
                or not handler._hc_overrides("process_items")
            )
        )

    def _page_message(self):
        """The message a page's check is given: its backend and flow, not
        stored (the page is stored with the check's outcome)."""
        return self.env["hc.message"].new(
            {"backend_id": self.backend_id.id, "flow_id": self.flow_id.id}
        )

    def _checked_page(self, handler, page, page_message):
        """The counts of a page checked as it is stored (see
        ``_records_only``), or None: a page to process as its own message,
        as when its check fails (the message then fails with the reason, as
        every processed message does)."""
        try:
            return handler.process_items(page_message, page.items) or {}
        except (UserError, ValidationError):
            return None

    def _pull_files(self):
        """A pull from a file backend: each new file is one inbound message."""
        try:
            stored, duplicates = self.backend_id._file_pull(self)
        except filetransport.FileTransportError as exc:
            self._close(st.DEAD, _("Listing the files failed: %s", exc.reason))
            return exc.reason
        self.sudo().write(
            {
                "pull_finished": True,
                "count_created": stored,
                "count_skipped": duplicates,
            }
        )
        self._close(st.DONE)
        return f"{stored} file(s) stored, {duplicates} already stored"

    def _get_json(self, path):
        """GET ``path`` on the run's backend and decode the JSON answer."""
        result = self.backend_id._transport_send(
            "GET",
            path,
            None,
            {
                "Accept": "application/json",
                "X-Correlation-ID": self.correlation_id or "",
            },
        )
        outcome = retry.classify_status(result.status, result.headers)
        if not outcome.ok:
            raise UserError(outcome.reason)
        return schema.load_json(result.body)

    def _page_failed(self, exc):
        if isinstance(exc, requests.RequestException):
            reason = retry.classify_exception(exc).reason
        elif isinstance(exc, schema.PayloadValidationError):
            reason = "; ".join(exc.errors)
        else:
            reason = str(exc)
        text = _("Page %(n)s: %(reason)s", n=self.page_count + 1, reason=reason)
        self.sudo().write({"pull_finished": True, "error_text": text})
        self._progress()
        return text

    def _create_chunk(self, page, recording_handler=None, sequence=None, counts=None):
        """The page's chunk message, to be processed; or, given the handler of
        a flow that only records pages (or the ``counts`` of its check), done
        at once. ``sequence``: the page's number, when the caller counts them
        (default: the next one)."""
        sequence = sequence or self.page_count + 1
        body = json.dumps(page.items, ensure_ascii=False).encode()
        messages = self.env["hc.message"]
        values = messages._base_vals(
            self.flow_id,
            run_id=self.id,
            run_sequence=sequence,
            run_watermark=page.watermark or "",
            correlation_id=self.correlation_id,
            idempotency_key=f"{self.name}/{sequence}",
            payload_size=len(body),
            state=st.QUEUED,
            http_method="GET",
        )
        if recording_handler is not None and counts is None:
            counts = recording_handler.process_items(messages, page.items)
        if counts is not None:
            values.update(
                self._record_chunk(messages, counts),
                state=st.DONE,
                done_at=fields.Datetime.now(),
                duration_ms=0,
            )
        return self._store_chunk(values, body)

    def _store_chunk(self, values, body):
        """Insert the chunk message, its payload and the run's page count in
        one statement (bench_throughput's batch pulls: the ORM took five
        statements per page, its create, payload, name and the run's write);
        the chunk."""
        params = self.env["hc.inbound"]._message_params(self.flow_id, values, body)
        params["run_id"] = self.id
        self.env.cr.execute(
            STORE_PAGE.format(
                message_and_payload=MESSAGE_AND_PAYLOAD.format(job_uuid=JOB_UUID)
            ),
            params,
        )
        row = self.env.cr.fetchone()
        if not row:
            raise UserError(
                _(
                    "Page %(n)s of run %(run)s is stored already.",
                    n=values["run_sequence"],
                    run=self.name,
                )
            )
        self.invalidate_recordset(["page_count"])
        return self.env["hc.message"].browse(row[0])
