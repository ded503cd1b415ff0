import hashlib
import hmac

import pytest
from lib import signing
from lib.signing import SignatureError

SECRET = "s3cret"
BODY = b'{"id": 1}'
NOW = 1_700_000_000


def _verify(headers, body=BODY, secret=SECRET, now=NOW, **kwargs):
    signing.verify_signature(
        secret,
        headers.get(signing.TIMESTAMP_HEADER),
        headers.get(signing.SIGNATURE_HEADER),
        body,
        now=now,
        **kwargs,
    )


def _reason(headers, **kwargs):
    with pytest.raises(SignatureError) as info:
        _verify(headers, **kwargs)
    assert str(info.value) == info.value.reason
    return info.value.reason


def test_compute_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(b"s3cret", b"123." + BODY, hashlib.sha256).hexdigest()
    assert signing.compute_signature(SECRET, 123, BODY) == f"sha256={expected}"
    assert signing.compute_signature(SECRET, "123", BODY) == f"sha256={expected}"
    assert signing.compute_signature(b"s3cret", 123, BODY) == f"sha256={expected}"


def test_empty_secret_is_refused():
    with pytest.raises(ValueError, match="empty"):
        signing.compute_signature("", 1, BODY)


def test_signed_headers_round_trip():
    headers = signing.signed_headers(SECRET, BODY, now=NOW + 0.9)
    assert headers[signing.TIMESTAMP_HEADER] == str(NOW)
    _verify(headers)


def test_uppercase_hex_and_whitespace_are_accepted():
    headers = signing.signed_headers(SECRET, BODY, now=NOW)
    prefix, digest = headers[signing.SIGNATURE_HEADER].split("=")
    headers[signing.SIGNATURE_HEADER] = f" {prefix}={digest.upper()} "
    _verify(headers)


def test_tampered_body_is_rejected():
    headers = signing.signed_headers(SECRET, BODY, now=NOW)
    assert "mismatch" in _reason(headers, body=b'{"id": 2}')


def test_tampered_timestamp_is_rejected():
    headers = signing.signed_headers(SECRET, BODY, now=NOW)
    headers[signing.TIMESTAMP_HEADER] = str(NOW - 1)
    assert "mismatch" in _reason(headers)


def test_wrong_secret_is_rejected():
    headers = signing.signed_headers("other", BODY, now=NOW)
    assert "mismatch" in _reason(headers)


def test_timestamp_at_tolerance_edge_is_accepted():
    headers = signing.signed_headers(SECRET, BODY, now=NOW)
    _verify(headers, now=NOW + 300)
    _verify(headers, now=NOW - 300)


def test_stale_timestamp_is_rejected_even_with_valid_signature():
    headers = signing.signed_headers(SECRET, BODY, now=NOW)
    reason = _reason(headers, now=NOW + 301)
    assert "Stale" in reason
    assert "300s" in reason


def test_future_timestamp_is_rejected():
    headers = signing.signed_headers(SECRET, BODY, now=NOW + 600)
    assert "future" in _reason(headers)


def test_custom_tolerance():
    headers = signing.signed_headers(SECRET, BODY, now=NOW)
    assert "Stale" in _reason(headers, now=NOW + 11, tolerance=10)


@pytest.mark.parametrize(
    ("timestamp", "signature", "expected"),
    [
        (None, "sha256=" + "0" * 64, "Missing X-HC-Timestamp"),
        ("", "sha256=" + "0" * 64, "Missing X-HC-Timestamp"),
        (str(NOW), None, "Missing X-HC-Signature"),
        (str(NOW), "  ", "Missing X-HC-Signature"),
    ],
)
def test_missing_headers(timestamp, signature, expected):
    headers = {
        signing.TIMESTAMP_HEADER: timestamp,
        signing.SIGNATURE_HEADER: signature,
    }
    assert expected in _reason(headers)


@pytest.mark.parametrize("timestamp", ["abc", "12.5", "-5", "1e9", "\u0661\u0662"])
def test_malformed_timestamp(timestamp):
    headers = {
        signing.TIMESTAMP_HEADER: timestamp,
        signing.SIGNATURE_HEADER: "sha256=" + "0" * 64,
    }
    assert "Malformed X-HC-Timestamp" in _reason(headers)


@pytest.mark.parametrize(
    "signature",
    [
        "0" * 64,
        "md5=" + "0" * 64,
        "sha256=" + "z" * 64,
        "sha256=" + "0" * 63,
        "sha256=",
    ],
)
def test_malformed_signature(signature):
    headers = {signing.TIMESTAMP_HEADER: str(NOW), signing.SIGNATURE_HEADER: signature}
    assert "Malformed X-HC-Signature" in _reason(headers)
