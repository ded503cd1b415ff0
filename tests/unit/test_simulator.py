"""The partner simulator over real HTTP."""

import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulators"))

from partner_simulator import PartnerSimulator


@pytest.fixture()
def sim():
    simulator = PartnerSimulator(name="unit").start()
    yield simulator
    simulator.stop()


def post(sim, path="/api/orders", key=None, headers=None, timeout=5):
    headers = {**(headers or {}), **({"Idempotency-Key": key} if key else {})}
    return requests.post(
        f"{sim.url}{path}", json={"a": 1}, headers=headers, timeout=timeout
    )


def test_accepts_and_records(sim):
    response = post(sim, headers={"X-Test": "1"})
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    [request] = sim.requests(path="/api/orders")
    assert request["method"] == "POST"
    assert json.loads(request["body"]) == {"a": 1}
    assert request["headers"]["X-Test"] == "1"
    assert request["status"] == 200


def test_idempotent_replay_answers_the_same(sim):
    first = post(sim, key="k1")
    second = post(sim, key="k1")
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert sim.deliveries("k1") == 1


def test_scripted_failures_then_default(sim):
    sim.fail_next("/api/orders", count=2, status=503)
    assert [post(sim).status_code for _n in range(3)] == [503, 503, 200]


def test_rate_limit_carries_retry_after(sim):
    sim.rate_limit_next("/api/orders", retry_after=7)
    response = post(sim)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"


def test_slow_answer_times_the_client_out(sim):
    sim.slow_next("/api/orders", 1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        post(sim, timeout=(1, 0.3))


def test_dropped_connection(sim):
    sim.drop_next("/api/orders")
    with pytest.raises(requests.exceptions.ConnectionError):
        post(sim)
    assert post(sim).status_code == 200


def test_garbage_body(sim):
    sim.garbage_next("/api/orders")
    response = post(sim)
    with pytest.raises(ValueError):
        response.json()


def test_partner_down_mode_until_cleared(sim):
    requests.post(
        f"{sim.url}/_sim/mode", json={"path": "/api/orders", "status": 503}, timeout=5
    )
    assert [post(sim).status_code for _n in range(2)] == [503, 503]
    requests.post(
        f"{sim.url}/_sim/mode", json={"path": "/api/orders", "status": None}, timeout=5
    )
    assert post(sim).status_code == 200


def test_oauth_tokens(sim):
    good = requests.post(
        f"{sim.url}/oauth/token",
        auth=("demo-client", "demo-secret"),
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    assert good.status_code == 200
    token = good.json()["access_token"]
    bad = requests.post(
        f"{sim.url}/oauth/token",
        auth=("demo-client", "nope"),
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    assert bad.status_code == 401
    assert sim.tokens_issued == 1
    sim.require_bearer = True
    assert post(sim).status_code == 401
    authorized = post(sim, headers={"Authorization": f"Bearer {token}"})
    assert authorized.status_code == 200


def test_feed_pages_from_the_watermark(sim):
    items = [{"id": str(n), "updated_at": f"2026-01-0{n}"} for n in range(1, 6)]
    sim.set_feed("items", items, page_size=2)
    first = requests.get(
        f"{sim.url}/feeds/items", params={"since": "2026-01-01"}, timeout=5
    ).json()
    assert [i["id"] for i in first["items"]] == ["2", "3"]
    assert first["watermark"] == "2026-01-03"
    second = requests.get(
        f"{sim.url}/feeds/items",
        params={"since": "2026-01-01", "cursor": first["next_cursor"]},
        timeout=5,
    ).json()
    assert [i["id"] for i in second["items"]] == ["4", "5"]
    assert second["next_cursor"] is None


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = (
            "sha256="
            + hmac.new(
                b"s3cret",
                f"{self.headers['X-HC-Timestamp']}.".encode() + body,
                hashlib.sha256,
            ).hexdigest()
        )
        ok = hmac.compare_digest(expected, self.headers.get("X-HC-Signature", ""))
        payload = json.dumps({"valid": ok}).encode()
        self.send_response(202 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def test_calls_webhooks_with_a_valid_signature(sim):
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    try:
        assert sim.call_webhook(url, {"e": 1}, secret="s3cret") == (
            202,
            {"valid": True},
        )
        assert sim.call_webhook(url, {"e": 1}, secret="wrong")[0] == 401
    finally:
        receiver.shutdown()
        receiver.server_close()


def test_control_page_is_html(sim):
    post(sim)
    page = requests.get(f"{sim.url}/_sim/", timeout=5)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "/api/orders" in page.text


def test_stop_is_prompt_while_a_handler_sleeps(sim):
    sim.slow_next("/api/orders", 5)
    threading.Thread(target=lambda: post(sim, timeout=10), daemon=True).start()
    time.sleep(0.2)
    started = time.monotonic()
    sim.stop()
    assert time.monotonic() - started < 2
