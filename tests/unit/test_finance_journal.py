"""Journal entry batches for the finance system: control totals, CSV, acks."""

import csv
import io
from decimal import Decimal as D

import pytest
from addon_lib import addon_lib

journal = addon_lib("finance", "journal")
BILL = journal.Entry(
    "BILL/2026/0001",
    "2026-12-06",
    "BILL",
    "INV-77",
    (
        journal.Line("600000", D("100.00"), D(0), "Gloves", "V-4471", "ICU"),
        journal.Line("401100", D(0), D("100.00"), "INV-77", "V-4471"),
    ),
)
REVERSAL = journal.Entry(
    "RBILL/2026/0001",
    "2026-12-07",
    "BILL",
    "Reversal",
    (
        journal.Line("401100", D("100.00"), D(0)),
        journal.Line("600000", D(0), D("100.00")),
    ),
    reverses="BILL/2026/0001",
)


def test_control_totals_and_json():
    batch = journal.batch_json("FIN/1", "2026-12-07", "EUR", [BILL, REVERSAL])
    assert batch["control"] == {
        "entries": 2,
        "lines": 4,
        "debit": "200.00",
        "credit": "200.00",
    }
    assert batch["entries"][1]["reverses"] == "BILL/2026/0001"
    assert batch["entries"][0]["lines"][0]["analytic"] == "ICU"
    assert journal.unbalanced([BILL, REVERSAL]) == []


def test_csv_lines_and_trailer():
    rows = list(csv.reader(io.StringIO(journal.batch_csv("FIN/1", "EUR", [BILL]))))
    assert rows[0] == list(journal.CSV_HEADER)
    assert [row[0] for row in rows[1:]] == ["L", "L", "T"]
    assert rows[1][7] == "600000"
    assert rows[-1][1] == "FIN/1"
    assert rows[-1][6] == "2"
    assert rows[-1][11:13] == ["100.00", "100.00"]


def test_acknowledgements():
    sent = journal.totals([BILL])
    name, accepted, received, rejected = journal.read_ack(
        {"batch": "FIN/1", "status": "accepted", "control": sent.as_dict()}
    )
    assert (name, accepted, rejected) == ("FIN/1", True, {})
    assert journal.control_differences(sent, received) == []
    received = journal.Totals(1, 2, D("100.00"), D("99.00"))
    assert journal.control_differences(sent, received) == [
        "credit: sent 100.00, acknowledged 99.00"
    ]
    for bad in (
        {},
        {"batch": "F", "status": "ok"},
        {"batch": "F", "status": "accepted", "control": {"entries": 1}},
    ):
        with pytest.raises(journal.AckError):
            journal.read_ack(bad)
