"""Classification of delivery outcomes and retry backoff."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import requests

ERROR_TECHNICAL = "technical"
ERROR_BUSINESS = "business"
ERROR_VALIDATION = "validation"
ERROR_AUTHENTICATION = "authentication"

RETRYABLE_CLIENT_STATUSES = frozenset({408, 429})
AUTHENTICATION_STATUSES = frozenset({401, 403})
VALIDATION_STATUSES = frozenset({400, 422})

_DELTA_SECONDS_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    retryable: bool
    error_class: str | None
    reason: str
    status: int | None = None
    retry_after: float | None = None


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    wanted = name.lower()
    for key, value in (headers or {}).items():
        if key.lower() == wanted:
            return value
    return None


def _describe(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _failure(status: int, error_class: str, reason: str) -> Outcome:
    return Outcome(
        ok=False, retryable=False, error_class=error_class, reason=reason, status=status
    )


def classify_status(
    status: int, headers: Mapping[str, str] | None = None, now: float | None = None
) -> Outcome:
    described = _describe(status)
    if 200 <= status < 300:
        return Outcome(
            ok=True, retryable=False, error_class=None, reason=described, status=status
        )
    if status in RETRYABLE_CLIENT_STATUSES or 500 <= status < 600:
        return Outcome(
            ok=False,
            retryable=True,
            error_class=ERROR_TECHNICAL,
            reason=described,
            status=status,
            retry_after=parse_retry_after(_header(headers, "Retry-After"), now),
        )
    if status in AUTHENTICATION_STATUSES:
        return _failure(status, ERROR_AUTHENTICATION, described)
    if status in VALIDATION_STATUSES:
        return _failure(status, ERROR_VALIDATION, described)
    if 400 <= status < 500:
        return _failure(status, ERROR_BUSINESS, described)
    return _failure(status, ERROR_TECHNICAL, f"Unexpected status {described}")


def classify_exception(exc: BaseException) -> Outcome:
    name = type(exc).__name__
    exceptions = requests.exceptions
    # SSLError subclasses ConnectionError but retrying cannot fix a TLS setup.
    if isinstance(exc, exceptions.SSLError):
        reason = f"TLS error ({name}): check certificates and TLS settings"
        return Outcome(False, False, ERROR_TECHNICAL, reason)
    if isinstance(exc, (exceptions.Timeout, TimeoutError)):
        return Outcome(False, True, ERROR_TECHNICAL, f"Request timed out ({name})")
    if isinstance(exc, (exceptions.ConnectionError, ConnectionError)):
        return Outcome(False, True, ERROR_TECHNICAL, f"Connection failed ({name})")
    if isinstance(exc, exceptions.ChunkedEncodingError):
        reason = f"Connection dropped while reading the response ({name})"
        return Outcome(False, True, ERROR_TECHNICAL, reason)
    return Outcome(False, False, ERROR_TECHNICAL, f"Unexpected error ({name})")


def _seconds_until(value: str, now: float | None) -> float | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() - (time.time() if now is None else now)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if _DELTA_SECONDS_RE.fullmatch(text):
        seconds: float | None = float(text)
    else:
        seconds = _seconds_until(text, now)
    return None if seconds is None else max(0.0, seconds)


def backoff_delay(
    attempt: int,
    base: float = 30,
    factor: float = 2,
    max_delay: float = 3600,
    jitter: float = 0.2,
    rand: Callable[[], float] = random.random,
) -> float:
    """Exponential delay for 1-based ``attempt``; jitter never exceeds max_delay."""
    try:
        delay = min(base * factor ** (max(attempt, 1) - 1), max_delay)
    except OverflowError:
        delay = max_delay
    jittered = delay * (1 + jitter * (2 * rand() - 1))
    return min(max(jittered, 0.0), max_delay)


def next_retry_delay(
    attempt: int,
    outcome: Outcome,
    base: float = 30,
    max_delay: float = 3600,
    rand: Callable[[], float] = random.random,
) -> float:
    backoff = backoff_delay(attempt, base=base, max_delay=max_delay, rand=rand)
    return max(backoff, outcome.retry_after or 0.0)


@dataclass(frozen=True)
class RetryWait:
    """How long to wait before the next attempt, and why."""

    seconds: float
    asked: float | None  # what the partner's Retry-After asked for, if anything
    capped: bool  # True when the partner asked for more than the flow allows


def retry_wait(
    attempt: int,
    outcome: Outcome,
    base: float = 30,
    max_delay: float = 3600,
    rand: Callable[[], float] = random.random,
) -> RetryWait:
    """The wait before the next attempt, never longer than ``max_delay``.

    A partner's ``Retry-After`` is honoured up to the flow's longest backoff,
    so that an absurd value (days, or an overflowing number) cannot park a
    message beyond its retry budget.
    """
    backoff = backoff_delay(attempt, base=base, max_delay=max_delay, rand=rand)
    asked = outcome.retry_after
    if asked is None or asked != asked:  # NaN
        return RetryWait(backoff, None, False)
    capped = asked > max_delay
    return RetryWait(max(backoff, min(asked, max_delay)), asked, capped)
