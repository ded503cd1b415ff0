"""Upgrade a database made by 18.0.2.0.0 (the core holding the RabbitMQ broker
and the operations) to the current version, where both are addons of their
own: nothing is lost, both are installed by the update, and an addon that
extended the operations (reconciliation) follows them to their new home.
"""

import json
import textwrap

import pytest
from upgrade import MARK, ROOT, previous_addons, run_odoo, shell, upgrade_to_current

PREVIOUS = "98dbc4efe5caa39e195c882db3ccd37b1dab4dbe"  # 18.0.2.0.0
MODULES = "healthcare_integration_core,healthcare_integration_reconciliation"


@pytest.fixture(scope="module")
def addons_18_0_2():
    return previous_addons(PREVIOUS, "18.0.2.0.0")


FILL_WITH_PREVIOUS = f"""
import json
broker = env["hc.backend"].create({{
    "name": "Ward broker", "code": "ward-broker", "transport": "amqp",
    "amqp_host": "mq.ward.example", "amqp_port": 5671,
    "amqp_virtual_host": "/wards", "amqp_use_tls": True, "amqp_prefetch": 7,
}})
flow = env["hc.flow"].create({{
    "name": "Ward events", "backend_id": broker.id,
    "flow_type_id": env.ref("healthcare_integration_core.flow_type_send").id,
    "amqp_exchange": "wards", "amqp_routing_key": "ward.events",
}})
rule = env["hc.alert.rule"].create({{
    "name": "Ward broker down", "condition": "dead_messages",
    "backend_id": broker.id, "threshold": 3,
}})
silence = env["hc.alert.rule"].create({{
    "name": "Feed silent", "condition": "silence", "flow_id": flow.id,
}})
alert = env["hc.alert"].create({{
    "name": "Ward broker down: 5 failed", "rule_id": rule.id,
    "condition": "dead_messages", "backend_id": broker.id, "value": 5,
    "opened_at": "2026-11-30 08:00:00",
}})
env["hc.ops.metrics"]._set_token("t" * 40)
env.cr.commit()
print("{MARK}" + json.dumps({{
    "broker": broker.id, "flow": flow.id, "rule": rule.id,
    "silence": silence.id, "alert": alert.id,
}}))
"""

CHECK_WITH_CURRENT = """
import json
ids = json.loads(IDS)
broker = env["hc.backend"].browse(ids["broker"])
flow = env["hc.flow"].browse(ids["flow"])
rule = env["hc.alert.rule"].browse(ids["rule"])
alert = env["hc.alert"].browse(ids["alert"])
Data = env["ir.model.data"]
def home(name):
    return Data.search([("name", "=", name)]).mapped("module")
states = {m.name: m.state for m in env["ir.module.module"].search(
    [("name", "like", "healthcare_integration_%")])}
print(MARK + json.dumps({
    "states": states,
    "broker": [broker.transport, broker.amqp_host, broker.amqp_port,
               broker.amqp_virtual_host, broker.amqp_use_tls, broker.amqp_prefetch],
    "flow": [flow.amqp_exchange, flow.amqp_routing_key],
    "rule": [rule.name, rule.condition, rule.threshold, rule.backend_id.id],
    "silence": env["hc.alert.rule"].browse(ids["silence"]).condition,
    "alert": [alert.rule_id.id, alert.value, alert.state],
    "token": env["hc.ops.metrics"]._check_token("t" * 40),
    "homes": {name: home(name) for name in (
        "model_hc_config_transfer", "field_hc_backend__amqp_host",
        "cron_hc_alert_evaluate", "hc_ops_dashboard_action",
        "model_hc_amqp_inbound", "field_hc_backend__name")},
    "root_action": env.ref("healthcare_integration_core.menu_hc_root").action._name,
}))
"""


def test_split_keeps_broker_and_operations(addons_18_0_2, database):
    installed = run_odoo(
        database,
        addons_18_0_2,
        "-i",
        MODULES,
        "--stop-after-init",
        "--without-demo=all",
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    before = shell(database, addons_18_0_2, FILL_WITH_PREVIOUS)

    upgrade_to_current(database)

    after = shell(
        database,
        ROOT / "addons",
        f"MARK = {MARK!r}\nIDS = {json.dumps(json.dumps(before))}\n"
        + textwrap.dedent(CHECK_WITH_CURRENT),
    )
    for module in ("core", "broker", "ops", "reconciliation"):
        assert after["states"][f"healthcare_integration_{module}"] == "installed"
    assert after["broker"] == ["amqp", "mq.ward.example", 5671, "/wards", True, 7]
    assert after["flow"] == ["wards", "ward.events"]
    assert after["rule"] == ["Ward broker down", "dead_messages", 3, before["broker"]]
    assert after["silence"] == "silence", "reconciliation's condition kept"
    assert after["alert"][:2] == [before["rule"], 5]
    assert after["token"], "the metrics token still opens the scrape"
    assert after["homes"] == {
        "model_hc_config_transfer": ["healthcare_integration_ops"],
        "field_hc_backend__amqp_host": ["healthcare_integration_broker"],
        "cron_hc_alert_evaluate": ["healthcare_integration_ops"],
        "hc_ops_dashboard_action": ["healthcare_integration_ops"],
        "model_hc_amqp_inbound": ["healthcare_integration_broker"],
        "field_hc_backend__name": ["healthcare_integration_core"],
    }
    assert after["root_action"] == "ir.actions.client", "dashboard still lands"
