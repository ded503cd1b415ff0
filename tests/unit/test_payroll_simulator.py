"""The payroll simulator: batches in, acknowledgements and results out."""

import json
import re
from decimal import Decimal

import payroll_simulator as sim_module
import pytest
import requests

BATCH = {
    "batch": "p/2025-03-01_2025-03-31/v1",
    "version": 1,
    "type": "original",
    "period": {"start": "2025-03-01", "end": "2025-03-31"},
    "currency": "USD",
    "lines": [
        {"employee_id": "E1", "code": "REG", "quantity": 8.0, "amount": 0.0},
        {"employee_id": "E1", "code": "ALLOW_MEAL", "quantity": 0.0, "amount": 20.0},
        {"employee_id": "E1", "code": "DED_UNIFORM", "quantity": 0.0, "amount": 5.0},
        {"employee_id": "E2", "code": "OT", "quantity": 2.5, "amount": 0.0},
    ],
    "totals": {"lines": 4, "quantity": 10.5, "amount": 25.0},
}


@pytest.fixture
def sim():
    with sim_module.PayrollSimulator(port=0, name="unit") as server:
        yield server


def post(sim, path, body, content_type, key):
    return requests.post(
        f"{sim.url}{path}",
        data=body,
        headers={"Content-Type": content_type, "Idempotency-Key": key},
        timeout=5,
    )


def test_json_batch_is_acknowledged_once_per_key(sim):
    answer = post(sim, "/payroll/inputs", json.dumps(BATCH), "application/json", "k1")
    assert answer.status_code == 200
    ack = answer.json()
    assert (ack["status"], ack["batch"]) == ("accepted", BATCH["batch"])
    assert {(t["employee_id"], t["code"]): t["quantity"] for t in ack["totals"]}[
        "E2", "OT"
    ] == 2.5
    again = post(sim, "/payroll/inputs", json.dumps(BATCH), "application/json", "k1")
    assert again.json() == ack
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(sim.batch_summaries()) == 1


def test_csv_batch_and_adjusted_acknowledgement(sim):
    header = sim_module.parse_batch(json.dumps(BATCH), "application/json")
    csv_text = "batch,version,type,original_batch,period_start,period_end,currency,"
    csv_text += "employee_id,code,quantity,amount\r\n"
    for employee, code, quantity, amount in header["lines"]:
        csv_text += (
            f"{header['name']},1,original,,2025-03-01,2025-03-31,USD,"
            f"{employee},{code},{quantity},{amount}\r\n"
        )
    sim.adjust_next_ack({("E1", "REG"): {"quantity": 7}, ("E2", "OT"): None})
    ack = post(sim, "/payroll/inputs.csv", csv_text, "text/csv", "k2").json()
    totals = {(t["employee_id"], t["code"]): t for t in ack["totals"]}
    assert totals["E1", "REG"]["quantity"] == 7
    assert ("E2", "OT") not in totals
    assert (
        post(sim, "/payroll/inputs", "nope", "application/json", "k3").status_code
        == 400
    )


def test_results_add_up_per_employee(sim):
    post(sim, "/payroll/inputs", json.dumps(BATCH), "application/json", "k4")
    results = sim.results(("2025-03-01", "2025-03-31"))
    assert (results["run_id"], results["revision"]) == (
        "demo_payroll_provider-2025-03",
        1,
    )
    for employee in results["employees"]:
        gross = sum(Decimal(str(g["amount"])) for g in employee["gross"])
        withheld = sum(Decimal(str(d["amount"])) for d in employee["deductions"])
        assert gross - withheld == Decimal(str(employee["net"]))
        assert employee["national_id"] and employee["bank_account"]
    first = results["employees"][0]
    assert {d["code"] for d in first["deductions"]} == {
        "DED_UNIFORM",
        "EE_TAX",
        "EE_SS",
    }


def test_demo_story_events_follow_each_other():
    events = [sim_module.story_event(n) for n in range(5)]
    assert [e["event_type"] for e in events] == [
        "hire",
        "transfer",
        "leave_start",
        "leave_end",
        "termination",
    ]
    assert [e["sequence"] for e in events] == [1, 2, 3, 4, 5]
    assert not re.search(r"\{[a-z_]+\}", json.dumps(events)), "dates filled in"
