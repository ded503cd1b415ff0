"""The control report simulator reports what another simulator received."""

import datetime as dt
from pathlib import Path

import control_report_simulator
import partner_simulator
import pytest
import requests

SIMULATORS = Path(__file__).resolve().parents[1] / "simulators"


@pytest.fixture
def sims():
    partner = partner_simulator.PartnerSimulator(name="supplier").start()
    reports = control_report_simulator.ControlReportSimulator(
        name="reports",
        reports={
            "orders": {
                "source": partner.url,
                "path": "/orders",
                "type": "order",
                "reference": "json:po_number",
                "lose_first": 1,
            },
            "by-correlation": {"source": partner.url, "path": "/orders", "type": "o"},
        },
    ).start()
    yield partner, reports
    reports.stop()
    partner.stop()


def report(sims, name, day=None):
    day = day or dt.datetime.now(dt.UTC).date()
    answer = requests.get(
        f"{sims[1].url}/reports/{name}/control-report",
        params={"date": day.isoformat()},
        timeout=5,
    )
    return answer.status_code, answer.json()


def send(partner, po_number, correlation):
    requests.post(
        f"{partner.url}/orders",
        json={"po_number": po_number, "total": 1},
        headers={"X-Correlation-ID": correlation},
        timeout=5,
    ).raise_for_status()


def test_reports_what_the_source_received_less_what_it_loses(sims):
    partner, _reports = sims
    for number in ("PO-1", "PO-2", "PO-3"):
        send(partner, number, f"c-{number}")
    status, body = report(sims, "orders")
    assert status == 200
    # the first document received is lost: the seeded difference
    assert [d["reference"] for d in body["documents"]] == ["PO-2", "PO-3"]
    assert {d["type"] for d in body["documents"]} == {"order"}
    # sent again, it is received: the report lists it
    send(partner, "PO-1", "c-PO-1")
    _status, body = report(sims, "orders")
    assert [d["reference"] for d in body["documents"]] == ["PO-2", "PO-3", "PO-1"]
    _status, body = report(sims, "by-correlation")
    assert [d["reference"] for d in body["documents"]] == ["c-PO-1", "c-PO-2", "c-PO-3"]
    # another day: nothing
    _status, body = report(sims, "orders", dt.date(2020, 1, 1))
    assert body["documents"] == []


def test_configuration_and_errors(sims):
    partner, reports = sims
    send(partner, "PO-1", "c-1")
    answer = requests.post(
        f"{reports.url}/_sim/lose", json={"report": "orders", "count": 0}, timeout=5
    )
    assert answer.json() == {"ok": True}
    assert [d["reference"] for d in report(sims, "orders")[1]["documents"]] == ["PO-1"]
    assert report(sims, "nope")[0] == 404
    answer = requests.get(f"{reports.url}/reports/orders/control-report", timeout=5)
    assert answer.status_code == 400
    answer = requests.post(
        f"{reports.url}/_sim/reports", json={"bad": {"source": "x"}}, timeout=5
    )
    assert answer.status_code == 400
    partner.stop()
    assert report(sims, "orders")[0] == 502
