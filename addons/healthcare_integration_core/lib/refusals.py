"""Counting refused inbound requests without a database row for each.

An anonymous flood of unsigned requests must not grow the database without
bound, nor the log. Refusals are counted in memory per (backend, flow, reason,
minute) and written out as one row per bucket: the first refusal of a bucket
at once (so that people see it), the rest when the bucket is flushed (every
few seconds, or when asked). Log lines are bounded the same way: one per
bucket flush.

    >>> counter = RefusalCounter(flush_every=5.0)
    >>> counter.add(("ehr", "demand", "unauthenticated", 401), "bad signature", {})
    True
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

MAX_EXAMPLES = 3


@dataclass
class Bucket:
    count: int = 0
    reason: str = ""
    examples: list = field(default_factory=list)
    written: bool = False


class RefusalCounter:
    """Thread-safe counts of refusals, waiting to be written out."""

    def __init__(self, flush_every: float = 5.0, clock=time.monotonic):
        self.flush_every = flush_every
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple, Bucket] = {}
        self._last_flush = clock()

    @staticmethod
    def minute(now: float | None = None) -> int:
        return int((now if now is not None else time.time()) // 60) * 60

    def add(self, key: tuple, reason: str, example: dict) -> bool:
        """Count one refusal under ``key``; True when it should be written now.

        ``key`` is (backend, flow, reason code, status); the minute is added
        here. The first refusal of a bucket, or any once ``flush_every`` has
        passed, asks for a flush.
        """
        bucket_key = (*key, self.minute())
        with self._lock:
            bucket = self._buckets.setdefault(bucket_key, Bucket())
            bucket.count += 1
            bucket.reason = reason
            if len(bucket.examples) < MAX_EXAMPLES:
                bucket.examples.append(example)
            first = not bucket.written
            due = self.clock() - self._last_flush >= self.flush_every
            return first or due

    def take(self) -> dict[tuple, Bucket]:
        """The counts gathered since the last take, emptied."""
        with self._lock:
            taken = {k: b for k, b in self._buckets.items() if b.count}
            self._buckets = {
                k: Bucket(written=True) for k in taken if k[-1] == self.minute()
            }
            self._last_flush = self.clock()
            return taken

    def pending(self) -> int:
        with self._lock:
            return sum(b.count for b in self._buckets.values())
