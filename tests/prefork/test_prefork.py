"""Production mode: a prefork server (HTTP workers, the evented websocket
process and the queue_job runner) started by bin/test from the project's
setup, as the README recommends for production."""

import json
import os
import time
from pathlib import Path

import pytest
import requests
import websocket
from conftest import FINAL


@pytest.fixture(scope="module")
def prefork():
    """The prefork server bin/test started (HC_ODOO_URL, HC_ODOO_GEVENT_URL).

    The evented process is spawned after the HTTP workers: wait for it.
    """
    gevent = os.environ["HC_ODOO_GEVENT_URL"]
    deadline = time.monotonic() + 90
    while True:
        try:
            requests.get(f"{gevent}/websocket/health", timeout=60)
            break
        except (requests.ConnectionError, requests.Timeout):
            assert time.monotonic() < deadline, "the evented process never listened"
            time.sleep(0.5)
    return {
        "http": os.environ["HC_ODOO_URL"],
        "gevent": gevent,
        "log": Path(os.environ["HC_ODOO_LOG"]),
    }


def test_evented_process_serves_websockets(prefork):
    health = requests.get(f"{prefork['gevent']}/websocket/health", timeout=30)
    assert health.json() == {"status": "pass"}
    ws = websocket.create_connection(
        prefork["gevent"].replace("http", "ws", 1) + "/websocket",
        origin=prefork["gevent"],
        timeout=30,
    )
    try:
        ws.send(
            json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
        )
        ws.ping()
        assert ws.connected
    finally:
        ws.close()
    time.sleep(2)
    text = prefork["log"].read_text()
    assert "Traceback" not in text, text[-3000:]
    assert text.count("Evented Service (longpolling) running") == 1, "no respawn loop"


def test_job_runner_of_prefork_mode_runs_a_job(odoo, backend, sim):
    answer = odoo.execute("hc.flow", "send", [backend["out"]], {"order": "PREFORK-1"})
    message = odoo.wait_for("hc.message", answer["id"], "state", FINAL)
    assert message["state"] == "done"
    [received] = sim.requests(path="/api/orders")
    assert json.loads(received["body"]) == {"order": "PREFORK-1"}


def test_refusal_counts_of_a_flood_are_exact(odoo, backend, prefork):
    """1,000 unsigned requests from 8 senders to the HTTP workers: every one
    refused and counted, none lost to a conflict between workers, and no
    ERROR line for the expected conflicts."""
    from concurrent.futures import ThreadPoolExecutor

    url = f"{prefork['http']}/hc/webhook/{backend['code']}/in"
    offset = odoo.log_size()

    def send(batch):
        session = requests.Session()
        statuses = []
        for n in batch:
            response = session.post(
                url,
                data=json.dumps({"n": n}),
                headers={"Content-Type": "application/json"},
                timeout=60,
            )
            statuses.append(response.status_code)
        return statuses

    with ThreadPoolExecutor(8) as pool:
        statuses = [
            s
            for part in pool.map(send, [range(k, 1000, 8) for k in range(8)])
            for s in part
        ]
    assert statuses == [401] * 1000
    rows = odoo.execute(
        "hc.webhook.refusal",
        "search_read",
        [("backend_code", "=", backend["code"])],
        ["count", "reason_code", "examples"],
    )
    assert sum(row["count"] for row in rows) == 1000
    assert {row["reason_code"] for row in rows} == {"unauthenticated"}
    assert len(rows) <= 3, "one row per reason and minute"
    assert all(len(json.loads(row["examples"])) <= 3 for row in rows)
    logged = odoo.log_since(offset)
    assert " ERROR " not in logged, logged[-3000:]
