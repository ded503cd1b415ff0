# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib import retry
from ..lib import states as st
from .hc_payload import REQUEST


class HcMessageStates(models.AbstractModel):
    """A message's state changes, and the writes of its runtime columns.

    Every state change of a message goes through these methods, so that what
    follows a change (releasing the next message of an ordering key, the
    progress of a sync run, the redaction of a delivered payload) happens in
    one place. Inherited by ``hc.message``.
    """

    _name = "hc.message.states"
    _description = "Integration Message States"

    # ------------------------------------------------------------------ writes

    def _runtime_write(self, vals):
        """Write runtime columns of messages: in sudo, and without chatter
        tracking (no message field is tracked; looking costs every write)."""
        return self._runtime_writer().write(vals)

    def _runtime_update_sql(self, vals):
        """``_runtime_write(vals)`` of this message as an ``SQL`` statement
        that another statement takes in a CTE (``hc.message.attempt._record``:
        a delivery's attempt and its outcome in one statement,
        bench_throughput's outbound delivery); each value is converted by its
        field, as the ORM does. Its pending writes are flushed first; call
        ``_runtime_updated(vals)`` once it ran."""
        self.ensure_one()
        self.flush_recordset()
        fields_ = self._fields
        assignments = [
            SQL(
                "%s = %s",
                SQL.identifier(name),
                fields_[name].convert_to_column_update(
                    fields_[name].convert_to_cache(value, self), self
                ),
            )
            for name, value in vals.items()
        ]
        return SQL(
            """UPDATE hc_message
                  SET %s, write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
                WHERE id = %s""",
            SQL(", ").join(assignments),
            self.env.uid,
            self.id,
        )

    def _runtime_updated(self, vals):
        """What the ORM does after writing ``vals`` (``_runtime_update_sql``):
        the values cached before are forgotten, what depends on them told."""
        names = [*vals, "write_uid", "write_date"]
        self.invalidate_recordset(names, flush=False)
        self.modified(names)

    def _runtime_writer(self):
        """These messages as ``_runtime_write`` writes them; for writing
        several messages each its values in one environment (a new
        environment per message costs a look through every one so far)."""
        return self.sudo().with_context(tracking_disable=True)

    # ------------------------------------------------------------------ states

    def _wait(self, reason, held_by=None):
        """Leave the message pending without a job; a wake-up requeues it."""
        self._runtime_write(
            {
                "waiting_reason": reason,
                "job_uuid": False,
                "held_by_id": held_by.id if held_by else False,
            }
        )
        return f"waiting: {reason}"

    def _defer(self, seconds, reason, held_by=None):
        """Try again later without spending an attempt."""
        self._runtime_write(
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

    def _finish(self, state, call=None, **vals):
        """Write the message's final ``state`` (with ``vals``), then what
        follows it (``_after_finish``). ``call``: the ``Call`` that ended in
        it, recorded in the same statement (``hc.message.attempt._record``).
        A message of a batch job leaves both to the job's end, where the
        outcomes of its messages are written together (``hc.message.batch``:
        ``hc_outcomes_later`` in context)."""
        vals = self._finish_values(state, vals)
        later = self.env.context.get("hc_outcomes_later")
        if call is not None:
            self.env["hc.message.attempt"]._record_call(self, call, outcome_vals=vals)
        elif later is not None and later.takes(self):
            later.rows.append((self, vals))
            return
        else:
            self._runtime_write(vals)
        self._after_finish(state)

    def _finish_values(self, state, vals):
        now = fields.Datetime.now()
        started = vals.get("started_at") or self.started_at or self.create_date
        # create_date keeps microseconds, now() does not: never below zero
        vals.update(
            state=state,
            done_at=now,
            waiting_reason=False,
            next_attempt_at=False,
            held_by_id=False,
            duration_ms=max(0, int((now - started).total_seconds() * 1000))
            if started
            else 0,
        )
        return vals

    def _after_finish(self, state):
        """What follows a final state, once it is written."""
        # a dead or cancelled message may be replayed: it keeps its payload whole
        if state in (st.DONE, st.DUPLICATE) and self._redacts_when_settled():
            self._store_payload(REQUEST, self.flow_id._redact(self._body()))
        if state == st.DONE and self.parent_relation == "replay":
            self._resolve_replayed()
        self._notify_changed()
        self.env["hc.ordering"]._release_after(self)
        if self.run_id:
            self.run_id._chunk_finished(self)
        self._hc_on_finished()

    def _hc_on_finished(self):
        """Called once a message reached a final state (done, dead, cancelled,
        duplicate), in the transaction that finished it; its state, error and
        linked record are written. Does nothing here: an addon that keeps
        figures as events happen extends it, e.g.::

            def _hc_on_finished(self):
                super()._hc_on_finished()
                if self.state == "dead" and self.error_class == "business":
                    self.env["x.tally"]._add(self.flow_id, self.done_at)

        It runs on the delivery path: keep it to a statement or two.
        """
        return None

    def _redacts_when_settled(self):
        """Whether the payload is redacted once delivered (outbound flows
        with redaction rules; a failed one keeps it whole for its replay)."""
        flow = self.flow_id
        return (
            self.direction == "outbound"
            and bool(flow)
            and flow._job_settings().has_redaction
        )

    def _attempts_left(self, attempt_number=None):
        """Attempts the flow still allows after ``attempt_number`` (default:
        the attempts on record)."""
        done = self.attempt_count if attempt_number is None else attempt_number
        flow = self.flow_id
        allowed = flow._job_settings().max_attempts if flow else 0
        return (allowed or 1) - (done - self.attempt_base)

    def _retry_or_fail(self, outcome, attempt_number, values=None):
        """The one decision after a failed attempt: retry later, or dead.

        ``outcome`` is a ``lib.retry.Outcome``: a retryable one is queued
        again after the flow's backoff (at least what the partner's
        Retry-After or the handler's ``HcRetryableError.seconds`` asked,
        capped by the flow's longest backoff) while the flow allows more
        attempts; otherwise the message is dead. ``values`` are written with
        the outcome (the attempt's own). Returns the job's result::

            message._retry_or_fail(outcome, message.attempt_count)
        """
        self.ensure_one()
        flow = self.flow_id
        settings = flow._job_settings() if flow else None
        longest = (settings and settings.backoff_max) or 3600
        reason = outcome.reason
        values = dict(values or {}, http_status=outcome.status or 0)
        if outcome.retryable and self._attempts_left(attempt_number) > 0:
            wait = retry.retry_wait(
                attempt_number - self.attempt_base,
                outcome,
                base=(settings and settings.backoff_base) or 30,
                max_delay=longest,
            )
            if wait.capped:
                reason = _(
                    "%(reason)s; the partner asked to wait %(asked)s s, capped to "
                    "the flow's longest backoff of %(max)s s",
                    reason=reason,
                    asked=f"{wait.asked:.0f}",
                    max=longest,
                )
            self._runtime_write(
                {
                    "state": st.RETRYING,
                    "error_class": outcome.error_class,
                    "error_text": reason,
                    **values,
                }
            )
            self._enqueue(delay=wait.seconds)
            # an open form shows the retry and its error, not *Queued*
            self._notify_changed()
            return f"retry in {wait.seconds:.0f}s"
        if outcome.retryable:
            reason = _(
                "%(reason)s (gave up after %(n)s attempts)",
                reason=reason,
                n=attempt_number,
            )
        self._fail(outcome.error_class, reason, **values)
        return st.DEAD

    def _fail(self, error_class, error_text, **vals):
        self._finish(st.DEAD, error_class=error_class, error_text=error_text, **vals)
