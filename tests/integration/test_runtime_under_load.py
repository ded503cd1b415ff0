"""Defects only real concurrency shows: the started server, its job runner
(two parallel jobs on root.hc), real HTTP clients and a real scheduler."""

import json
import threading
import time
import xmlrpc.client

from conftest import FINAL
from partner_simulator import sign


def wait_all_final(odoo, domain, expected, timeout=180):
    deadline = time.monotonic() + timeout
    while True:
        records = odoo.execute("hc.message", "search_read", domain, ["state"])
        if len(records) >= expected and all(r["state"] in FINAL for r in records):
            return records
        if time.monotonic() > deadline:
            states = sorted({r["state"] for r in records})
            raise AssertionError(f"{len(records)} messages, states {states}")
        time.sleep(1)


def ordered_flow(odoo, backend):
    return odoo.execute(
        "hc.flow",
        "create",
        {
            "name": "Ordered orders",
            "code": "ordered",
            "backend_id": backend["id"],
            "flow_type_id": odoo.flow_type("core.send"),
            "endpoint": "/api/orders",
            "ordered_per_key": True,
            "max_attempts": 3,
            "backoff_base": 1,
            "backoff_max": 2,
        },
    )


def test_a_burst_of_ordered_sends_is_delivered_in_order_per_key(odoo, sim, backend):
    flow_id = ordered_flow(odoo, backend)
    keys = [f"PO-{k:02d}" for k in range(20)]
    for key in keys:
        for n in range(8):
            odoo.execute(
                "hc.flow", "send", [flow_id], {"key": key, "n": n}, ordering_key=key
            )
    records = wait_all_final(odoo, [("flow_id", "=", flow_id)], 160)
    assert {r["state"] for r in records} == {"done"}
    seen = {}
    for request in sim.requests(path="/api/orders"):
        body = json.loads(request["body"])
        seen.setdefault(body["key"], []).append(body["n"])
    assert sorted(seen) == keys
    for key, numbers in seen.items():
        assert numbers == list(range(8)), f"{key} delivered out of order: {numbers}"


def test_concurrent_copies_of_one_signed_request_all_name_the_original(
    odoo, sim, backend
):
    url = f"{odoo.url}/hc/webhook/{backend['code']}/in"
    body = b'{"event": "burst"}'
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-HC-Timestamp": timestamp,
        "X-HC-Signature": sign("suite-hook-secret", timestamp, body),
        "Idempotency-Key": "burst-1",
    }
    answers = []
    start = threading.Barrier(20)

    def post():
        start.wait()
        response = odoo.session.__class__().post(url, data=body, headers=headers)
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=post) for _n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(status for status, _answer in answers)
    assert statuses == [200] * 19 + [202]
    ids = {answer["id"] for _status, answer in answers}
    assert len(ids) == 1 and ids != {False}, f"duplicates must name the original: {ids}"


def test_two_workers_with_an_expired_token_fetch_it_once(odoo, sim, backend):
    odoo.execute(
        "hc.backend",
        "write",
        [backend["id"]],
        {
            "auth_type": "oauth2",
            "username": "demo-client",
            "credential_secret": "demo-secret",
            "token_url": f"{sim.url}/oauth/token",
        },
    )
    # a slow token endpoint: without a lock, both workers would ask for one
    sim.script("/oauth/token", [{"delay": 1.5, "repeat": 5}])
    for n in range(6):
        odoo.execute("hc.flow", "send", [backend["out"]], {"order": f"T-{n}"})
    records = wait_all_final(odoo, [("flow_id", "=", backend["out"])], 6)
    assert {r["state"] for r in records} == {"done"}
    assert sim.tokens_issued == 1
    attempts = odoo.execute(
        "hc.message.attempt",
        "search_read",
        [("message_id", "in", [r["id"] for r in records])],
        ["outcome"],
    )
    # a run that waited for another worker's token made no call
    assert [a["outcome"] for a in attempts] == ["done"] * 6


def test_send_over_xmlrpc_answers_its_reference(odoo, sim, backend):
    proxy = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/object", allow_none=True)
    call = (odoo.db, odoo.uid, odoo.password, "hc.flow", "send")
    answer = proxy.execute_kw(
        *call, [[backend["out"]], {"order": "RPC-1"}], {"idempotency_key": "rpc-k1"}
    )
    again = proxy.execute_kw(
        *call, [[backend["out"]], {"order": "RPC-1"}], {"idempotency_key": "rpc-k1"}
    )
    assert set(answer) == {"id", "name", "state"}
    assert again["id"] == answer["id"], "a retried call does not create a duplicate"


def test_scheduled_batch_runs_as_the_scheduler_runs_it(odoo, sim, psql):
    """The demo's scheduled pull, triggered through the scheduler itself."""
    [flow] = odoo.execute(
        "hc.flow",
        "search_read",
        [("code", "=", "feed_pull")],
        ["cron_id", "backend_id"],
    )
    odoo.execute(
        "hc.backend",
        "write",
        [flow["backend_id"][0]],
        {"base_url": sim.url, "token_url": f"{sim.url}/oauth/token"},
    )
    sim.set_feed("demo", [{"id": "1", "updated_at": "2026-11-01T00:00:00Z"}])
    earlier = odoo.execute("hc.sync.run", "search", [("flow_id", "=", flow["id"])])
    log_start = odoo.log_size()
    odoo.execute(
        "ir.cron.trigger",
        "create",
        {"cron_id": flow["cron_id"][0], "call_at": "2000-01-01 00:00:00"},
    )
    psql("postgres", f"SELECT pg_notify('cron_trigger', '{odoo.db}')")
    deadline = time.monotonic() + 120
    while True:
        runs = odoo.execute(
            "hc.sync.run",
            "search_read",
            [
                ("flow_id", "=", flow["id"]),
                ("origin", "=", "schedule"),
                ("id", "not in", earlier),
            ],
            ["state", "error_text"],
        )
        if runs and runs[0]["state"] != "running":
            break
        assert time.monotonic() < deadline, "the scheduler did not run the flow"
        time.sleep(1)
    assert runs[0]["state"] == "done", runs[0]["error_text"]
    log = odoo.log_since(log_start)
    assert "Forbidden server action" not in log
    assert " ERROR " not in log, log[-3000:]
