# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.queue_job.exception import RetryableJobError

from ..lib import states as st
from .hc_payload import REQUEST

_logger = logging.getLogger(__name__)


class HcMessageRuntime(models.AbstractModel):
    """A message's life in the runtime: its queue job and its state changes.

    Every state change of a message goes through these methods, so that what
    follows a change (releasing the next message of an ordering key, the
    progress of a sync run, the redaction of a delivered payload) happens in
    one place. Inherited by ``hc.message``.
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
            message.sudo().write(
                {"job_uuid": job_uuid, "next_attempt_at": next_attempt_at}
            )

    def _job_spec(self, delay=None):
        """The queue job of this message: where and as whom it runs.

        Every job runs as the integration processor, whoever sent or received
        the message: queue_job runs a job as the user it stores, without
        superuser rights, and the buyer whose order queued a message need not
        have any right on messages, flows or backends.
        """
        self.ensure_one()
        flow = self.flow_id
        runner = self.with_company(self.company_id).with_user(self._processing_user())
        return {
            "record": runner,
            "method": "_run_job",
            "channel": flow.channel or "root.hc",
            "priority": flow.priority or 10,
            "company_id": self.company_id.id,
            "delay": delay,
            "description": self._job_description(flow),
        }

    def _job_description(self, flow, name=None, trace_id=None):
        return _("Integration %(name)s (%(flow)s) trace %(trace)s") % {
            "name": name or self.name,
            "flow": flow.display_name,
            "trace": trace_id or self.trace_id or "-",
        }

    def _lock(self):
        """Lock the message row; False when another job already holds it.

        NO KEY UPDATE leaves attempts (whose foreign key takes a KEY SHARE
        lock) insertable from another transaction while the job runs.
        """
        self.env.cr.execute(
            "SELECT id FROM hc_message WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
            (self.id,),
        )
        locked = bool(self.env.cr.fetchone())
        self.invalidate_recordset()
        return locked

    def _run_job(self):
        """queue_job entry point: one step of one message."""
        self.ensure_one()
        if not self._lock():
            # the holder may be a transaction that is not this message's job
            # (a waker, a send): returning would leave the message without one
            raise RetryableJobError(
                "message locked by another transaction", seconds=1, ignore_retry=True
            )
        current = self.env.context.get("job_uuid")
        if current and self.job_uuid and current != self.job_uuid:
            return "superseded by a newer job"
        if self.state not in st.PENDING:
            return f"nothing to do: message is {self.state}"
        traced = self.with_context(hc_trace=self.traceparent)
        if self.direction == "outbound":
            # the processor may read all a delivery reads, once past the check
            # above: in sudo, no access rule is evaluated on each of its reads
            result = traced.env["hc.delivery"]._deliver(traced.sudo())
        else:
            result = traced.env["hc.inbound"]._process(traced)
        _logger.info("%s: %s [trace %s]", self.name, result, self.trace_id or "-")
        return result

    # ------------------------------------------------------------------ states

    def _wait(self, reason, held_by=None):
        """Leave the message pending without a job; a wake-up requeues it."""
        self.sudo().write(
            {
                "waiting_reason": reason,
                "job_uuid": False,
                "held_by_id": held_by.id if held_by else False,
            }
        )
        return f"waiting: {reason}"

    def _defer(self, seconds, reason, held_by=None):
        """Try again later without spending an attempt."""
        self.sudo().write(
            {"waiting_reason": reason, "held_by_id": held_by.id if held_by else False}
        )
        self._enqueue(delay=max(1, seconds))
        return f"deferred {seconds:.0f}s: {reason}"

    @api.model
    def _wake_waiting(self, domain):
        waiting = self.search(
            [*domain, ("state", "in", st.WAITING), ("job_uuid", "=", False)]
        )
        waiting._enqueue()
        return waiting

    def _finish(self, state, **vals):
        now = fields.Datetime.now()
        started = vals.get("started_at") or self.started_at or self.create_date
        vals.update(
            state=state,
            done_at=now,
            waiting_reason=False,
            next_attempt_at=False,
            held_by_id=False,
            duration_ms=int((now - started).total_seconds() * 1000) if started else 0,
        )
        self.sudo().write(vals)
        # a dead or cancelled message may be replayed: it keeps its payload whole
        if (
            self.direction == "outbound"
            and state in (st.DONE, st.DUPLICATE)
            and self.flow_id.has_redaction
        ):
            self._store_payload(REQUEST, self.flow_id._redact(self._body()))
        if state == st.DONE and self.parent_relation == "replay":
            self.parent_id.sudo().superseded_by_id = self
        self.env["hc.ordering"]._release_after(self)
        if self.run_id:
            self.run_id._chunk_finished(self)

    def _attempts_left(self):
        return (self.flow_id.max_attempts or 1) - (
            self.attempt_count - self.attempt_base
        )

    def _fail(self, error_class, error_text, **vals):
        self._finish(st.DEAD, error_class=error_class, error_text=error_text, **vals)
