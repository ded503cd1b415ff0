"""W3C Trace Context (``traceparent``) for messages across flows and systems.

A trace id (32 hex) follows a chain of exchanges: received on a webhook, kept
on the message, handed to what its processing sends, and sent on outbound
calls with a new span id (16 hex) per call::

    >>> parent = parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    >>> parent.trace_id
    '4bf92f3577b34da6a3ce929d0e0e4736'
    >>> child(parent).trace_id == parent.trace_id
    True
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

_TRACEPARENT_RE = re.compile(
    r"^(?P<version>[0-9a-f]{2})-(?P<trace>[0-9a-f]{32})-(?P<span>[0-9a-f]{16})"
    r"-(?P<flags>[0-9a-f]{2})$"
)
_INVALID_TRACE = "0" * 32
_INVALID_SPAN = "0" * 16


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    flags: str = "01"

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


def parse(value: str | None) -> TraceContext | None:
    """The context of a ``traceparent`` header, or None when absent or invalid."""
    match = _TRACEPARENT_RE.match((value or "").strip().lower())
    if not match or match["version"] == "ff":
        return None
    if match["trace"] == _INVALID_TRACE or match["span"] == _INVALID_SPAN:
        return None
    return TraceContext(match["trace"], match["span"], match["flags"])


def new() -> TraceContext:
    """A new trace, sampled."""
    return TraceContext(secrets.token_hex(16), secrets.token_hex(8))


def child(parent: TraceContext | None) -> TraceContext:
    """A new span of ``parent``'s trace (or a new trace without a parent)."""
    if parent is None:
        return new()
    return TraceContext(parent.trace_id, secrets.token_hex(8), parent.flags)
