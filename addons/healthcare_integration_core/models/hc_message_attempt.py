# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import namedtuple

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib import states as st
from .hc_message import ERROR_CLASSES

INSERT_ATTEMPTS = """
    INSERT INTO hc_message_attempt (
        message_id, backend_id, company_id, direction, number,
        started_at, ended_at, duration_ms, outcome, http_status,
        error_class, error_text,
        create_uid, create_date, write_uid, write_date)
"""

_logger = logging.getLogger(__name__)

# one call to a partner, recorded once its outcome is known: its number,
# start, retry.Outcome and the partner's answer ((payload kind, body) or None)
Call = namedtuple("Call", "number started_at outcome answer")


class HcMessageAttempt(models.Model):
    """One call to a partner (or one processing run) of a message.

    An attempt is recorded in the transaction of the job that made it. A job
    whose run stopped unfinished (its worker killed during the call, say) is
    run again by queue_job, which committed the run's start and counts the
    runs that did not end: the next run records an "interrupted" attempt for
    each, so the log shows every call the partner may have seen.
    """

    _name = "hc.message.attempt"
    _description = "Integration Message Attempt"
    _order = "message_id, number"

    message_id = fields.Many2one(
        "hc.message", required=True, ondelete="cascade", index=True
    )
    backend_id = fields.Many2one(
        related="message_id.backend_id", store=True, index=True
    )
    direction = fields.Selection(related="message_id.direction", store=True)
    company_id = fields.Many2one(related="message_id.company_id", store=True)
    number = fields.Integer(required=True)
    started_at = fields.Datetime(required=True, index=True)
    ended_at = fields.Datetime(index=True)
    duration_ms = fields.Integer(string="Duration (ms)")
    outcome = fields.Selection(st.ATTEMPT_OUTCOMES)
    http_status = fields.Integer()
    error_class = fields.Selection(ERROR_CLASSES)
    error_text = fields.Text()

    @api.model
    def _record(
        self, message, number, started_at, outcome, answer=None, outcome_vals=None
    ):
        """The attempt as it ended (a retry.Outcome), in the job's transaction.

        ``answer``: the partner's answer, (payload kind, body) to store with
        the attempt; ``outcome_vals``: the message's values after it
        (``hc.message._finish``); each in the same statement
        (bench_throughput's delivery: every statement of a delivery weighs
        against a no-op job)."""
        if outcome.ok:
            result = st.ATTEMPT_DONE
        elif outcome.retryable and message._attempts_left(number) > 0:
            result = st.ATTEMPT_RETRY
        else:
            # the last attempt of a retryable failure is not followed by one
            result = st.ATTEMPT_FAILED
        now = fields.Datetime.now()
        row = (
            number,
            started_at,
            now,
            result,
            outcome.status or 0,
            outcome.error_class or None,
            None if outcome.ok else outcome.reason,
        )
        with_it = []
        if answer is not None:
            kind, body = answer
            with_it.append(self.env["hc.payload"]._put_sql(message.id, kind, body))
        if outcome_vals is not None:
            with_it.append(message._runtime_update_sql(outcome_vals))
        if not with_it:
            return self._insert(message, [row])
        self.env.cr.execute(
            SQL(
                "WITH attempt AS (%s), %s SELECT id FROM attempt",
                SQL(
                    f"{INSERT_ATTEMPTS} VALUES %s RETURNING id",
                    self._row_values(message, row),
                ),
                SQL(", ").join(
                    SQL("%s AS (%s)", SQL.identifier(f"with_{n}"), statement)
                    for n, statement in enumerate(with_it)
                ),
            )
        )
        if outcome_vals is not None:
            message._runtime_updated(outcome_vals)
        message.invalidate_recordset(["attempt_ids"])
        return self.browse(self.env.cr.fetchone()[0])

    @api.model
    def _record_call(self, message, call, outcome_vals=None):
        """``_record`` of a ``Call`` (``hc.delivery._attempt``)."""
        return self._record(
            message,
            call.number,
            call.started_at,
            call.outcome,
            answer=call.answer,
            outcome_vals=outcome_vals,
        )

    @api.model
    def _record_interrupted(self, message, runs):
        """``runs`` interrupted attempts of ``message``, numbered after its
        last one, and counted on it."""
        now = fields.Datetime.now()
        reason = _(
            "The job's run stopped before it ended (worker stopped or "
            "transaction rolled back); the partner may have received the call."
        )
        first = message.attempt_count + 1
        numbers = range(first, first + runs)
        attempts = self._insert(
            message,
            [(n, now, now, st.ATTEMPT_INTERRUPTED, 0, None, reason) for n in numbers],
        )
        message._runtime_write({"attempt_count": numbers[-1]})
        _logger.warning("%s: %s interrupted attempt(s) recorded", message.name, runs)
        return attempts

    @api.model
    def _row_values(self, message, row):
        """The column values of ``INSERT_ATTEMPTS`` for ``row`` (see
        ``_insert``)."""
        number, started, ended, outcome, status, error_class, text = row
        now = fields.Datetime.now()
        uid = self.env.uid
        return (
            message.id,
            message.backend_id.id or None,
            message.company_id.id or None,
            message.direction,
            number,
            started,
            ended,
            int((ended - started).total_seconds() * 1000),
            outcome,
            status,
            error_class,
            text,
            uid,
            now,
            uid,
            now,
        )

    @api.model
    def _insert(self, message, rows):
        """Attempts of ``message`` in one INSERT, without the ORM's defaults
        and computations (the related values are the message's, given).

        A row is (number, started at, ended at, outcome, HTTP status, error
        class, error text).
        """
        ids = execute_values(
            self.env.cr,
            f"{INSERT_ATTEMPTS} VALUES %s RETURNING id",
            [self._row_values(message, row) for row in rows],
            fetch=True,
        )
        attempts = self.browse([row[0] for row in ids])
        message.invalidate_recordset(["attempt_ids"])
        return attempts
