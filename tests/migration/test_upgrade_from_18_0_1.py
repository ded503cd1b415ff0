"""Upgrade a database made by 18.0.1.0.0 of the core to the current version.

The previous version comes from this repository's history (git archive of the
commit that released it); a database is installed with it and filled with
what a hospital would have (flows of each kind, messages with payloads in the
filestore, a batch run with its chunks), then upgraded with the current code.
"""

import json
import textwrap

import pytest
from upgrade import MARK, ROOT, previous_addons, run_odoo, shell, upgrade_to_current

PREVIOUS = "d2818c97b024f95236b3701b0a10e30de03b0741"  # 18.0.1.0.0


@pytest.fixture(scope="module")
def addons_18_0_1():
    return previous_addons(PREVIOUS, "18.0.1.0.0")


FILL_WITH_PREVIOUS = f"""
import base64, hashlib, json
flow_out = env.ref("healthcare_integration_core.demo_flow_order_out")
flow_in = env.ref("healthcare_integration_core.demo_flow_event_in")
flow_feed = env.ref("healthcare_integration_core.demo_flow_feed")
queued = flow_out.send({{"order": "UPGRADE-1"}}, ordering_key="PO-U")
received = env["hc.message"]._create_inbound(
    flow_in, b'{{"codes": []}}', "evt-u1", None)
run = env["hc.message"].create({{
    "flow_id": flow_feed.id, "backend_id": flow_feed.backend_id.id,
    "direction": "inbound", "is_batch_run": True, "state": "done",
    "watermark_from": "", "watermark_to": "2026-11-02", "pull_finished": True,
    "count_skipped": 3,
}})
chunk = env["hc.message"].create({{
    "flow_id": flow_feed.id, "backend_id": flow_feed.backend_id.id,
    "direction": "inbound", "parent_id": run.id, "parent_relation": "chunk",
    "sequence": 1, "watermark_to": "2026-11-02", "state": "done",
    "count_skipped": 3, "request_payload": base64.b64encode(b'[{{"id": 1}}]'),
}})
done = env["hc.message"].create({{
    "flow_id": flow_out.id, "backend_id": flow_out.backend_id.id,
    "direction": "outbound", "state": "done",
    "request_payload": base64.b64encode(b'{{"order": "OLD"}}'),
    "response_payload": base64.b64encode(b'{{"status": "accepted"}}'),
}})
env.cr.commit()
attachments = env["ir.attachment"].search_count([
    ("res_model", "=", "hc.message"),
    ("res_field", "in", ("request_payload", "response_payload"))])
print("{MARK}" + json.dumps({{
    "queued": queued.id, "received": received.id, "run": run.id,
    "chunk": chunk.id, "done": done.id, "attachments": attachments,
    "flows": {{"out": flow_out.id, "in": flow_in.id, "feed": flow_feed.id}},
}}))
"""

CHECK_WITH_CURRENT = """
import json
ids = json.loads(IDS)
Message = env["hc.message"]
flows = {k: env["hc.flow"].browse(v) for k, v in ids["flows"].items()}
run = env["hc.sync.run"].search([("flow_id", "=", ids["flows"]["feed"])])
crons = [env.ref("healthcare_integration_core." + x).model_id.model
         for x in ("cron_hc_recover_messages", "cron_hc_retention")]
env.cr.execute("SELECT column_name FROM information_schema.columns "
               "WHERE column_name LIKE 'hc_legacy%%'")
print(MARK + json.dumps({
    "types": {k: f.flow_type_id.code for k, f in flows.items()},
    "directions": {k: f.direction for k, f in flows.items()},
    "feed_cron": flows["feed"].cron_id.model_id.model,
    "crons": crons,
    "queued_body": Message.browse(ids["queued"])._body().decode(),
    "queued_state": Message.browse(ids["queued"]).state,
    "queued_position": Message.browse(ids["queued"]).key_position,
    "received_body": Message.browse(ids["received"])._body().decode(),
    "done_response": Message.browse(ids["done"])._response_body().decode(),
    "chunk_body": Message.browse(ids["chunk"])._body().decode(),
    "chunk_run": Message.browse(ids["chunk"]).run_id.id,
    "run": {"id": run.id, "state": run.state, "skipped": run.count_skipped,
            "pages": run.page_count, "watermark_to": run.watermark_to},
    "old_run_message": Message.browse(ids["run"]).exists().ids,
    "attachments": env["ir.attachment"].search_count([
        ("res_model", "=", "hc.message"),
        ("res_field", "in", ("request_payload", "response_payload"))]),
    "legacy_columns": [r[0] for r in env.cr.fetchall()],
}))
"""


def test_upgrade_keeps_flows_payloads_and_runs(addons_18_0_1, database):
    installed = run_odoo(
        database,
        addons_18_0_1,
        "-i",
        "healthcare_integration_core",
        "--stop-after-init",
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    before = shell(database, addons_18_0_1, FILL_WITH_PREVIOUS)
    assert before["attachments"] == 5, "18.0.1 kept payloads in the filestore"

    upgrade_to_current(database)

    after = shell(
        database,
        ROOT / "addons",
        f"MARK = {MARK!r}\nIDS = {json.dumps(json.dumps(before))}\n"
        + textwrap.dedent(CHECK_WITH_CURRENT),
    )
    assert after["types"] == {
        "out": "core.send",
        "in": "core.crosswalk_check",
        "feed": "core.crosswalk_check_pull",
    }
    assert after["directions"] == {
        "out": "outbound",
        "in": "inbound",
        "feed": "inbound",
    }
    assert after["feed_cron"] == "hc.sync.run"
    assert after["crons"] == ["hc.maintenance", "hc.maintenance"]
    assert json.loads(after["queued_body"]) == {"order": "UPGRADE-1"}
    assert after["queued_state"] == "queued"
    assert after["queued_position"] == before["queued"]
    assert after["received_body"] == '{"codes": []}'
    assert after["done_response"] == '{"status": "accepted"}'
    assert after["chunk_body"] == '[{"id": 1}]'
    assert after["chunk_run"] == after["run"]["id"]
    assert after["run"]["state"] == "done"
    assert after["run"]["skipped"] == 3
    assert after["run"]["pages"] == 1
    assert after["run"]["watermark_to"] == "2026-11-02"
    assert after["old_run_message"] == []
    assert after["attachments"] == 0
    assert after["legacy_columns"] == []
