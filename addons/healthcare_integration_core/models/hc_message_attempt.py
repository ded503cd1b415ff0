# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models

from ..lib import states as st
from .hc_message import ERROR_CLASSES

_logger = logging.getLogger(__name__)


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
    def _record(self, message, number, started_at, outcome):
        """The attempt as it ended (a retry.Outcome), in the job's transaction."""
        now = fields.Datetime.now()
        if outcome.ok:
            result = st.ATTEMPT_DONE
        else:
            result = st.ATTEMPT_RETRY if outcome.retryable else st.ATTEMPT_FAILED
        # one insert, without the ORM's defaults and computations: on every
        # delivery (the related values are the message's, given)
        self.env.cr.execute(
            """
            INSERT INTO hc_message_attempt (
                message_id, backend_id, company_id, direction, number,
                started_at, ended_at, duration_ms, outcome, http_status,
                error_class, error_text,
                create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                    %s, %s, %s, %s)
            RETURNING id
            """,
            (
                message.id,
                message.backend_id.id or None,
                message.company_id.id or None,
                message.direction,
                number,
                started_at,
                now,
                int((now - started_at).total_seconds() * 1000),
                result,
                outcome.status or 0,
                outcome.error_class or None,
                None if outcome.ok else outcome.reason,
                self.env.uid,
                now,
                self.env.uid,
                now,
            ),
        )
        attempt = self.browse(self.env.cr.fetchone()[0])
        message.invalidate_recordset(["attempt_ids"])
        return attempt

    @api.model
    def _record_interrupted(self, message, runs):
        """``runs`` interrupted attempts of ``message``, numbered after its
        last one, and counted on it."""
        now = fields.Datetime.now()
        first = message.attempt_count + 1
        self.env.cr.execute(
            """
            INSERT INTO hc_message_attempt (
                message_id, backend_id, company_id, direction, number,
                started_at, ended_at, duration_ms, outcome, http_status,
                error_text, create_uid, create_date, write_uid, write_date)
            SELECT %s, %s, %s, %s, n, %s, %s, 0, %s, 0, %s, %s, %s, %s, %s
              FROM generate_series(%s, %s) AS n
            """,
            (
                message.id,
                message.backend_id.id or None,
                message.company_id.id or None,
                message.direction,
                now,
                now,
                st.ATTEMPT_INTERRUPTED,
                _(
                    "The job's run stopped before it ended (worker stopped or "
                    "transaction rolled back); the partner may have received the "
                    "call."
                ),
                self.env.uid,
                now,
                self.env.uid,
                now,
                first,
                first + runs - 1,
            ),
        )
        message._runtime_write({"attempt_count": first + runs - 1})
        message.invalidate_recordset(["attempt_ids"])
        _logger.warning("%s: %s interrupted attempt(s) recorded", message.name, runs)
