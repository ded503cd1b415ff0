# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import UTC

from odoo import api, fields, models

from ..lib import breaker, ratelimit, retry

BREAKER_STATES = [
    (breaker.CLOSED, "Closed"),
    (breaker.OPEN, "Open"),
    (breaker.HALF_OPEN, "Half-open"),
]
BREAKER_HISTORY = 50  # attempts replayed through the breaker to derive its state
# the attempts the breaker is worked out from (the last BREAKER_HISTORY),
# ascending, as arrays: a
# subquery of a message's lock (hc.message._lock), joined laterally to its
# backend ``b`` (bench_throughput's delivery: the breaker read is not a
# statement of its own)
BREAKER_ATTEMPTS = """
    SELECT array_agg(r.ended_at ORDER BY r.ended_at, r.id) AS ended,
           array_agg(r.outcome ORDER BY r.ended_at, r.id) AS outcomes,
           array_agg(r.error_class ORDER BY r.ended_at, r.id) AS classes
      FROM (SELECT a.id, a.ended_at, a.outcome, a.error_class
              FROM hc_message_attempt a
             WHERE b.breaker_threshold > 0 AND a.backend_id = b.id
                   AND a.direction = 'outbound' AND a.ended_at IS NOT NULL
                   AND a.outcome IN ('done', 'retry', 'failed')
             ORDER BY a.ended_at DESC, a.id DESC
             LIMIT 50) r
"""
# first key of the transaction-level advisory lock that orders call slots
RATE_LOCK_CLASS = 0x48435254  # "HCRT"


class HcBackendResilience(models.AbstractModel):
    """How hard a backend may be called: circuit breaker and rate limit.

    The breaker is worked out from the attempt log, the rate limit from the
    call slots taken (``hc_backend_call_slot``), rather than from counters on
    the backend row, so that concurrent jobs never contend for that row; both
    live in the database, shared by every node.
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
        # read with the lock of the message being delivered (hc.message._lock)
        locked = self.env.context.get("hc_breaker_attempts")
        if locked and locked[0] == self.id and limit == BREAKER_HISTORY:
            return list(locked[1])
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
        settings = self._job_settings()
        if settings.breaker_threshold <= 0:
            return True, breaker.BreakerState(), 0.0
        machine = breaker.CircuitBreaker(
            settings.breaker_threshold, settings.breaker_cooldown
        )
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

    def init(self):
        # the calls about to be made, per rate-limited backend (see
        # _rate_limit_take); no foreign key: a slot outlives nothing it names
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS hc_backend_call_slot (
                backend_id integer NOT NULL,
                taken_at double precision NOT NULL
            );
            CREATE INDEX IF NOT EXISTS hc_backend_call_slot_backend_idx
                ON hc_backend_call_slot (backend_id, taken_at);
            """
        )

    def _rate_limit_take(self):
        """Seconds to wait before the next call fits the per-minute limit;
        0.0 once this call's slot is taken.

        The slots are written and committed at once in a transaction of their
        own, under a lock per backend: the workers of every node see the
        calls the others are about to make, not only those whose job has
        committed its attempt (which would let each of N concurrent jobs see
        the same count, and all call). Times are the database's clock, the
        one every node shares. A slot taken by a call that then is not made
        still counts: the limit errs on the safe side.
        """
        self.ensure_one()
        limit = self._job_settings().rate_limit_per_minute
        if limit <= 0:
            return 0.0
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT pg_advisory_xact_lock(%s, %s), "
                "extract(epoch FROM clock_timestamp())::float",
                (RATE_LOCK_CLASS, self.id),
            )
            now = cr.fetchone()[1]
            cr.execute(
                "DELETE FROM hc_backend_call_slot WHERE taken_at < %s",
                (now - ratelimit.WINDOW_SECONDS,),
            )
            cr.execute(
                "SELECT taken_at FROM hc_backend_call_slot WHERE backend_id = %s",
                (self.id,),
            )
            calls = [row[0] for row in cr.fetchall()]
            wait = ratelimit.sliding_window_wait(calls, limit, now)
            if not wait:
                cr.execute(
                    "INSERT INTO hc_backend_call_slot (backend_id, taken_at) "
                    "VALUES (%s, %s)",
                    (self.id, now),
                )
        return wait
