"""The core runtime on a started server with the real queue_job runner."""

import json

FINAL = ("done", "dead", "cancelled", "duplicate")


def latest_message(odoo, flow_id):
    [message_id] = odoo.execute(
        "hc.message", "search", [("flow_id", "=", flow_id)], limit=1, order="id desc"
    )
    return message_id


def test_job_is_executed_by_the_real_job_runner(odoo, sim, backend):
    odoo.execute("hc.flow", "action_send_test_message", [backend["out"]])
    message_id = latest_message(odoo, backend["out"])
    message = odoo.wait_for("hc.message", message_id, "state", FINAL)
    assert message["state"] == "done"
    job_uuid = odoo.read_one("hc.message", message_id, ["job_uuid"])["job_uuid"]
    [job] = odoo.execute(
        "queue.job", "search_read", [("uuid", "=", job_uuid)], ["state", "channel"]
    )
    assert job["state"] == "done"
    assert job["channel"] == "root.hc"
    [received] = sim.requests(path="/api/orders")
    assert json.loads(received["body"]) == {"order": "SUITE-1"}
    assert received["headers"]["X-API-Key"] == "suite-api-key"


def test_partner_down_then_replay_from_the_ui_action(odoo, sim, backend):
    sim.fail_next("/api/orders", count=2, status=503)
    odoo.execute("hc.flow", "action_send_test_message", [backend["out"]])
    message_id = latest_message(odoo, backend["out"])
    message = odoo.wait_for("hc.message", message_id, "state", FINAL)
    assert message["state"] == "dead"
    odoo.execute("hc.message", "action_replay", [message_id])
    replay_id = latest_message(odoo, backend["out"])
    assert replay_id != message_id
    replay = odoo.wait_for("hc.message", replay_id, "state", FINAL)
    assert replay["state"] == "done"
    assert len(sim.requests(path="/api/orders")) == 3


def test_signed_webhook_is_processed_by_the_runner(odoo, sim, backend):
    url = f"{odoo.url}/hc/webhook/{backend['code']}/in"
    status, body = sim.call_webhook(
        url, {"event": "delivered"}, secret="suite-hook-secret", idempotency_key="e-1"
    )
    assert status == 202
    message = odoo.wait_for("hc.message", body["id"], "state", FINAL)
    assert message["state"] == "done"
    status, again = sim.call_webhook(
        url, {"event": "delivered"}, secret="suite-hook-secret", idempotency_key="e-1"
    )
    assert status == 200
    assert again["id"] == body["id"]


def test_unsigned_webhook_is_refused(odoo, sim, backend):
    url = f"{odoo.url}/hc/webhook/{backend['code']}/in"
    status, _body = sim.call_webhook(url, {"event": "x"}, secret="wrong")
    assert status == 401


def test_batch_pull_runs_its_chunks_on_the_runner(odoo, sim, backend):
    items = [
        {"id": str(n), "updated_at": f"2026-11-0{n}T08:00:00Z"} for n in range(1, 6)
    ]
    sim.set_feed("suite", items, page_size=2)
    flow_id = odoo.execute(
        "hc.flow",
        "create",
        {
            "name": "Suite feed",
            "code": "feed",
            "backend_id": backend["id"],
            "flow_type_id": odoo.flow_type("core.receive_pull"),
            "endpoint": "/feeds/suite",
            "batch_page_size": 2,
        },
    )
    cron = odoo.read_one("hc.flow", flow_id, ["cron_id"])["cron_id"]
    assert cron, "a batch flow owns a scheduled action"
    # the new flow's schedule is due at once and may start its first run
    # before "Run now", which then shows that run rather than a second one
    answer = odoo.execute("hc.flow", "action_run_batch", [flow_id])
    [run_id] = odoo.execute("hc.sync.run", "search", [("flow_id", "=", flow_id)])
    name = odoo.read_one("hc.sync.run", run_id, ["name"])["name"]
    assert name in answer["params"]["message"], answer
    run = odoo.wait_for("hc.sync.run", run_id, "state", FINAL)
    assert run["state"] == "done"
    summary = odoo.read_one(
        "hc.sync.run", run_id, ["count_skipped", "count_failed", "message_ids"]
    )
    assert summary["count_skipped"] == 5
    assert summary["count_failed"] == 0
    assert len(summary["message_ids"]) == 3
    flow = odoo.read_one("hc.flow", flow_id, ["watermark"])
    assert flow["watermark"] == "2026-11-05T08:00:00Z"
