"""Counts of refused inbound requests that a worker has yet to write.

An anonymous flood of unsigned requests must not grow the database without
bound, nor the log: refusals are counted per (backend, flow, reason, status,
minute), one row each. A worker adds a refusal here, then writes what it
holds; when the write fails (a conflict with another worker), the counts go
back here, to be written with the next one: taken counts are never dropped.

    >>> counter = RefusalCounter()
    >>> counter.add(("ehr", "demand", "unauthenticated", 401), "bad signature", {})
    >>> taken = counter.take()
    >>> counter.restore(taken)
    >>> counter.pending()
    1
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

    def merge(self, other: Bucket) -> None:
        self.count += other.count
        self.reason = other.reason or self.reason
        room = MAX_EXAMPLES - len(self.examples)
        self.examples.extend(other.examples[: max(room, 0)])


class RefusalCounter:
    """Thread-safe counts of refusals, waiting to be written out."""

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets: dict[tuple, Bucket] = {}

    @staticmethod
    def minute(now: float | None = None) -> int:
        return int((now if now is not None else time.time()) // 60) * 60

    def add(self, key: tuple, reason: str, example: dict) -> None:
        """Count one refusal under ``key`` (backend, flow, reason code, status)."""
        self.restore({(*key, self.minute()): Bucket(1, reason, [example])})

    def take(self) -> dict[tuple, Bucket]:
        """The counts held, emptied: give them back with ``restore`` if unwritten."""
        with self._lock:
            taken, self._buckets = self._buckets, {}
            return taken

    def restore(self, buckets: dict[tuple, Bucket]) -> None:
        with self._lock:
            for key, bucket in buckets.items():
                self._buckets.setdefault(key, Bucket()).merge(bucket)

    def pending(self) -> int:
        with self._lock:
            return sum(b.count for b in self._buckets.values())
