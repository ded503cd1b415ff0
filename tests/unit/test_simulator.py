"""The partner simulator, driven over real HTTP."""

import hashlib
import hmac
import json
import logging
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from partner_simulator import PartnerSimulator

SIMULATORS = Path(__file__).resolve().parents[1] / "simulators"
ORDERS = "/api/orders"
HOOK_SECRET = "s3cret"


@pytest.fixture()
def sim():
    with PartnerSimulator(host="127.0.0.1", port=0, name="unit") as simulator:
        yield simulator


def post(sim, path=ORDERS, key=None, headers=None, timeout=5, **kwargs):
    headers = {**(headers or {}), **({"Idempotency-Key": key} if key else {})}
    return requests.post(
        f"{sim.url}{path}",
        json=kwargs.pop("json", {"a": 1}),
        headers=headers,
        timeout=timeout,
        **kwargs,
    )


def control(sim, route, data=None):
    response = requests.post(f"{sim.url}/_sim/{route}", json=data or {}, timeout=5)
    response.raise_for_status()
    return response.json()


def get_token(sim, client=("demo-client", "demo-secret")):
    return requests.post(
        f"{sim.url}/oauth/token",
        auth=client,
        data={"grant_type": "client_credentials"},
        timeout=5,
    )


# ---------------------------------------------------------------- recording


def test_accepts_and_records_every_partner_call(sim):
    assert sim.url.startswith("http://127.0.0.1:")
    response = post(sim, headers={"X-Test": "1"}, params={"site": "north"})
    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "id": "unit-1", "received": 1}
    requests.get(f"{sim.url}/_sim/stats", timeout=5)
    get_token(sim)
    [request] = sim.requests()
    assert request["method"] == "POST"
    assert request["path"] == ORDERS
    assert request["query"] == {"site": "north"}
    assert request["headers"]["X-Test"] == "1"
    assert json.loads(request["body"]) == {"a": 1}
    assert isinstance(request["received_at"], float)
    assert request["status"] == 200
    over_http = requests.get(
        f"{sim.url}/_sim/requests", params={"path": ORDERS}, timeout=5
    ).json()
    assert [r["path"] for r in over_http] == [ORDERS]
    assert sim.requests(path="/other") == []
    assert sim.requests(method="GET") == []


def test_idempotency_key_replays_the_first_answer(sim):
    first = post(sim, key="k1")
    second = post(sim, key="k1")
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert post(sim, path="/api/other", key="k1").json()["received"] == 3
    assert (sim.deliveries("k1"), sim.replays("k1")) == (2, 1)
    counts = requests.get(f"{sim.url}/_sim/deliveries", timeout=5).json()
    assert counts == {"deliveries": {"k1": 2}, "replays": {"k1": 1}}


def test_reset_forgets_everything(sim):
    post(sim, key="k1")
    sim.fail_next(ORDERS)
    sim.set_mode("/api/health", 503)
    control(sim, "reset")
    assert sim.requests() == []
    assert sim.deliveries("k1") == 0
    assert post(sim, key="k1").json()["received"] == 1
    assert requests.get(f"{sim.url}/api/health", timeout=5).status_code == 200


# ---------------------------------------------------------------- failures


def test_scripted_503_then_default_answer(sim):
    control(
        sim,
        "script",
        {"path": ORDERS, "method": "POST", "responses": [{"status": 503, "repeat": 2}]},
    )
    assert requests.get(f"{sim.url}{ORDERS}", timeout=5).status_code == 200
    assert [post(sim).status_code for _n in range(3)] == [503, 503, 200]
    assert [r["status"] for r in sim.requests(method="POST")] == [503, 503, 200]


def test_failed_call_is_a_new_delivery_when_retried(sim):
    sim.fail_next(ORDERS)
    assert post(sim, key="k1").status_code == 503
    retried = post(sim, key="k1")
    assert retried.status_code == 200
    assert "Idempotent-Replayed" not in retried.headers
    assert sim.deliveries("k1") == 1


def test_rate_limit_carries_retry_after(sim):
    sim.rate_limit_next(ORDERS, retry_after=7)
    response = post(sim)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert post(sim).status_code == 200


def test_slow_answer_times_the_client_out(sim):
    sim.slow_next(ORDERS, 1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        post(sim, timeout=(1, 0.3))


def test_dropped_connection(sim):
    sim.drop_next(ORDERS)
    with pytest.raises(requests.exceptions.ConnectionError):
        post(sim)
    assert post(sim).status_code == 200
    dropped, answered = sim.requests()
    assert (dropped["dropped"], dropped["status"]) == (True, None)
    assert answered["status"] == 200


def test_garbage_body(sim):
    sim.garbage_next(ORDERS)
    response = post(sim)
    assert response.status_code == 200
    assert response.text == "<<<not json"
    with pytest.raises(ValueError):
        response.json()


def test_scripted_json_body_and_headers(sim):
    sim.script(
        ORDERS,
        [{"status": 409, "json": {"error": "closed PO"}, "headers": {"X-Why": "po"}}],
    )
    response = post(sim)
    assert (response.status_code, response.json()) == (409, {"error": "closed PO"})
    assert response.headers["X-Why"] == "po"


def test_bad_script_is_refused(sim):
    with pytest.raises(ValueError, match="unknown keys"):
        sim.script(ORDERS, [{"stauts": 503}])
    response = requests.post(
        f"{sim.url}/_sim/script", json={"path": ORDERS, "responses": []}, timeout=5
    )
    assert response.status_code == 400


def test_partner_down_mode_until_cleared(sim):
    control(sim, "mode", {"path": ORDERS, "status": 503})
    assert [post(sim).status_code for _n in range(2)] == [503, 503]
    assert post(sim, path="/api/health").status_code == 200
    control(sim, "mode", {"path": ORDERS, "status": None})
    assert post(sim).status_code == 200
    control(sim, "mode", {"path": "*", "status": 503})
    assert post(sim, path="/api/health").status_code == 503
    assert requests.get(f"{sim.url}/feeds/items", timeout=5).status_code == 503
    control(sim, "reset")
    assert post(sim).status_code == 200


# ---------------------------------------------------------------- oauth


def test_oauth_client_credentials(sim):
    good = get_token(sim)
    assert good.status_code == 200
    body = good.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    bad = get_token(sim, ("demo-client", "nope"))
    assert (bad.status_code, bad.json()) == (401, {"error": "invalid_client"})
    assert sim.tokens_issued == 1
    assert requests.get(f"{sim.url}/_sim/stats", timeout=5).json()["tokens_issued"] == 1
    sim.require_bearer = True
    assert post(sim).status_code == 401
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert post(sim, headers=bearer).status_code == 200


def test_oauth_clients_configured_over_http(sim):
    control(sim, "oauth", {"client_id": "erp", "client_secret": "pw", "expires_in": 60})
    in_form = requests.post(
        f"{sim.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "erp",
            "client_secret": "pw",
        },
        timeout=5,
    )
    assert in_form.json()["expires_in"] == 60
    sim.oauth_clients = {"other": "x"}
    assert get_token(sim).status_code == 401
    assert sim.tokens_issued == 1


def test_revoked_token_is_refused(sim):
    token = get_token(sim).json()["access_token"]
    sim.require_bearer = True
    sim.revoke_tokens()
    response = post(sim, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


# ---------------------------------------------------------------- feeds


def feed(sim, **params):
    return requests.get(f"{sim.url}/feeds/items", params=params, timeout=5)


def test_feed_pages_from_the_watermark(sim):
    items = [
        {"id": n, "updated_at": f"2026-01-0{n}T00:00:00Z"} for n in (5, 3, 1, 4, 2)
    ]
    control(sim, "feed/items", {"items": items, "page_size": 2})
    first = feed(sim, since="2026-01-01T00:00:00Z").json()
    assert [i["id"] for i in first["items"]] == [2, 3]
    assert first["watermark"] == "2026-01-03T00:00:00Z"
    second = feed(sim, since="2026-01-01T00:00:00Z", cursor=first["next_cursor"])
    page = second.json()
    assert [i["id"] for i in page["items"]] == [4, 5]
    assert (page["next_cursor"], page["watermark"]) == (None, "2026-01-05T00:00:00Z")
    assert [i["id"] for i in feed(sim, since="", limit=1).json()["items"]] == [1]
    empty = feed(sim, since="2026-01-05T00:00:00Z").json()
    assert empty == {
        "items": [],
        "next_cursor": None,
        "watermark": "2026-01-05T00:00:00Z",
    }
    assert feed(sim, cursor="garbage!").status_code == 400
    assert sim.requests(path="/feeds/items")[0]["query"]["since"] == (
        "2026-01-01T00:00:00Z"
    )


def test_feed_page_can_fail(sim):
    items = [{"id": str(n), "updated_at": f"2026-02-0{n}"} for n in range(1, 5)]
    sim.set_feed("items", items, page_size=2)
    first = feed(sim).json()
    sim.fail_next("/feeds/items", status=500)
    assert feed(sim, cursor=first["next_cursor"]).status_code == 500
    again = feed(sim, cursor=first["next_cursor"]).json()
    assert [i["id"] for i in again["items"]] == ["3", "4"]


# ---------------------------------------------------------------- webhooks


class SignedReceiver(BaseHTTPRequestHandler):
    """A stand-in for the suite's webhook controller."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["X-HC-Timestamp"]
        expected = (
            "sha256="
            + hmac.new(
                HOOK_SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
            ).hexdigest()
        )
        valid = hmac.compare_digest(expected, self.headers.get("X-HC-Signature", ""))
        self.received.append(dict(self.headers.items()))
        answer = json.dumps({"valid": valid}).encode()
        self.send_response(202 if valid else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture()
def hook_url():
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), SignedReceiver)
    SignedReceiver.received = []
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{receiver.server_address[1]}/hc/webhook/x/y"
    receiver.shutdown()
    receiver.server_close()


def test_webhooks_are_signed(sim, hook_url):
    status, body = sim.call_webhook(
        hook_url,
        {"e": 1},
        secret=HOOK_SECRET,
        idempotency_key="ev-1",
        correlation_id="corr-1",
    )
    assert (status, body) == (202, {"valid": True})
    headers = SignedReceiver.received[-1]
    assert headers["Idempotency-Key"] == "ev-1"
    assert headers["X-Correlation-ID"] == "corr-1"
    assert abs(int(headers["X-HC-Timestamp"]) - time.time()) < 5
    assert sim.call_webhook(hook_url, {"e": 1}, secret="wrong")[0] == 401
    forged = sim.call_webhook(
        hook_url, {"e": 1}, secret=HOOK_SECRET, signature="sha256=" + "0" * 64
    )
    assert forged[0] == 401


def test_webhook_called_over_http_uses_the_default_secret(hook_url):
    with PartnerSimulator(name="hooks", webhook_secret=HOOK_SECRET) as sim:
        answer = control(sim, "call_webhook", {"url": hook_url, "payload": {"e": 2}})
    assert answer == {"status": 202, "body": {"valid": True}}


# ---------------------------------------------------------------- page, lifecycle


def test_control_page_buttons(sim):
    post(sim)
    page = requests.get(f"{sim.url}/_sim/", timeout=5)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Partner simulator: unit" in page.text
    assert ORDERS in page.text
    for label in (
        "Fail next call (503)",
        "Partner down",
        "Rate limit next (429)",
        "Slow next (10 s)",
        "Reset",
    ):
        assert label in page.text
    toggled = requests.post(
        f"{sim.url}/_sim/ui", data={"action": "down", "path": "*"}, timeout=5
    )
    assert toggled.status_code == 200  # followed the 303 back to the page
    assert sim.partner_down
    assert post(sim).status_code == 503
    requests.post(f"{sim.url}/_sim/ui", data={"action": "down"}, timeout=5)
    assert not sim.partner_down


def test_stop_is_prompt_while_a_handler_sleeps():
    sim = PartnerSimulator(name="sleepy").start()
    sim.slow_next(ORDERS, 5)
    outcome = []

    def slow_call():
        try:
            outcome.append(post(sim, timeout=10).status_code)
        except requests.RequestException as exc:
            outcome.append(type(exc).__name__)

    caller = threading.Thread(target=slow_call, daemon=True)
    caller.start()
    time.sleep(0.2)
    started = time.monotonic()
    sim.stop()
    assert time.monotonic() - started < 2
    caller.join(timeout=2)
    assert outcome == ["ConnectionError"]


def test_program_serves_until_sigterm_and_masks_secrets(tmp_path):
    state_file = tmp_path / "sim.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            str(SIMULATORS / "partner_simulator.py"),
            "--port",
            "0",
            "--name",
            "cli",
            "--state-file",
            str(state_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 5
        while not state_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        state = json.loads(state_file.read_text())
        assert state["url"] == f"http://127.0.0.1:{state['port']}"
        response = requests.post(
            f"{state['url']}{ORDERS}",
            json={},
            headers={"Authorization": "Bearer top-secret", "X-API-Key": "key-123"},
            timeout=5,
        )
        assert response.json()["id"] == "cli-1"
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=3)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "listening on http://127.0.0.1:" in stdout
    assert "POST /api/orders -> 200" in stderr
    assert "Authorization=Bearer ***" in stderr
    assert "top-secret" not in stderr and "key-123" not in stderr
    assert not state_file.exists()


def test_favicon_polling_is_neither_recorded_nor_logged(sim):
    logger = logging.getLogger("partner_simulator")
    records = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        response = requests.get(f"{sim.url}/favicon.ico", timeout=5)
        post(sim)
        # the simulator logs a call once it has answered it: wait for the line
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(
            ORDERS in r.getMessage() for r in records
        ):
            time.sleep(0.02)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert response.status_code == 204
    assert [r["path"] for r in sim.requests()] == [ORDERS]
    logged = [r.getMessage() for r in records if r.levelno == logging.INFO]
    assert not [line for line in logged if "favicon" in line]
    assert [line for line in logged if ORDERS in line]
