"""The core's readers of a partner document's values (lib/document_values)."""

import datetime as dt
from decimal import Decimal

import pytest
from lib import document_values as values


class DocumentProblem(ValueError):
    pass


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" ab ", "ab"), (12, "12"), ("", None), (None, None), ({"a": 1}, None)],
)
def test_text_is_a_stripped_scalar(raw, expected):
    assert values.text(raw) == expected


def test_text_is_cut_at_its_limit_or_not_at_all():
    assert values.text("x" * 300) == "x" * 255
    assert values.text("x" * 300, limit=None) == "x" * 300


@pytest.mark.parametrize(
    ("raw", "expected"), [("1.50", "1.50"), (3, "3"), (0.5, "0.5")]
)
def test_decimal_reads_numbers_and_numeric_text(raw, expected):
    assert values.decimal(raw, "qty", DocumentProblem) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "line 2: qty is missing"),
        ("", "line 2: qty is missing"),
        (True, "line 2: qty: True is not a number"),
        ("ten", "line 2: qty: 'ten' is not a number"),
        ("NaN", "line 2: qty: 'NaN' is not a number"),
        ("Infinity", "line 2: qty: 'Infinity' is not a number"),
    ],
)
def test_decimal_refuses_with_the_callers_error(raw, message):
    with pytest.raises(DocumentProblem, match=f"^{message}$"):
        values.decimal(raw, "line 2: qty", DocumentProblem)


def test_date_reads_iso_dates_and_ignores_a_time():
    assert values.date("2026-12-07T10:00:00Z", "start") == dt.date(2026, 12, 7)
    assert values.date(dt.date(2026, 1, 2), "start") == dt.date(2026, 1, 2)


def test_date_missing_is_an_error_only_when_required():
    assert values.date("", "end", DocumentProblem, required=False) is None
    with pytest.raises(DocumentProblem, match="^end is missing$"):
        values.date(None, "end", DocumentProblem)


def test_date_refuses_what_is_no_calendar_day():
    with pytest.raises(DocumentProblem, match="is not a date YYYY-MM-DD"):
        values.date("2026-02-30", "start", DocumentProblem)
