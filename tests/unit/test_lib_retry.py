from email.utils import formatdate

import pytest
import requests
from lib import retry
from lib.retry import Outcome

NOW = 1_700_000_000.0


@pytest.mark.parametrize("status", [200, 201, 204, 299])
def test_2xx_is_ok(status):
    outcome = retry.classify_status(status)
    assert outcome.ok
    assert not outcome.retryable
    assert outcome.error_class is None
    assert outcome.status == status


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 599])
def test_transient_statuses_are_retryable_technical(status):
    outcome = retry.classify_status(status)
    assert not outcome.ok
    assert outcome.retryable
    assert outcome.error_class == retry.ERROR_TECHNICAL
    assert str(status) in outcome.reason


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (401, retry.ERROR_AUTHENTICATION),
        (403, retry.ERROR_AUTHENTICATION),
        (400, retry.ERROR_VALIDATION),
        (422, retry.ERROR_VALIDATION),
        (404, retry.ERROR_BUSINESS),
        (409, retry.ERROR_BUSINESS),
        (499, retry.ERROR_BUSINESS),
    ],
)
def test_client_errors_are_not_retryable(status, error_class):
    outcome = retry.classify_status(status)
    assert not outcome.ok
    assert not outcome.retryable
    assert outcome.error_class == error_class


@pytest.mark.parametrize("status", [100, 301, 302, 304, 600])
def test_unexpected_statuses(status):
    outcome = retry.classify_status(status)
    assert not outcome.ok
    assert not outcome.retryable
    assert outcome.error_class == retry.ERROR_TECHNICAL
    assert "Unexpected status" in outcome.reason


def test_retry_after_seconds_with_case_insensitive_header():
    outcome = retry.classify_status(429, {"retry-after": "120"})
    assert outcome.retry_after == 120


def test_retry_after_http_date():
    headers = {"RETRY-AFTER": formatdate(NOW + 90, usegmt=True)}
    outcome = retry.classify_status(503, headers, now=NOW)
    assert outcome.retry_after == pytest.approx(90)


def test_retry_after_ignored_on_non_retryable_status():
    assert retry.classify_status(400, {"Retry-After": "10"}).retry_after is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("0", 0),
        (" 45 ", 45),
        ("1.5", 1.5),
        ("-5", 0),
        ("soon", None),
        ("nan", None),
        ("Mon, 99 Foo 2024 99:99:99 GMT", None),
        (formatdate(NOW - 60, usegmt=True), 0),
        (formatdate(NOW + 30, usegmt=True), 30),
        ("Tue, 14 Nov 2023 22:13:50 -0000", 30),
    ],
)
def test_parse_retry_after(value, expected):
    assert retry.parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(
    "exc",
    [
        requests.exceptions.Timeout(),
        requests.exceptions.ConnectTimeout(),
        requests.exceptions.ReadTimeout(),
        requests.exceptions.ConnectionError(),
        requests.exceptions.ChunkedEncodingError(),
        ConnectionResetError(),
        TimeoutError(),
    ],
)
def test_transient_exceptions_are_retryable(exc):
    outcome = retry.classify_exception(exc)
    assert not outcome.ok
    assert outcome.retryable
    assert outcome.error_class == retry.ERROR_TECHNICAL
    assert type(exc).__name__ in outcome.reason
    assert outcome.status is None


def test_ssl_error_is_not_retryable_despite_being_a_connection_error():
    exc = requests.exceptions.SSLError("certificate verify failed")
    assert isinstance(exc, requests.exceptions.ConnectionError)
    outcome = retry.classify_exception(exc)
    assert not outcome.retryable
    assert outcome.error_class == retry.ERROR_TECHNICAL
    assert "SSLError" in outcome.reason


@pytest.mark.parametrize(
    "exc", [ValueError("boom"), requests.exceptions.InvalidURL("x"), KeyError("k")]
)
def test_other_exceptions_are_not_retryable(exc):
    outcome = retry.classify_exception(exc)
    assert not outcome.retryable
    assert outcome.error_class == retry.ERROR_TECHNICAL
    assert type(exc).__name__ in outcome.reason


def test_backoff_without_jitter_is_exponential():
    def middle():
        return 0.5

    delays = [retry.backoff_delay(n, rand=middle) for n in range(1, 5)]
    assert delays == [30, 60, 120, 240]


def test_backoff_attempt_below_one_counts_as_first():
    assert retry.backoff_delay(0, rand=lambda: 0.5) == 30


def test_backoff_jitter_bounds():
    assert retry.backoff_delay(1, rand=lambda: 0.0) == pytest.approx(24)
    assert retry.backoff_delay(1, rand=lambda: 1.0) == pytest.approx(36)
    assert retry.backoff_delay(2, jitter=0, rand=lambda: 0.0) == 60


def test_backoff_is_capped_even_with_jitter_and_huge_attempts():
    assert retry.backoff_delay(20, rand=lambda: 0.5) == 3600
    assert retry.backoff_delay(20, rand=lambda: 1.0) == 3600
    assert retry.backoff_delay(20, rand=lambda: 0.0) == pytest.approx(2880)
    assert retry.backoff_delay(100_000, factor=2.0, rand=lambda: 0.5) == 3600
    assert retry.backoff_delay(3, base=1, max_delay=3, rand=lambda: 0.5) == 3


def test_next_retry_delay_honours_retry_after():
    outcome = Outcome(False, True, retry.ERROR_TECHNICAL, "HTTP 429", 429, 500.0)
    assert retry.next_retry_delay(1, outcome, 30, 3600, rand=lambda: 0.5) == 500
    short = Outcome(False, True, retry.ERROR_TECHNICAL, "HTTP 429", 429, 1.0)
    assert retry.next_retry_delay(2, short, 30, 3600, rand=lambda: 0.5) == 60
    plain = Outcome(False, True, retry.ERROR_TECHNICAL, "HTTP 503", 503)
    assert retry.next_retry_delay(1, plain, 10, 3600, rand=lambda: 0.5) == 10


def test_outcome_is_frozen():
    outcome = retry.classify_status(200)
    with pytest.raises(AttributeError):
        outcome.ok = False
