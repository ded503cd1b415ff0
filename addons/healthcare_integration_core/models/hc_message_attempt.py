# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models

from ..lib import states as st
from .hc_message import ERROR_CLASSES

_logger = logging.getLogger(__name__)


class HcMessageAttempt(models.Model):
    """One call to a partner (or one processing run) of a message.

    An outbound attempt is announced in the attempt journal, in a transaction
    of its own committed before the call: if the worker dies during the call,
    recovery turns the announcement into an "interrupted" attempt, so the log
    shows every call the partner may have seen. The journal is a plain table
    without foreign keys, so that announcing never waits on the message row
    that the job holds. The job cannot remove its own announcement (its
    snapshot was taken before the announcement committed): the recovery cron
    sweeps the journal, dropping announcements whose attempt was recorded.
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

    def init(self):
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS hc_attempt_journal (
                message_id integer NOT NULL,
                number integer NOT NULL,
                started_at timestamp NOT NULL,
                PRIMARY KEY (message_id, number)
            )
            """
        )

    # ------------------------------------------------------------------ journal

    @api.model
    def _announce(self, message, number, started_at):
        """Commit, before the call, that attempt ``number`` is under way."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                """
                INSERT INTO hc_attempt_journal (message_id, number, started_at)
                VALUES (%s, %s, %s) ON CONFLICT DO NOTHING
                """,
                (message.id, number, started_at),
            )

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
    def _recover_interrupted(self, older_than):
        """Sweep the journal: announcements whose attempt was recorded go, and
        those older than ``older_than`` without one become "interrupted"."""
        cr = self.env.cr
        self.flush_model(["message_id", "number"])
        cr.execute(
            """
            DELETE FROM hc_attempt_journal j USING hc_message_attempt a
             WHERE a.message_id = j.message_id AND a.number = j.number
            """
        )
        cr.execute(
            """
            WITH stale AS (
                DELETE FROM hc_attempt_journal WHERE started_at <= %s
                RETURNING message_id, number, started_at
            )
            SELECT stale.* FROM stale JOIN hc_message m ON m.id = stale.message_id
            """,
            (fields.Datetime.now() - older_than,),
        )
        vals = [
            {
                "message_id": message_id,
                "number": number,
                "started_at": started_at,
                "outcome": st.ATTEMPT_INTERRUPTED,
                "error_text": _("The worker stopped during this attempt."),
            }
            for message_id, number, started_at in cr.fetchall()
        ]
        interrupted = self.sudo().create(vals)
        for attempt in interrupted:
            message = attempt.message_id
            if message.attempt_count < attempt.number:
                message.sudo().attempt_count = attempt.number
        if interrupted:
            _logger.warning("%s interrupted attempt(s) recorded", len(interrupted))
        return interrupted
