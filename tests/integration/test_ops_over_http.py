"""Operations on a started server: metrics scraped over HTTP, the dashboard
over RPC, after a delivery made by the real job runner."""

import requests
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "suite-metrics-token-0123456789abcdefghij"
FINAL = ("done", "dead", "cancelled", "duplicate")


def scrape(odoo, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{odoo.url}/hc/metrics", headers=headers, timeout=30)


def samples(text):
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_a_delivery_shows_in_the_metrics_and_on_the_dashboard(odoo, sim, backend):
    odoo.execute("hc.metrics.token.wizard", "create", {"token": TOKEN})
    assert scrape(odoo).status_code == 401
    assert scrape(odoo, "not-the-token").status_code == 401

    odoo.execute("hc.flow", "action_send_test_message", [backend["out"]])
    [message_id] = odoo.execute(
        "hc.message", "search", [("flow_id", "=", backend["out"])], limit=1
    )
    assert odoo.wait_for("hc.message", message_id, "state", FINAL)["state"] == "done"

    response = scrape(odoo, TOKEN)
    assert response.status_code == 200
    values = samples(response.text)
    flow = {"backend": backend["code"], "flow": "out", "direction": "outbound"}
    done = frozenset({**flow, "state": "done", "error_class": ""}.items())
    assert values[("hc_messages_total", done)] == 1
    count = ("hc_message_latency_seconds_count", frozenset(flow.items()))
    assert values[count] == 1

    data = odoo.execute("hc.ops.dashboard", "get_dashboard_data")
    [row] = [
        flow_row
        for backend_row in data["backends"]
        if backend_row["id"] == backend["id"]
        for flow_row in backend_row["flows"]
        if flow_row["id"] == backend["out"]
    ]
    assert row["hour"]["total"]["value"] == 1
    assert row["hour"]["rate"]["display"] == "100.0 %"
