"""Cheap checks made on an inbound request before anything is stored.

Everything here runs before authentication or right after it, so it must cost
little and bound what an anonymous sender can make the server do: header
values are length-checked before they reach an index, bodies are read in
full only once their declared length is within the limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

# Longest accepted values; they are stored in indexed columns.
HEADER_LIMITS = {
    "Idempotency-Key": 255,
    "X-Correlation-ID": 255,
    "traceparent": 55,
    "tracestate": 512,
}


class RequestRefused(Exception):
    """The request is refused before it is stored; ``status`` is the answer."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def bounded_headers(headers: Mapping[str, str]) -> dict[str, str | None]:
    """The values of the limited headers; RequestRefused(400) when too long."""
    values = {}
    for name, limit in HEADER_LIMITS.items():
        value = headers.get(name)
        if value is not None and len(value) > limit:
            raise RequestRefused(
                400, f"Header {name} is longer than {limit} characters"
            )
        values[name] = value or None
    return values


def read_bounded(
    read: Callable[[], bytes], limit: int, declared: int | None, chunked: bool
) -> bytes:
    """Read a request body of at most ``limit`` bytes, refusing anything longer.

    A declared Content-Length over the limit is refused without reading. A
    body without a declared length (chunked) is refused with 411: the server
    would read it whole before anyone could count it. ``read`` reads the
    declared length, no further.
    """
    if declared is not None and declared > limit:
        raise RequestRefused(413, f"Payload of {declared} bytes exceeds the limit")
    if declared is None and chunked:
        raise RequestRefused(
            411, "A body without Content-Length is not accepted: send its length"
        )
    body = read() if declared else b""
    if len(body) > limit:
        raise RequestRefused(413, f"Payload exceeds {limit} bytes")
    return body


def signature_digest(signature: str | None) -> str | None:
    """A fixed-length fingerprint of an accepted signature, to refuse replays."""
    if not signature:
        return None
    return hashlib.sha256(signature.strip().encode()).hexdigest()
