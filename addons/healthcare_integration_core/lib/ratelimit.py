"""Token bucket rate limiting; state and time are supplied by the caller."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

WINDOW_SECONDS = 60.0


@dataclass
class BucketState:
    tokens: float
    updated_at: float


class TokenBucket:
    def __init__(self, per_minute: int):
        self.per_minute = per_minute

    @property
    def capacity(self) -> float:
        return float(self.per_minute)

    @property
    def rate(self) -> float:
        """Tokens added per second."""
        return self.per_minute / 60.0

    def take(self, st: BucketState | None, now: float) -> tuple[float, BucketState]:
        """Consume one token; return (wait_seconds, new_state)."""
        if self.per_minute <= 0:
            return 0.0, st or BucketState(tokens=0.0, updated_at=now)
        current = self._refill(st, now)
        if current.tokens >= 1:
            return 0.0, BucketState(current.tokens - 1, current.updated_at)
        return (1 - current.tokens) / self.rate, current

    def _refill(self, st: BucketState | None, now: float) -> BucketState:
        if st is None:
            return BucketState(tokens=self.capacity, updated_at=now)
        # A clock that went backwards must neither add nor remove tokens.
        elapsed = max(0.0, now - st.updated_at)
        tokens = min(self.capacity, st.tokens + elapsed * self.rate)
        return BucketState(tokens=tokens, updated_at=max(now, st.updated_at))


def sliding_window_wait(
    calls: Iterable[float], per_minute: int, now: float, window: float = WINDOW_SECONDS
) -> float:
    """Seconds to wait before one more call, given the start times of past calls."""
    if per_minute <= 0:
        return 0.0
    # Calls stamped after ``now`` (clock skew) still count as recent.
    recent = sorted(t for t in calls if t > now - window)
    if len(recent) < per_minute:
        return 0.0
    blocking = recent[len(recent) - per_minute]
    return max(0.0, blocking + window - now)
