"""The eProcurement simulator: its requisition and contract feeds, the
statuses it records, its control page, and requisitions pushed to a signed
webhook."""

import hashlib
import hmac
import json
from pathlib import Path

import eprocurement_simulator
import partner_simulator
import pytest
import requests

SIMULATORS = Path(__file__).resolve().parents[1] / "simulators"


@pytest.fixture
def odoo():
    """A partner simulator standing in for Odoo's webhook."""
    target = partner_simulator.PartnerSimulator(name="odoo").start()
    yield target
    target.stop()


@pytest.fixture
def sim(odoo):
    simulator = eprocurement_simulator.start(
        name="unit", webhook_secret="s3cret", odoo_url=odoo.url, backend="b1"
    )
    yield simulator
    simulator.stop()


def test_feed_pages_the_demo_requisitions(sim):
    first = requests.get(f"{sim.url}/feeds/requisitions?limit=2", timeout=5).json()
    assert [item["requisition_id"] for item in first["items"]] == [
        "REQ-2026-0101",
        "REQ-2026-0102",
    ]
    rest = requests.get(
        f"{sim.url}/feeds/requisitions?limit=2&cursor={first['next_cursor']}",
        timeout=5,
    ).json()
    assert [item["cost_centre"] for item in rest["items"]] == ["CC-9999"]
    assert rest["next_cursor"] is None


def test_contract_repository_feed_and_page(sim):
    feed = requests.get(f"{sim.url}/feeds/contracts", timeout=5).json()
    contracts = {item["contract_id"]: item for item in feed["items"]}
    assert list(contracts) == [
        "CTR-NB-FRAMEWORK",
        "CTR-NB-GLOVES-EXT",
        "CTR-MD-MASKS",
    ]
    framework = contracts["CTR-NB-FRAMEWORK"]
    assert framework["supplier"]["code"] == "V-4471"
    assert framework["date_start"] < framework["date_end"]
    # the two the demo refuses: an overlapping period, an end before the start
    assert contracts["CTR-NB-GLOVES-EXT"]["date_start"] < framework["date_end"]
    masks = contracts["CTR-MD-MASKS"]
    assert masks["date_end"] < masks["date_start"]
    page = requests.get(f"{sim.url}/_sim/eprocurement", timeout=5).text
    assert "Contract repository" in page and "CTR-NB-FRAMEWORK" in page


def test_statuses_recorded_and_shown(sim):
    for status in ("pending_approval", "approved"):
        requests.post(
            f"{sim.url}/requisitions/status",
            json={
                "requisition_id": "REQ-2026-0102",
                "status": status,
                "purchase_orders": [{"po_number": "P00042"}],
            },
            timeout=5,
        )
    assert [d["status"] for d in sim.statuses("REQ-2026-0102")] == [
        "pending_approval",
        "approved",
    ]
    page = requests.get(f"{sim.url}/_sim/eprocurement", timeout=5).text
    assert "<td>approved</td><td>P00042</td>" in page


def test_an_order_held_for_budget_shown_with_its_reason(sim):
    requests.post(
        f"{sim.url}/requisitions/status",
        json={
            "requisition_id": "REQ-2026-0101",
            "status": "held",
            "hold": {"reason": "budget", "detail": "Cost centre CC-4100: ..."},
            "purchase_orders": [
                {"po_number": "P00043", "hold": {"reason": "budget", "detail": "-"}}
            ],
        },
        timeout=5,
    )
    page = requests.get(f"{sim.url}/_sim/eprocurement", timeout=5).text
    assert "<td>held (budget hold)</td><td>P00043 (budget hold)</td>" in page


def test_send_requisition_signs_the_webhook(sim, odoo):
    status, _answer = sim.send_requisition("REQ-2026-0101", key="k1")
    assert status == 200
    [call] = odoo.requests(path="/hc/webhook/b1/requisition.requisition_in")
    body = call["body"].encode()
    assert json.loads(body)["requisition_id"] == "REQ-2026-0101"
    headers = {k.lower(): v for k, v in call["headers"].items()}
    expected = hmac.new(
        b"s3cret", f"{headers['x-hc-timestamp']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert headers["x-hc-signature"] == f"sha256={expected}"
    assert headers["idempotency-key"] == "k1"
