"""HMAC-SHA256 signing of webhook and outbound payloads."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

TIMESTAMP_HEADER = "X-HC-Timestamp"
SIGNATURE_HEADER = "X-HC-Signature"
SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE = 300

_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
_SIGNATURE_RE = re.compile(r"sha256=([0-9a-fA-F]{64})")


class SignatureError(Exception):
    """A signature could not be verified; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _secret_bytes(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    if not key:
        # An empty key would make every signature trivially forgeable.
        raise ValueError("Signing secret is empty")
    return key


def compute_signature(secret: str | bytes, timestamp: str | int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(_secret_bytes(secret), message, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def signed_headers(
    secret: str | bytes, body: bytes, now: float | None = None
) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: compute_signature(secret, timestamp, body),
    }


def _parse_timestamp(value: str) -> int:
    if not _TIMESTAMP_RE.fullmatch(value):
        raise SignatureError(
            f"Malformed {TIMESTAMP_HEADER} header: expected Unix time in seconds"
        )
    return int(value)


def _check_freshness(timestamp: int, now: float, tolerance: int) -> None:
    age = now - timestamp
    if age > tolerance:
        raise SignatureError(
            f"Stale {TIMESTAMP_HEADER}: {int(age)}s old, tolerance is {tolerance}s"
        )
    if -age > tolerance:
        raise SignatureError(
            f"{TIMESTAMP_HEADER} is {int(-age)}s in the future, "
            f"tolerance is {tolerance}s"
        )


def _parse_signature(value: str) -> str:
    match = _SIGNATURE_RE.fullmatch(value)
    if not match:
        raise SignatureError(
            f"Malformed {SIGNATURE_HEADER} header: expected 'sha256=<64 hex digits>'"
        )
    return SIGNATURE_PREFIX + match.group(1).lower()


def verify_signature(
    secret: str | bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    body: bytes,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
) -> None:
    """Raise SignatureError unless the headers authenticate ``body``."""
    if not timestamp_header or not timestamp_header.strip():
        raise SignatureError(f"Missing {TIMESTAMP_HEADER} header")
    if not signature_header or not signature_header.strip():
        raise SignatureError(f"Missing {SIGNATURE_HEADER} header")
    timestamp_text = timestamp_header.strip()
    timestamp = _parse_timestamp(timestamp_text)
    _check_freshness(timestamp, time.time() if now is None else now, tolerance)
    provided = _parse_signature(signature_header.strip())
    expected = compute_signature(secret, timestamp_text, body)
    if not hmac.compare_digest(expected, provided):
        raise SignatureError(
            "Signature mismatch: wrong secret, or body or timestamp altered"
        )
