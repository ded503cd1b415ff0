"""Sliding-window rate limiting over call times supplied by the caller.

The runtime keeps the times of the calls about to be made per backend in the
database (``hc.backend.resilience._rate_limit_take``), so that the workers of
every node share one window."""

from __future__ import annotations

from collections.abc import Iterable

WINDOW_SECONDS = 60.0


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
