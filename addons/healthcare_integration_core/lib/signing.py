"""HMAC-SHA256 signing of webhook and outbound payloads."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

TIMESTAMP_HEADER = "X-HC-Timestamp"
SIGNATURE_HEADER = "X-HC-Signature"
SIGNATURE_PREFIX = "sha256="
# a signature over "<timestamp>.<Idempotency-Key>.<body>": the key is bound
# to the request, so a captured request cannot be re-sent under another key
KEYED_PREFIX = "sha256k="
DEFAULT_TOLERANCE = 300

_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
_SIGNATURE_RE = re.compile(r"(sha256k?=)([0-9a-fA-F]{64})")


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


def compute_signature(
    secret: str | bytes,
    timestamp: str | int,
    body: bytes,
    idempotency_key: str | None = None,
) -> str:
    """``sha256=`` HMAC of ``<timestamp>.<body>``; with ``idempotency_key``,
    ``sha256k=`` HMAC of ``<timestamp>.<key>.<body>`` (the key-covering mode).

    >>> compute_signature("s", 1, b"{}", idempotency_key="k1")[:8]
    'sha256k='
    """
    if idempotency_key is None:
        prefix, message = SIGNATURE_PREFIX, f"{timestamp}.".encode() + body
    else:
        prefix = KEYED_PREFIX
        message = f"{timestamp}.{idempotency_key}.".encode() + body
    digest = hmac.new(_secret_bytes(secret), message, hashlib.sha256).hexdigest()
    return prefix + digest


def signed_headers(
    secret: str | bytes,
    body: bytes,
    now: float | None = None,
    idempotency_key: str | None = None,
) -> dict[str, str]:
    """The headers of a signed request; with ``idempotency_key``, the
    key-covering signature and the ``Idempotency-Key`` header itself."""
    timestamp = str(int(time.time() if now is None else now))
    headers = {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: compute_signature(secret, timestamp, body, idempotency_key),
    }
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return headers


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
            f"Malformed {SIGNATURE_HEADER} header: expected 'sha256=<64 hex "
            "digits>' or 'sha256k=<64 hex digits>'"
        )
    return match.group(1) + match.group(2).lower()


def verify_signature(
    secret: str | bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    body: bytes,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
    idempotency_key: str | None = None,
    key_required: bool = False,
) -> None:
    """Raise SignatureError unless the headers authenticate ``body``.

    A ``sha256k=`` signature covers ``idempotency_key`` too (an absent key
    is signed as the empty string); ``key_required`` refuses ``sha256=``
    signatures, which cover the timestamp and body only.
    """
    if not timestamp_header or not timestamp_header.strip():
        raise SignatureError(f"Missing {TIMESTAMP_HEADER} header")
    if not signature_header or not signature_header.strip():
        raise SignatureError(f"Missing {SIGNATURE_HEADER} header")
    timestamp_text = timestamp_header.strip()
    timestamp = _parse_timestamp(timestamp_text)
    _check_freshness(timestamp, time.time() if now is None else now, tolerance)
    provided = _parse_signature(signature_header.strip())
    keyed = provided.startswith(KEYED_PREFIX)
    if key_required and not keyed:
        raise SignatureError(
            "This backend requires signatures that cover the Idempotency-Key "
            f"({KEYED_PREFIX}...)"
        )
    expected = compute_signature(
        secret, timestamp_text, body, (idempotency_key or "") if keyed else None
    )
    if not hmac.compare_digest(expected, provided):
        raise SignatureError(
            "Signature mismatch: wrong secret, or body, timestamp or key altered"
        )
