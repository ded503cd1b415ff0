# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .hc_message import ERROR_CLASSES


class HcMessageAttempt(models.Model):
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
    outcome = fields.Selection(
        [("done", "Done"), ("retry", "Will retry"), ("failed", "Failed")]
    )
    http_status = fields.Integer()
    error_class = fields.Selection(ERROR_CLASSES)
    error_text = fields.Text()

    def _close(self, outcome):
        """Record how the attempt ended (a retry.Outcome)."""
        now = fields.Datetime.now()
        if outcome.ok:
            result = "done"
        else:
            result = "retry" if outcome.retryable else "failed"
        self.sudo().write(
            {
                "ended_at": now,
                "duration_ms": int((now - self.started_at).total_seconds() * 1000),
                "outcome": result,
                "http_status": outcome.status or 0,
                "error_class": outcome.error_class or False,
                "error_text": False if outcome.ok else outcome.reason,
            }
        )
