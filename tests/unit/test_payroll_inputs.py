"""Compensation inputs: batch document, CSV, masking, reconciliation."""

import csv
import io
from decimal import Decimal

import pytest
from addon_lib import addon_lib

inputs = addon_lib("payroll", "inputs")
D = Decimal
HEADER = inputs.BatchHeader(
    "acme/2025-03-01_2025-03-31/v2",
    2,
    "delta",
    "acme/2025-03-01_2025-03-31/v1",
    "2025-03-01",
    "2025-03-31",
    "EUR",
    "acme",
)
LINES = [
    inputs.InputLine("E1", "OT", D("2.50"), D("0")),
    inputs.InputLine("E1", "ALLOW_MEAL", D("0"), D("120.00")),
    inputs.InputLine("E2", "REG", D("8"), D("0")),
]


def test_batch_document_carries_header_lines_and_totals():
    document = inputs.batch_document(HEADER, LINES)
    assert document["batch"] == HEADER.name
    assert (document["type"], document["original_batch"]) == ("delta", HEADER.original)
    assert document["period"] == {"start": "2025-03-01", "end": "2025-03-31"}
    assert document["lines"][0] == {
        "employee_id": "E1",
        "code": "OT",
        "quantity": 2.5,
        "amount": 0.0,
    }
    assert document["totals"] == {"lines": 3, "quantity": 10.5, "amount": 120.0}


def test_aggregate_sums_per_employee_and_code_and_drops_zero_lines():
    lines = [
        inputs.InputLine("E1", "OT", D("2"), D("0")),
        inputs.InputLine("E1", "OT", D("-2"), D("0")),
        inputs.InputLine("E2", "REG", D("8"), D("0")),
        inputs.InputLine("E2", "REG", D("4"), D("0")),
    ]
    assert inputs.aggregate(lines) == [inputs.InputLine("E2", "REG", D("12"), D("0"))]


def test_csv_has_one_row_per_line_and_survives_commas_and_quotes():
    header = inputs.BatchHeader(
        'odd, "name"', 1, "original", None, "2025-03-01", "2025-03-31", "EUR"
    )
    text = inputs.batch_csv(header, LINES)
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["code"] for r in rows] == ["OT", "ALLOW_MEAL", "REG"]
    assert rows[0]["batch"] == 'odd, "name"'
    assert rows[0]["original_batch"] == ""
    assert (rows[1]["quantity"], rows[1]["amount"]) == ("0.00", "120.00")
    assert tuple(rows[0]) == inputs.CSV_COLUMNS


def test_mask_csv_columns_keeps_header_and_other_columns():
    text = inputs.batch_csv(HEADER, LINES)
    rows = list(csv.DictReader(io.StringIO(inputs.mask_csv_columns(text))))
    assert {r["amount"] for r in rows} == {inputs.MASK}
    assert [r["quantity"] for r in rows] == ["2.50", "0.00", "8.00"]
    assert inputs.mask_csv_columns("no,such\r\n1,2\r\n") == "no,such\r\n1,2\r\n"
    assert inputs.mask_csv_columns("") == ""


def test_reconcile_reports_missing_unexpected_and_mismatched_lines():
    acknowledged = [
        inputs.InputLine("E1", "OT", D("2.00"), D("0")),
        inputs.InputLine("E1", "ALLOW_MEAL", D("0"), D("100")),
        inputs.InputLine("E3", "REG", D("8"), D("0")),
    ]
    found = {(d.employee, d.code): d for d in inputs.reconcile(LINES, acknowledged)}
    assert found["E1", "OT"].kind == inputs.MISMATCH
    assert found["E1", "ALLOW_MEAL"].ack_amount == D("100")
    assert found["E2", "REG"].kind == inputs.MISSING
    assert found["E3", "REG"].kind == inputs.UNEXPECTED
    assert "E2 REG" in found["E2", "REG"].describe()


def test_reconcile_within_tolerance_is_clean():
    acknowledged = [
        inputs.InputLine("E1", "OT", D("2.49"), D("0")),
        inputs.InputLine("E1", "ALLOW_MEAL", D("0"), D("120.01")),
        inputs.InputLine("E2", "REG", D("8"), D("0")),
    ]
    assert inputs.reconcile(LINES, acknowledged, D("0.01")) == []
    assert len(inputs.reconcile(LINES, acknowledged)) == 2


def test_ack_lines_reads_numbers_and_numeric_strings():
    lines = inputs.ack_lines(
        {
            "totals": [
                {"employee_id": "E1", "code": "OT", "quantity": "2.5"},
                {"employee_id": "E1", "code": "ALLOW_MEAL", "amount": 120},
            ]
        }
    )
    assert lines == [
        inputs.InputLine("E1", "OT", D("2.50"), D("0")),
        inputs.InputLine("E1", "ALLOW_MEAL", D("0"), D("120.00")),
    ]


@pytest.mark.parametrize(
    "total",
    [
        {"code": "OT", "quantity": 1},
        {"employee_id": "E1", "code": "OT", "quantity": "lots"},
        {"employee_id": "E1", "code": "OT", "amount": True},
        {"employee_id": "E1", "code": "OT", "amount": "NaN"},
        "not an object",
    ],
)
def test_ack_lines_refuses_unusable_totals(total):
    with pytest.raises(inputs.InputError):
        inputs.ack_lines({"totals": [total]})
