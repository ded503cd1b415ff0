# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import UTC, timedelta

from odoo import api, fields, models

from ..lib import breaker, ratelimit, retry

BREAKER_STATES = [
    (breaker.CLOSED, "Closed"),
    (breaker.OPEN, "Open"),
    (breaker.HALF_OPEN, "Half-open"),
]
BREAKER_HISTORY = 50  # attempts replayed through the breaker to derive its state


class HcBackendResilience(models.AbstractModel):
    """How hard a backend may be called: circuit breaker and rate limit.

    Both are worked out from the attempt log rather than from counters on the
    backend row, so that concurrent jobs never contend for that row.
    Inherited by ``hc.backend``.
    """

    _name = "hc.backend.resilience"
    _description = "Integration Backend: Circuit Breaker and Rate Limit"

    rate_limit_per_minute = fields.Integer(
        help="Maximum calls per minute to this backend; 0 for no limit."
    )
    breaker_threshold = fields.Integer(
        default=5,
        help="Consecutive technical failures that open the circuit; 0 disables it.",
    )
    breaker_cooldown = fields.Integer(
        default=60, help="Seconds the circuit stays open before a trial call."
    )
    breaker_state = fields.Selection(BREAKER_STATES, compute="_compute_breaker_state")

    # ------------------------------------------------------------------ breaker

    def _recent_attempts(self, limit=BREAKER_HISTORY):
        self.env["hc.message.attempt"].flush_model()
        self.env.cr.execute(
            """
            SELECT a.ended_at, a.outcome, a.error_class
              FROM hc_message_attempt a
             WHERE a.backend_id = %s AND a.direction = 'outbound'
                   AND a.ended_at IS NOT NULL
                   AND a.outcome IN ('done', 'retry', 'failed')
             ORDER BY a.ended_at DESC, a.id DESC
             LIMIT %s
            """,
            (self.id, limit),
        )
        return list(reversed(self.env.cr.fetchall()))

    def _breaker_check(self, now=None):
        """(allowed, state, wait seconds), derived from the latest attempts.

        Deriving the state from the attempt log instead of a counter on the
        backend row keeps concurrent jobs from contending for that row.
        """
        self.ensure_one()
        now = now or time.time()
        if self.breaker_threshold <= 0:
            return True, breaker.BreakerState(), 0.0
        machine = breaker.CircuitBreaker(self.breaker_threshold, self.breaker_cooldown)
        state = breaker.BreakerState()
        for ended_at, outcome, error_class in self._recent_attempts():
            at = ended_at.replace(tzinfo=UTC).timestamp()
            state = machine.check(state, at)[1]
            if outcome == "done" or error_class != retry.ERROR_TECHNICAL:
                state = machine.record_success(state)
            else:
                state = machine.record_failure(state, at)
        return machine.check(state, now)

    @api.depends_context("uid")
    def _compute_breaker_state(self):
        for backend in self:
            backend.breaker_state = (
                backend._breaker_check()[1].state if backend.id else breaker.CLOSED
            )

    def _rate_limit_wait(self, now=None):
        """Seconds to wait before the next call fits the per-minute limit."""
        self.ensure_one()
        if self.rate_limit_per_minute <= 0:
            return 0.0
        self.env["hc.message.attempt"].flush_model()
        self.env.cr.execute(
            """
            SELECT extract(epoch FROM started_at)::float
              FROM hc_message_attempt
             WHERE backend_id = %s AND direction = 'outbound' AND started_at > %s
            """,
            (self.id, fields.Datetime.now() - timedelta(seconds=60)),
        )
        calls = [row[0] for row in self.env.cr.fetchall()]
        return ratelimit.sliding_window_wait(
            calls, self.rate_limit_per_minute, now or time.time()
        )
