"""A partner system on loopback HTTP, for tests and the product demo.

It records what it receives, answers as scripted (errors, Retry-After, slow
answers, dropped connections, garbage), issues OAuth2 client-credentials
tokens, serves paged feeds for batch pulls and calls the suite's webhooks with
signed requests. Drive it from Python (``PartnerSimulator``) or over HTTP under
``/_sim/`` (the demo's control page is ``GET /_sim/``).
"""

import argparse
import base64
import hashlib
import hmac
import html
import json
import logging
import secrets
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

_logger = logging.getLogger("partner_simulator")

SENSITIVE_HEADERS = {"authorization", "x-api-key", "x-hc-signature", "cookie"}
TOKEN_PATH = "/oauth/token"
FEED_PREFIX = "/feeds/"


def sign(secret, timestamp, body):
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"sha256={digest}"


class SimulatorState:
    """What the simulator received and how it must answer; thread-safe."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.oauth_clients = {"demo-client": "demo-secret"}
        self.token_lifetime = 3600
        self.require_bearer = False
        self.reset()

    def reset(self):
        with self.lock:
            self.received = []
            self.scripts = []  # [path, method, [entries]]
            self.modes = {}  # path -> status answered until cleared
            self.feeds = {}  # name -> (items, page_size)
            self.replies = {}  # (path, idempotency key) -> body
            self.deliveries = {}
            self.replays = {}
            self.tokens = set()
            self.tokens_issued = 0

    def next_script_entry(self, path, method):
        with self.lock:
            for script in self.scripts:
                s_path, s_method, entries = script
                if s_path == path and s_method in (None, method) and entries:
                    entry = entries[0]
                    entry["_left"] = entry.get("_left", entry.get("repeat", 1)) - 1
                    if entry["_left"] <= 0:
                        entries.pop(0)
                    return entry
        return None


class Handler(BaseHTTPRequestHandler):
    server_version = "PartnerSimulator/1.0"
    protocol_version = "HTTP/1.1"

    @property
    def state(self):
        return self.server.sim_state

    def log_message(self, format, *args):
        _logger.debug("%s %s", self.address_string(), format % args)

    # ------------------------------------------------------------------ helpers

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, body=b"", headers=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, str(value))
        self.end_headers()
        self.wfile.write(body)
        return status

    def masked_headers(self):
        return {
            k: ("***" if k.lower() in SENSITIVE_HEADERS else v)
            for k, v in self.headers.items()
        }

    # ------------------------------------------------------------------ dispatch

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        url = urlsplit(self.path)
        body = self.read_body()
        if url.path.startswith("/_sim"):
            self.control(method, url, body)
        elif url.path == TOKEN_PATH and method == "POST":
            self.token(body)
        else:
            self.partner_call(method, url, body)

    # ------------------------------------------------------------------ partner

    def partner_call(self, method, url, body):
        state = self.state
        record = {
            "method": method,
            "path": url.path,
            "query": {k: v[0] for k, v in parse_qs(url.query).items()},
            "headers": dict(self.headers.items()),
            "body": body.decode("utf-8", errors="replace"),
            "received_at": time.time(),
            "status": None,
        }
        with state.lock:
            state.received.append(record)
            number = len(state.received)
        record["status"] = self.partner_answer(method, url, body, number)
        _logger.info(
            "%s %s -> %s %s",
            method,
            url.path,
            record["status"],
            json.dumps(self.masked_headers().get("Idempotency-Key", "")),
        )

    def partner_answer(self, method, url, body, number):
        state = self.state
        entry = state.next_script_entry(url.path, method)
        if entry:
            return self.scripted(entry)
        with state.lock:
            mode = state.modes.get(url.path)
        if mode:
            return self.answer(mode, {"error": "partner unavailable"})
        if state.require_bearer and not self.bearer_ok():
            return self.answer(401, {"error": "invalid_token"})
        if url.path.startswith(FEED_PREFIX) and method == "GET":
            return self.feed_page(url)
        return self.accept(url.path, number)

    def bearer_ok(self):
        auth = self.headers.get("Authorization") or ""
        with self.state.lock:
            return auth.startswith("Bearer ") and auth[7:] in self.state.tokens

    def accept(self, path, number):
        state = self.state
        key = self.headers.get("Idempotency-Key")
        with state.lock:
            if key and (path, key) in state.replies:
                state.replays[key] = state.replays.get(key, 0) + 1
                reply = state.replies[(path, key)]
                return self.answer(200, reply, {"Idempotent-Replayed": "true"})
            reply = {
                "status": "accepted",
                "id": f"{state.name}-{number}",
                "received": number,
            }
            if key:
                state.replies[(path, key)] = reply
                state.deliveries[key] = state.deliveries.get(key, 0) + 1
        return self.answer(200, reply)

    def scripted(self, entry):
        if entry.get("delay"):
            time.sleep(float(entry["delay"]))
        if entry.get("drop"):
            self.close_connection = True
            self.connection.close()
            return 0
        status = entry.get("status") or 200
        if "body" in entry:
            return self.answer(
                status, entry["body"], entry.get("headers"), content_type="text/plain"
            )
        return self.answer(
            status, entry.get("json", {"scripted": True}), entry.get("headers")
        )

    def feed_page(self, url):
        name = url.path[len(FEED_PREFIX) :]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.state.lock:
            items, page_size = self.state.feeds.get(name, ([], 2))
        since = query.get("since") or ""
        pending = [item for item in items if item.get("updated_at", "") > since]
        start = int(query.get("cursor") or 0)
        size = min(int(query.get("limit") or page_size), page_size)
        page = pending[start : start + size]
        more = start + size < len(pending)
        watermark = page[-1]["updated_at"] if page else since
        return self.answer(
            200,
            {
                "items": page,
                "next_cursor": str(start + size) if more else None,
                "watermark": watermark,
            },
        )

    # ------------------------------------------------------------------ oauth

    def token(self, body):
        state = self.state
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        client_id, client_secret = self.basic_credentials()
        client_id = client_id or form.get("client_id")
        client_secret = client_secret or form.get("client_secret")
        with state.lock:
            known = state.oauth_clients.get(client_id)
        if form.get("grant_type") != "client_credentials":
            return self.answer(400, {"error": "unsupported_grant_type"})
        if not known or not hmac.compare_digest(known, client_secret or ""):
            return self.answer(401, {"error": "invalid_client"})
        token = secrets.token_urlsafe(24)
        with state.lock:
            state.tokens.add(token)
            state.tokens_issued += 1
            lifetime = state.token_lifetime
        return self.answer(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}
        )

    def basic_credentials(self):
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("Basic "):
            return None, None
        try:
            decoded = base64.b64decode(auth[6:]).decode()
        except (ValueError, UnicodeDecodeError):
            return None, None
        client_id, _sep, secret = decoded.partition(":")
        return client_id, secret

    # ------------------------------------------------------------------ control

    def control(self, method, url, body):
        sim = self.server.simulator
        data = json.loads(body or b"{}") if method == "POST" else {}
        route = url.path.rstrip("/")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if route == "/_sim" and method == "GET":
            return self.answer(200, control_page(sim), content_type="text/html")
        if route == "/_sim/requests":
            return self.answer(200, sim.requests(path=query.get("path")))
        if route == "/_sim/deliveries":
            with sim.state.lock:
                return self.answer(
                    200,
                    {"deliveries": sim.state.deliveries, "replays": sim.state.replays},
                )
        if route == "/_sim/stats":
            return self.answer(
                200,
                {"tokens_issued": sim.tokens_issued, "received": len(sim.requests())},
            )
        if method != "POST":
            return self.answer(404, {"error": "unknown control route"})
        if route == "/_sim/reset":
            sim.reset()
        elif route == "/_sim/script":
            sim.script(data["path"], data["responses"], method=data.get("method"))
        elif route == "/_sim/mode":
            sim.set_mode(data["path"], data.get("status"))
        elif route == "/_sim/oauth":
            sim.oauth_clients[data["client_id"]] = data["client_secret"]
            sim.state.token_lifetime = int(data.get("expires_in", 3600))
        elif route.startswith("/_sim/feed/"):
            sim.set_feed(
                route[len("/_sim/feed/") :], data["items"], data.get("page_size", 2)
            )
        elif route == "/_sim/call_webhook":
            status, answer = sim.call_webhook(
                data["url"],
                data.get("payload", {}),
                secret=data.get("secret"),
                idempotency_key=data.get("idempotency_key"),
            )
            return self.answer(200, {"status": status, "body": answer})
        else:
            return self.answer(404, {"error": "unknown control route"})
        return self.answer(200, {"ok": True})


def control_page(sim):
    rows = "".join(
        f"<tr><td>{time.strftime('%H:%M:%S', time.localtime(r['received_at']))}</td>"
        f"<td>{html.escape(r['method'])}</td><td>{html.escape(r['path'])}</td>"
        f"<td>{r['status']}</td></tr>"
        for r in reversed(sim.requests()[-20:])
    )
    with sim.state.lock:
        down = sorted(sim.state.modes)
    actions = [
        (
            "Fail next call (503)",
            "/_sim/script",
            {"path": "/api/orders", "responses": [{"status": 503}]},
        ),
        (
            "Partner down (all 503)",
            "/_sim/mode",
            {"path": "/api/orders", "status": 503},
        ),
        ("Partner back up", "/_sim/mode", {"path": "/api/orders", "status": None}),
        (
            "Rate limit next (429)",
            "/_sim/script",
            {
                "path": "/api/orders",
                "responses": [{"status": 429, "headers": {"Retry-After": "30"}}],
            },
        ),
        (
            "Slow next (10 s)",
            "/_sim/script",
            {"path": "/api/orders", "responses": [{"delay": 10}]},
        ),
        ("Reset", "/_sim/reset", {}),
    ]
    buttons = "".join(
        f"<button onclick='act({json.dumps(route)}, {html.escape(json.dumps(data))})'>"
        f"{html.escape(label)}</button> "
        for label, route, data in actions
    )
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Partner simulator: {html.escape(sim.name)}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 10px}}</style>
</head><body><h1>Partner simulator: {html.escape(sim.name)}</h1>
<p>Calls to <code>/api/orders</code> answer as set here.
Down: {html.escape(str(down))}</p>
<p>{buttons}</p>
<table><tr><th>Time</th><th>Method</th><th>Path</th><th>Status</th></tr>{rows}</table>
<script>
function act(route, data) {{
  fetch(route, {{method: "POST", headers: {{"Content-Type": "application/json"}},
                 body: JSON.stringify(data)}}).then(() => location.reload());
}}
</script></body></html>"""


class PartnerSimulator:
    """The simulator as a server in a daemon thread."""

    def __init__(self, host="127.0.0.1", port=0, name="partner", webhook_secret=None):
        self.name = name
        self.webhook_secret = webhook_secret
        self.state = SimulatorState(name)
        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.httpd.sim_state = self.state
        self.httpd.simulator = self
        self.thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, name=f"sim-{self.name}", daemon=True
        )
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread:
            self.thread.join(timeout=2)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------ inspection

    def requests(self, path=None, method=None):
        with self.state.lock:
            return [
                dict(r)
                for r in self.state.received
                if (path is None or r["path"] == path)
                and (method is None or r["method"] == method)
            ]

    def deliveries(self, key):
        with self.state.lock:
            return self.state.deliveries.get(key, 0)

    @property
    def tokens_issued(self):
        with self.state.lock:
            return self.state.tokens_issued

    @property
    def oauth_clients(self):
        return self.state.oauth_clients

    @oauth_clients.setter
    def oauth_clients(self, value):
        self.state.oauth_clients = dict(value)

    @property
    def require_bearer(self):
        return self.state.require_bearer

    @require_bearer.setter
    def require_bearer(self, value):
        self.state.require_bearer = bool(value)

    # ------------------------------------------------------------------ behaviour

    def reset(self):
        self.state.reset()

    def script(self, path, responses, method=None):
        with self.state.lock:
            self.state.scripts.append([path, method, [dict(r) for r in responses]])

    def set_mode(self, path, status):
        with self.state.lock:
            if status:
                self.state.modes[path] = int(status)
            else:
                self.state.modes.pop(path, None)

    def fail_next(self, path, count=1, status=503):
        self.script(path, [{"status": status, "repeat": count}])

    def rate_limit_next(self, path, retry_after=1):
        self.script(
            path, [{"status": 429, "headers": {"Retry-After": str(retry_after)}}]
        )

    def slow_next(self, path, delay):
        self.script(path, [{"delay": delay}])

    def drop_next(self, path):
        self.script(path, [{"drop": True}])

    def garbage_next(self, path, status=200):
        self.script(path, [{"status": status, "body": "<<<not json"}])

    def set_feed(self, name, items, page_size=2):
        ordered = sorted(
            items, key=lambda i: (i.get("updated_at", ""), str(i.get("id")))
        )
        with self.state.lock:
            self.state.feeds[name] = (ordered, int(page_size))

    # ------------------------------------------------------------------ webhooks

    def call_webhook(
        self,
        url,
        payload,
        secret=None,
        idempotency_key=None,
        correlation_id=None,
        timestamp=None,
        signature=None,
        headers=None,
        timeout=30,
    ):
        """POST a signed JSON webhook; returns (status, JSON body or text)."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        timestamp = str(int(timestamp if timestamp is not None else time.time()))
        sent = {"Content-Type": "application/json", "X-HC-Timestamp": timestamp}
        secret = secret if secret is not None else self.webhook_secret
        if signature:
            sent["X-HC-Signature"] = signature
        elif secret:
            sent["X-HC-Signature"] = sign(secret, timestamp, body)
        if idempotency_key:
            sent["Idempotency-Key"] = idempotency_key
        if correlation_id:
            sent["X-Correlation-ID"] = correlation_id
        sent.update(headers or {})
        response = requests.post(url, data=body, headers=sent, timeout=timeout)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8075)
    parser.add_argument("--name", default="partner")
    parser.add_argument("--webhook-secret")
    parser.add_argument("--state-file", help="write the URL here once listening")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sim %(message)s")
    sim = PartnerSimulator(args.host, args.port, args.name, args.webhook_secret)
    sim.start()
    if args.state_file:
        with open(args.state_file, "w", encoding="utf-8") as handle:
            json.dump({"url": sim.url, "name": sim.name}, handle)
    _logger.info("partner simulator %s listening on %s", sim.name, sim.url)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    sim.stop()


if __name__ == "__main__":
    main()
