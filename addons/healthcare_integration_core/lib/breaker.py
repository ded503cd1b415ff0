"""Circuit breaker state machine; state and time are supplied by the caller."""

from __future__ import annotations

from dataclasses import dataclass, replace

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


@dataclass
class BreakerState:
    state: str = CLOSED
    failures: int = 0
    opened_at: float | None = None


class CircuitBreaker:
    def __init__(self, threshold: int, cooldown: float):
        self.threshold = threshold
        self.cooldown = cooldown

    @property
    def enabled(self) -> bool:
        return self.threshold > 0

    def check(self, st: BreakerState, now: float) -> tuple[bool, BreakerState, float]:
        """Return (allowed, new_state, wait_seconds) for a call attempted at now."""
        if not self.enabled or st.state == CLOSED:
            return True, replace(st, state=CLOSED, opened_at=None), 0.0
        if st.state == HALF_OPEN:
            return True, replace(st), 0.0
        remaining = self._remaining_cooldown(st, now)
        if remaining > 0:
            return False, replace(st), remaining
        return True, replace(st, state=HALF_OPEN), 0.0

    def record_success(self, st: BreakerState) -> BreakerState:
        return BreakerState(state=CLOSED, failures=0, opened_at=None)

    def record_failure(self, st: BreakerState, now: float) -> BreakerState:
        failures = st.failures + 1
        if not self.enabled:
            return BreakerState(state=CLOSED, failures=failures, opened_at=None)
        if st.state == HALF_OPEN:
            return BreakerState(state=OPEN, failures=failures, opened_at=now)
        if st.state == OPEN:
            # Late failures of calls started before opening must not extend cooldown.
            return replace(st, failures=failures)
        if failures >= self.threshold:
            return BreakerState(state=OPEN, failures=failures, opened_at=now)
        return replace(st, failures=failures)

    def _remaining_cooldown(self, st: BreakerState, now: float) -> float:
        if st.opened_at is None:
            return 0.0
        return max(0.0, st.opened_at + self.cooldown - now)
