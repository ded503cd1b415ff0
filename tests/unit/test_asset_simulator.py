"""The asset addon's EAM/finance simulator (tests/simulators/asset_simulator.py)."""

import json

import asset_simulator
import pytest
import requests

partner = asset_simulator.partner


@pytest.fixture
def eam():
    with asset_simulator.EamSimulator(
        port=0, name="eam", webhook_secret="s3cret"
    ) as sim:
        yield sim


@pytest.fixture
def odoo():
    """A stand-in for Odoo's webhook route: records what it receives."""
    with partner.PartnerSimulator(port=0, name="odoo") as sim:
        yield sim


def register(sim, key):
    return requests.post(
        f"{sim.url}/api/eam/assets",
        json={"serial": "SN-1"},
        headers={"Idempotency-Key": key},
        timeout=5,
    )


def test_a_new_asset_gets_a_stable_eam_id(eam):
    first = register(eam, "equipment/5/r1")
    assert first.status_code == 201
    assert first.json() == {"asset_id": "EAM-000001", "status": "registered"}
    assert register(eam, "equipment/5/r1").json()["asset_id"] == "EAM-000001"
    assert register(eam, "equipment/6/r1").json()["asset_id"] == "EAM-000002"
    updated = requests.put(f"{eam.url}/api/eam/assets/EAM-000001", json={}, timeout=5)
    assert updated.status_code == 200
    assert [r["method"] for r in eam.requests(path="/api/eam/assets")] == ["POST"] * 3


def test_scripted_failures_still_apply_to_registrations(eam):
    eam.fail_next("/api/eam/assets", status=503)
    assert register(eam, "equipment/7/r1").status_code == 503
    assert register(eam, "equipment/7/r1").status_code == 201


def test_control_route_sends_a_signed_work_order_to_odoo(eam, odoo):
    eam.odoo_url = odoo.url
    answer = requests.post(
        f"{eam.url}/_sim/eam/work_order",
        json={"serial": "SN-1", "status": "closed", "closed_at": "2026-03-04"},
        timeout=5,
    ).json()
    assert answer["status"] == 200
    [call] = odoo.requests(path="/hc/webhook/eam_demo/asset.work_order_in")
    body = call["body"].encode()
    document = json.loads(body)
    assert (document["serial"], document["status"]) == ("SN-1", "closed")
    assert document["work_order_id"] == "WO-1001"
    timestamp = call["headers"]["X-HC-Timestamp"]
    assert call["headers"]["X-HC-Signature"] == partner.sign("s3cret", timestamp, body)


def test_lifecycle_documents():
    assert asset_simulator.lifecycle(
        "in_service", serial="SN-1", in_service_date="2026-03-01"
    ) == {"event": "in_service", "serial": "SN-1", "in_service_date": "2026-03-01"}
    order = asset_simulator.work_order(asset_id="EAM-1", status="open")
    assert order["asset_id"] == "EAM-1"
    assert "serial" not in order


def test_arguments_bin_start_passes():
    args = asset_simulator.parse_args(
        ["--port", "8083", "--name", "demo-asset", "--webhook-secret", "x"]
    )
    assert (args.port, args.name, args.webhook_secret) == (8083, "demo-asset", "x")
    assert asset_simulator.DEMO_PORT == 8083
