# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import namedtuple
from datetime import timedelta

import psycopg2
from psycopg2.extensions import AsIs

from odoo import _, api, fields, models

from odoo.addons.queue_job.exception import RetryableJobError

from ..lib import states as st
from .hc_backend_resilience import BREAKER_ATTEMPTS
from .hc_backend_secret import NEVER_WRITTEN
from .hc_payload import REQUEST

_logger = logging.getLogger(__name__)

LockedRun = namedtuple(
    "LockedRun",
    "stopped_runs flow_written backend_written secrets_written breaker_attempts "
    "began",
)
JOB_FIELDS = (
    "name",
    "state",
    "direction",
    "flow_id",
    "flow_type_id",
    "backend_id",
    "company_id",
    "job_uuid",
    "run_id",
    "attempt_count",
    "attempt_base",
    "started_at",
    "parent_relation",
    "idempotency_key",
    "correlation_id",
    "ordering_key",
    "trace_id",
    "traceparent",
    "content_type",
    "http_method",
    "endpoint",
    "file_name",
    # the record the message is for: told when the message changes (hc.live)
    "res_model",
    "res_id",
)


class HcMessageRuntime(models.AbstractModel):
    """A message's life in the runtime: its queue job, from queueing it to
    running one step of the message (its state changes:
    ``hc.message.states``). Inherited by ``hc.message``.
    """

    _name = "hc.message.runtime"
    _description = "Integration Message Runtime"

    # ------------------------------------------------------------------ queueing

    def _processing_user(self):
        # by id: env.ref() would check that the user exists, a query each time
        return self.env["res.users"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "healthcare_integration_core.user_integration_bot"
            )
        )

    def _enqueue(self, delay=None):
        """Queue one job per message; it runs after the current commit.

        The job carries its uuid on the message: a job whose uuid is no longer
        the message's (it was superseded by a newer one) does nothing.
        """
        specs = [message._job_spec(delay) for message in self]
        uuids = self.env["hc.job.store"]._store(specs)
        next_attempt_at = fields.Datetime.now() + timedelta(seconds=delay or 0)
        for message, job_uuid in zip(self, uuids, strict=True):
            message._runtime_write(
                {"job_uuid": job_uuid, "next_attempt_at": next_attempt_at}
            )

    def _job_spec(self, delay=None, flow=None, name=None, trace_id=None):
        """The queue job of this message: where and as whom it runs.

        Every job runs as the integration processor, in the flow's company,
        whoever sent or received the message: queue_job runs a job as the
        user it stores, without superuser rights, and the buyer whose order
        queued a message need not have any right on messages, flows or
        backends. A caller that has the flow, name and trace at hand passes
        them (a message just inserted is not read back for them).
        """
        self.ensure_one()
        settings = (flow or self.flow_id)._job_settings()
        company_id = settings.company_id
        runner = self.with_company(company_id).with_user(self._processing_user())
        return {
            "record": runner,
            "method": "_run_job",
            "channel": settings.channel or "root.hc",
            "priority": settings.priority or 10,
            "company_id": company_id,
            "delay": delay,
            "description": self._job_description(settings, name, trace_id),
        }

    def _job_description(self, settings, name=None, trace_id=None):
        return _("Integration %(name)s (%(flow)s) trace %(trace)s") % {
            "name": name or self.name,
            "flow": settings.name,
            "trace": trace_id or self.trace_id or "-",
        }

    def _lock(self):
        """Lock the message row for this job.

        None when another transaction holds it; else a ``LockedRun``: how many
        earlier runs of the job stopped unfinished, when the message's flow
        and backend were last written (see ``hc.job.settings``), and the
        fingerprint of the backend's secrets (``hc.backend.secret._kept``),
        the breaker's last attempts and the transaction's time (whether a
        setting read may be kept). The request payload is read in the same
        statement
        (``hc.payload._keep_ahead``).
        queue_job commits a job's start before running it and requeues a
        started job whose worker died with its retry count raised, so that
        count says whether a call may have been cut off
        (see ``_record_stopped_runs``).

        NO KEY UPDATE leaves attempts (whose foreign key takes a KEY SHARE
        lock) insertable from another transaction while the job runs.
        """
        # the write dates read must be this transaction's own, if it wrote
        self.env.flush_all()
        try:
            self.env.cr.execute(
                """
                SELECT COALESCE(j.retry, 0), f.write_date, b.write_date,
                       m.backend_id, s.count, COALESCE(s.written, %s),
                       p.body, p.sha256, br.ended, br.outcomes, br.classes,
                       now() AT TIME ZONE 'UTC'
                  FROM hc_message m
                  LEFT JOIN hc_message_payload p
                         ON p.message_id = m.id AND p.kind = %s
                  LEFT JOIN queue_job j ON j.uuid = %s
                  LEFT JOIN hc_flow f ON f.id = m.flow_id
                  LEFT JOIN hc_backend b ON b.id = m.backend_id
                  LEFT JOIN LATERAL (
                        SELECT count(*), max(write_date) AS written
                          FROM hc_backend_secret WHERE backend_id = m.backend_id
                  ) s ON true
                  LEFT JOIN LATERAL (%s) br ON true
                 WHERE m.id = %s
                   FOR NO KEY UPDATE OF m SKIP LOCKED
                """,
                (
                    NEVER_WRITTEN,
                    REQUEST,
                    self.env.context.get("job_uuid"),
                    AsIs(BREAKER_ATTEMPTS),
                    self.id,
                ),
                log_exceptions=False,
            )
        except psycopg2.errors.SerializationFailure as exc:
            # changed since this transaction began: run again with a new
            # snapshot, without counting a run that never got to the call
            raise RetryableJobError(str(exc), seconds=1, ignore_retry=True) from exc
        row = self.env.cr.fetchone()
        self.invalidate_recordset()
        if row is None:
            return None
        runs, flow_written, backend_written, backend_id, *secrets, body, sha = row[:8]
        secrets_written = (backend_id, *secrets) if backend_id else None
        ended, outcomes, classes, began = row[8:]
        breaker_attempts = (
            (backend_id, tuple(zip(ended, outcomes, classes, strict=True)))
            if ended
            else (backend_id, ())
        )
        # the payload, read with the lock (bench_throughput: a statement less
        # per job); the job's end forgets it if unused (_run_job)
        self.env["hc.payload"]._keep_ahead(
            self.id, REQUEST, None if body is None else (body, sha)
        )
        return LockedRun(
            runs,
            flow_written,
            backend_written,
            secrets_written,
            breaker_attempts,
            began,
        )

    def _record_stopped_runs(self, runs):
        """Record the calls that earlier runs of this job may have made.

        A run that stopped after its start was committed (its worker killed,
        its transaction rolled back) left no attempt: each becomes an
        "interrupted" attempt, counted like the others, since the partner may
        have received its call.
        """
        if runs and self.direction == "outbound":
            self.env["hc.message.attempt"]._record_interrupted(self, runs)

    def _run_job(self):
        """queue_job entry point: one step of one message."""
        self.ensure_one()
        locked = self._lock()
        if locked is None:
            if not self.exists():
                # deleted since it was queued: nothing left to do, and a retry
                # every second would never end
                return "nothing to do: message deleted"
            # the holder may be a transaction that is not this message's job
            # (a waker, a send): returning would leave the message without one
            raise RetryableJobError(
                "message locked by another transaction", seconds=1, ignore_retry=True
            )
        try:
            job = self.with_context(hc_job_settings=self._fetch_for_job(locked))
            if job._joinable():
                # with the messages received after it that joined its job
                result = job._run_batch(locked)
            else:
                result = job._run_locked(locked)
        finally:
            self.env["hc.payload"]._forget_ahead()
        return result

    def _run_locked(self, locked):
        """One step of this message, its row locked (``_lock``), its job's
        fields read and its settings in context (``_fetch_for_job``, or with
        others' in ``hc.message.batch``)."""
        current = self.env.context.get("job_uuid")
        if current and self.job_uuid and current != self.job_uuid:
            return "superseded by a newer job"
        if self.state not in st.PENDING:
            return f"nothing to do: message is {self.state}"
        self._record_stopped_runs(locked.stopped_runs)
        traced = self.with_context(
            hc_trace=self.traceparent,
            hc_secrets_written=locked.secrets_written,
            hc_breaker_attempts=locked.breaker_attempts,
        )
        if self.direction == "outbound":
            # the processor may read all a delivery reads, once past the check
            # above: in sudo, no access rule is evaluated on each of its reads
            result = traced.env["hc.delivery"]._deliver(traced.sudo())
        else:
            result = traced.env["hc.inbound"]._process(traced)
        _logger.info("%s: %s [trace %s]", self.name, result, self.trace_id or "-")
        return result

    def _fetch_for_job(self, locked):
        """Read what a job reads of the message; the settings of its flow
        and its backend, for the job's context (``hc_job_settings``).

        Reading a field reads every stored field of its record, seventy of a
        message; a job uses a few. Fields left out of the list are still read
        when used, so the list only decides how much a job reads up front.
        The flow's and backend's settings are the worker's copy while their
        rows are unchanged (``hc.job.settings``).
        """
        self.fetch(self._hc_job_fields())
        message = self.sudo()
        kept = self.env["hc.job.settings"]
        return tuple(
            kept._kept(record, written, locked.began)
            for record, written in (
                (message.flow_id, locked.flow_written),
                (message.backend_id, locked.backend_written),
            )
            if record
        )

    @api.model
    def _hc_job_fields(self):
        """Fields of a message that its job reads up front, in one query.

        Extend it with a field that a handler reads on every message::

            @api.model
            def _hc_job_fields(self):
                return super()._hc_job_fields() + ["x_ward_code"]
        """
        return list(JOB_FIELDS)
