"""A partner system (EHR, supplier, payroll provider...) on HTTP, for tests and demos.

It records what it receives, answers as scripted (errors, Retry-After, slow
answers, dropped connections, garbage), issues OAuth2 client-credentials
tokens, serves paged feeds for batch pulls and calls the suite's webhooks with
signed requests. Drive it from Python (``PartnerSimulator``), over HTTP under
``/_sim/`` (the demo's control page is ``GET /_sim/``), or run it as a program::

    python tests/simulators/partner_simulator.py --port 8075 --name demo
"""

import argparse
import base64
import binascii
import bisect
import copy
import hashlib
import hmac
import html
import json
import logging
import os
import secrets
import signal
import socket
import sys
import threading
import time
from contextlib import suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote_plus, urlsplit

import requests

_logger = logging.getLogger("partner_simulator")

# bin/start runs this simulator for the demo connectors on this port
DEMO_PORT = 8075
CONTROL_PREFIX = "/_sim"
FAVICON_PATH = "/favicon.ico"
TOKEN_PATH = "/oauth/token"
FEED_PREFIX = "/feeds/"
ANY_PATH = "*"
JSON_TYPE = "application/json"
DEFAULT_OAUTH_CLIENTS = {"demo-client": "demo-secret"}
DEFAULT_TOKEN_LIFETIME = 3600
SCRIPT_KEYS = {"status", "headers", "json", "body", "delay", "drop", "repeat"}
# Header names that carry credentials; matched as substrings of the lower-cased
# name so vendor variants (X-Partner-Token, X-Signature-256...) are masked too.
_SENSITIVE_NAME_PARTS = (
    "authorization",
    "api-key",
    "apikey",
    "signature",
    "token",
    "secret",
    "cookie",
    "password",
)
_LOGGED_HEADERS = ("idempotency-key", "x-correlation-id")
_RECENT_ON_PAGE = 20


# ---------------------------------------------------------------- helpers


def sign(secret, timestamp, body):
    """The ``X-HC-Signature`` value of ``body`` sent at ``timestamp``."""
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    digest = hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def is_sensitive_header(name):
    lowered = name.lower()
    return any(part in lowered for part in _SENSITIVE_NAME_PARTS)


def mask_header(name, value):
    if not is_sensitive_header(name):
        return value
    scheme, _sep, credentials = str(value).partition(" ")
    # Keep the scheme (Bearer, Basic) visible: it tells which auth was used.
    return f"{scheme} ***" if credentials else "***"


def status_phrase(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def validate_responses(responses):
    """Copies of scripted response entries; ValueError names the first bad one."""
    if not isinstance(responses, list) or not responses:
        raise ValueError("responses must be a non-empty list of objects")
    return [_validated_entry(n, entry) for n, entry in enumerate(responses)]


def _validated_entry(index, entry):
    if not isinstance(entry, dict):
        raise ValueError(f"responses[{index}] must be an object")
    unknown = set(entry) - SCRIPT_KEYS
    if unknown:
        raise ValueError(f"responses[{index}]: unknown keys {sorted(unknown)}")
    status = entry.get("status")
    if status is not None and not (isinstance(status, int) and 100 <= status <= 599):
        raise ValueError(f"responses[{index}]: status must be an int 100-599")
    if "json" in entry and "body" in entry:
        raise ValueError(f"responses[{index}]: give json or body, not both")
    if not isinstance(entry.get("headers", {}), dict):
        raise ValueError(f"responses[{index}]: headers must be an object")
    delay = entry.get("delay", 0)
    if not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError(f"responses[{index}]: delay must be seconds >= 0")
    repeat = entry.get("repeat", 1)
    if not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"responses[{index}]: repeat must be an int >= 1")
    return copy.deepcopy(entry)


def feed_sort_key(item):
    item_id = item.get("id")
    # Numeric ids sort as numbers so that 10 comes after 9.
    if isinstance(item_id, (int, float)) and not isinstance(item_id, bool):
        return (str(item.get("updated_at") or ""), 0, item_id, "")
    return (str(item.get("updated_at") or ""), 1, 0, str(item_id))


def encode_cursor(item):
    raw = json.dumps([item.get("updated_at"), item.get("id")]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """The sort key of the item a cursor points after; ValueError if garbled."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        updated_at, item_id = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ValueError("invalid cursor") from exc
    return feed_sort_key({"updated_at": updated_at, "id": item_id})


def query_dict(query_string):
    parsed = parse_qs(query_string, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def first_value(query, name):
    value = query.get(name)
    return value[0] if isinstance(value, list) else value


# ---------------------------------------------------------------- state


class SimulatorState:
    """What the simulator received and how it must answer, behind one lock."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.oauth_clients = dict(DEFAULT_OAUTH_CLIENTS)
        self.token_lifetime = DEFAULT_TOKEN_LIFETIME
        self.require_bearer = False
        self.reset()

    def reset(self):
        with self.lock:
            self.received = []
            self.scripts = []  # [path, method or None, [[entry, uses left], ...]]
            self.modes = {}  # path or ANY_PATH -> (status, headers)
            self.feeds = {}  # name -> (sorted items, their sort keys, page size)
            self.replies = {}  # (path, idempotency key) -> (status, body)
            self.deliveries = {}
            self.replays = {}
            self.tokens = {}  # access token -> monotonic expiry
            self.tokens_issued = 0

    # recording

    def record(self, method, url, headers, body):
        record = {
            "method": method,
            "path": url.path,
            "query": query_dict(url.query),
            "headers": dict(headers.items()),
            "body": body.decode("utf-8", errors="replace"),
            "received_at": time.time(),
            "status": None,
            "dropped": False,
        }
        with self.lock:
            self.received.append(record)
            return record, len(self.received)

    def set_outcome(self, record, status):
        with self.lock:
            record["status"] = status
            record["dropped"] = status is None

    def requests(self, path=None, method=None):
        method = method.upper() if method else None
        with self.lock:
            return [
                copy.deepcopy(r)
                for r in self.received
                if (path is None or r["path"] == path)
                and (method is None or r["method"] == method)
            ]

    # scripts and modes

    def add_script(self, path, responses, method=None):
        entries = [[e, e.get("repeat", 1)] for e in validate_responses(responses)]
        with self.lock:
            self.scripts.append([path, method.upper() if method else None, entries])

    def take_script_entry(self, path, method):
        with self.lock:
            for s_path, s_method, entries in self.scripts:
                if s_path not in (path, ANY_PATH) or s_method not in (None, method):
                    continue
                if entries:
                    entry = entries[0]
                    entry[1] -= 1
                    if entry[1] <= 0:
                        entries.pop(0)
                    return entry[0]
        return None

    def pending_script_entries(self):
        with self.lock:
            return sum(left for _p, _m, entries in self.scripts for _e, left in entries)

    def set_mode(self, path, status, headers=None):
        if status is not None and not (
            isinstance(status, int) and 100 <= status <= 599
        ):
            raise ValueError("status must be an int 100-599, or null to clear")
        with self.lock:
            if status is None:
                self.modes.pop(path, None)
            else:
                self.modes[path] = (status, dict(headers or {}))

    def mode_for(self, path):
        with self.lock:
            return self.modes.get(path) or self.modes.get(ANY_PATH)

    # idempotent accepts

    def accept(self, path, key, number, status):
        """The answer to a call, and whether it replays an earlier one."""
        with self.lock:
            if key and (path, key) in self.replies:
                self.replays[key] = self.replays.get(key, 0) + 1
                return self.replies[(path, key)], True
            reply = (
                status,
                {
                    "status": "accepted",
                    "id": f"{self.name}-{number}",
                    "received": number,
                },
            )
            if key:
                self.replies[(path, key)] = reply
                self.deliveries[key] = self.deliveries.get(key, 0) + 1
            return reply, False

    # oauth

    def issue_token(self, client_id, client_secret):
        with self.lock:
            known = self.oauth_clients.get(client_id)
            if known is None or not hmac.compare_digest(
                known.encode(), (client_secret or "").encode()
            ):
                return None
            token = secrets.token_urlsafe(24)
            self.tokens[token] = time.monotonic() + self.token_lifetime
            self.tokens_issued += 1
            return {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
            }

    def token_valid(self, token):
        with self.lock:
            expiry = self.tokens.get(token or "")
        return expiry is not None and time.monotonic() < expiry

    def revoke_tokens(self):
        with self.lock:
            self.tokens.clear()

    # feeds

    def set_feed(self, name, items, page_size):
        if not isinstance(page_size, int) or page_size < 1:
            raise ValueError("page_size must be an int >= 1")
        if not all(isinstance(item, dict) for item in items):
            raise ValueError("feed items must be objects")
        ordered = sorted(copy.deepcopy(list(items)), key=feed_sort_key)
        keys = [feed_sort_key(item) for item in ordered]
        with self.lock:
            self.feeds[name] = (ordered, keys, page_size)

    def feed_page(self, name, since, cursor, limit):
        """One page after ``since`` and ``cursor``, found by bisection as a
        partner's index would (a scan per page makes long feeds quadratic)."""
        with self.lock:
            items, keys, page_size = self.feeds.get(name, ([], [], 2))
        size = min(limit, page_size) if limit else page_size
        start = bisect.bisect_right(keys, since or "", key=lambda key: key[0])
        if cursor:
            start = max(start, bisect.bisect_right(keys, decode_cursor(cursor)))
        page = copy.deepcopy(items[start : start + size])
        more = len(items) > start + size
        return {
            "items": page,
            "next_cursor": encode_cursor(page[-1]) if more else None,
            "watermark": page[-1].get("updated_at") if page else since,
        }

    def stats(self):
        with self.lock:
            return {
                "name": self.name,
                "received": len(self.received),
                "tokens_issued": self.tokens_issued,
                "deliveries": sum(self.deliveries.values()),
                "replays": sum(self.replays.values()),
                "modes": {path: status for path, (status, _h) in self.modes.items()},
            }


# ---------------------------------------------------------------- HTTP server


class SimulatorServer(ThreadingHTTPServer):
    """Threaded server that can cut its open connections when it stops."""

    daemon_threads = True

    def __init__(self, address, handler, simulator):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.simulator = simulator
        self.stopping = threading.Event()
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        # Kept-alive client connections would otherwise still be answered by
        # their handler threads after stop().
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class Handler(BaseHTTPRequestHandler):
    server_version = "PartnerSimulator/1.0"
    protocol_version = "HTTP/1.1"
    timeout = 300  # idle kept-alive connections
    # Headers and body go out in two writes: with Nagle's algorithm, the body
    # of an answer on a kept-alive connection waits for the client's delayed
    # ACK (40 ms), as no production HTTP server makes its clients wait.
    disable_nagle_algorithm = True

    @property
    def sim(self):
        return self.server.simulator

    @property
    def state(self):
        return self.server.simulator.state

    def log_message(self, format, *args):
        _logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def dispatch(self):
        started = time.monotonic()
        url = urlsplit(self.path)
        self.record = None
        try:
            body = self.read_body()
        except ValueError:
            status = self.reply(400, {"error": "unreadable request body"})
            self.close_connection = True
        else:
            status = self.route(url, body)
        self.log_call(url.path, status, started)

    def route(self, url, body):
        if url.path == FAVICON_PATH:
            # what a browser asks with each reload of the control page: not a
            # partner call
            return self.reply(204, b"")
        if url.path == CONTROL_PREFIX or url.path.startswith(CONTROL_PREFIX + "/"):
            return self.control(url, body)
        if url.path == TOKEN_PATH:
            return self.token_call(body)
        return self.partner_call(url, body)

    # ---------------------------------------------------------------- I/O

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self.read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def read_chunked(self):
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def reply(self, status, content=b"", headers=None, content_type=JSON_TYPE):
        if isinstance(content, (dict, list)) or content is None:
            content = json.dumps(content)
        data = content.encode() if isinstance(content, str) else bytes(content)
        extra = {
            str(k): str(v)
            for k, v in (headers or {}).items()
            if str(k).lower() != "content-length"
        }
        if not any(k.lower() == "content-type" for k in extra):
            extra["Content-Type"] = content_type
        self.note_outcome(status)
        self.send_response(status)
        for key, value in extra.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        try:
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            # The client gave up (read timeout): nothing left to tell it.
            self.close_connection = True
        return status

    def note_outcome(self, status):
        # Before answering: a client that reads the records right after its
        # answer must see the status.
        if self.record is not None:
            self.state.set_outcome(self.record, status)

    def drop(self):
        self.note_outcome(None)
        self.close_connection = True
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        return None

    def log_call(self, path, status, started):
        notes = "".join(
            f" {name}={mask_header(name, value)}"
            for name, value in self.headers.items()
            if is_sensitive_header(name) or name.lower() in _LOGGED_HEADERS
        )
        # The control page reloads itself every few seconds: its reads would
        # drown the partner traffic in the log.
        quiet = self.command == "GET" and (
            path.startswith(CONTROL_PREFIX) or path == FAVICON_PATH
        )
        _logger.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s -> %s %.0fms%s",
            self.command,
            path,
            "dropped" if status is None else status,
            (time.monotonic() - started) * 1000,
            notes,
        )

    # ---------------------------------------------------------------- partner

    def partner_call(self, url, body):
        self.record, number = self.state.record(self.command, url, self.headers, body)
        entry = self.state.take_script_entry(url.path, self.command)
        if entry:
            return self.scripted(entry, lambda s, h: self.regular(url, number, s, h))
        return self.regular(url, number)

    def scripted(self, entry, regular):
        """Answer as the entry says; ``regular(status, headers)`` answers normally."""
        if entry.get("delay") and self.server.stopping.wait(float(entry["delay"])):
            return self.drop()
        if entry.get("drop"):
            return self.drop()
        status = entry.get("status")
        headers = entry.get("headers") or {}
        if "json" in entry:
            return self.reply(status or 200, entry["json"], headers)
        if "body" in entry:
            content_type = "text/plain; charset=utf-8"
            return self.reply(status or 200, entry["body"], headers, content_type)
        if status and status >= 400:
            return self.reply(status, {"error": status_phrase(status)}, headers)
        return regular(status, headers)

    def regular(self, url, number, status=None, headers=None):
        headers = dict(headers or {})
        mode = self.state.mode_for(url.path)
        if mode:
            mode_status, mode_headers = mode
            body = {"error": status_phrase(mode_status)}
            return self.reply(mode_status, body, {**mode_headers, **headers})
        if self.state.require_bearer and not self.state.token_valid(self.bearer()):
            headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return self.reply(401, {"error": "invalid_token"}, headers)
        if url.path.startswith(FEED_PREFIX) and self.command == "GET":
            return self.feed(url, status, headers)
        key = self.headers.get("Idempotency-Key")
        (status, body), replayed = self.state.accept(
            url.path, key, number, status or 200
        )
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return self.reply(status, body, headers)

    def bearer(self):
        scheme, _sep, token = (self.headers.get("Authorization") or "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" else None

    def feed(self, url, status, headers):
        query = query_dict(url.query)
        try:
            limit = first_value(query, "limit")
            limit = int(limit) if limit else None
            if limit is not None and limit < 1:
                raise ValueError("limit must be >= 1")
            page = self.state.feed_page(
                url.path[len(FEED_PREFIX) :],
                first_value(query, "since"),
                first_value(query, "cursor"),
                limit,
            )
        except ValueError as exc:
            return self.reply(400, {"error": str(exc)}, headers)
        return self.reply(status or 200, page, headers)

    # ---------------------------------------------------------------- oauth

    def token_call(self, body):
        if self.command != "POST":
            return self.reply(405, {"error": "invalid_request"}, {"Allow": "POST"})
        entry = self.state.take_script_entry(TOKEN_PATH, "POST")
        if entry:
            return self.scripted(entry, lambda _s, h: self.issue_token(body, h))
        return self.issue_token(body)

    def issue_token(self, body, headers=None):
        form = query_dict(body.decode("utf-8", errors="replace"))
        if first_value(form, "grant_type") != "client_credentials":
            return self.reply(400, {"error": "unsupported_grant_type"}, headers)
        client_id, client_secret = self.basic_credentials()
        if client_id is None:
            client_id = first_value(form, "client_id")
            client_secret = first_value(form, "client_secret")
        token = self.state.issue_token(client_id, client_secret)
        if token is None:
            return self.reply(401, {"error": "invalid_client"}, headers)
        return self.reply(200, token, {**(headers or {}), "Cache-Control": "no-store"})

    def basic_credentials(self):
        scheme, _sep, encoded = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return None, None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        client_id, _sep, client_secret = decoded.partition(":")
        # RFC 6749 2.3.1: both parts are form-encoded before base64.
        return unquote_plus(client_id), unquote_plus(client_secret)

    # ---------------------------------------------------------------- control

    def control(self, url, body):
        route = url.path.rstrip("/") or CONTROL_PREFIX
        query = query_dict(url.query)
        if self.command == "GET":
            return self.control_get(route, query)
        if self.command != "POST":
            return self.reply(405, {"error": "control routes take GET or POST"})
        if route == f"{CONTROL_PREFIX}/ui":
            return self.control_form(body)
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError("the request body must be a JSON object")
            result = self.control_post(route, data)
        except (ValueError, KeyError, TypeError) as exc:
            message = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            return self.reply(400, {"error": message})
        if result is None:
            return self.reply(404, {"error": f"no control route POST {route}"})
        return self.reply(200, result)

    def control_get(self, route, query):
        sim = self.sim
        if route == CONTROL_PREFIX:
            page = control_page(sim, first_value(query, "path") or ANY_PATH)
            return self.reply(200, page, content_type="text/html; charset=utf-8")
        if route == f"{CONTROL_PREFIX}/requests":
            return self.reply(
                200,
                sim.requests(
                    path=first_value(query, "path"), method=first_value(query, "method")
                ),
            )
        if route == f"{CONTROL_PREFIX}/deliveries":
            return self.reply(200, sim.delivery_counts(first_value(query, "key")))
        if route == f"{CONTROL_PREFIX}/stats":
            return self.reply(200, sim.stats())
        return self.reply(404, {"error": f"no control route GET {route}"})

    def control_post(self, route, data):
        """The JSON result of a control command, or None for an unknown route."""
        sim = self.sim
        if route.startswith(f"{CONTROL_PREFIX}/feed/"):
            name = route[len(f"{CONTROL_PREFIX}/feed/") :]
            sim.set_feed(name, data["items"], data.get("page_size", 2))
            return {"ok": True, "feed": name}
        if route == f"{CONTROL_PREFIX}/call_webhook":
            return self.control_call_webhook(data)
        commands = {
            "reset": sim.reset,
            "script": lambda: sim.script(
                data["path"], data["responses"], method=data.get("method")
            ),
            "mode": lambda: sim.set_mode(
                data["path"], data.get("status"), data.get("headers")
            ),
            "oauth": lambda: self.control_oauth(data),
            "oauth/revoke": sim.revoke_tokens,
        }
        command = commands.get(route[len(CONTROL_PREFIX) + 1 :])
        if command is None:
            return None
        command()
        return {"ok": True}

    def control_oauth(self, data):
        if "client_id" in data:
            self.sim.oauth_clients[str(data["client_id"])] = str(data["client_secret"])
        if "expires_in" in data:
            self.sim.token_lifetime = int(data["expires_in"])
        if "require_bearer" in data:
            self.sim.require_bearer = bool(data["require_bearer"])

    def control_call_webhook(self, data):
        options = (
            "secret",
            "idempotency_key",
            "correlation_id",
            "timestamp",
            "signature",
            "headers",
        )
        try:
            status, body = self.sim.call_webhook(
                data["url"],
                data.get("payload", {}),
                timeout=float(data.get("timeout", 30)),
                **{name: data.get(name) for name in options},
            )
        except requests.RequestException as exc:
            return {"status": None, "error": f"{type(exc).__name__}: {exc}"}
        return {"status": status, "body": body}

    def control_form(self, body):
        """The control page's buttons: act, then show the page again."""
        form = query_dict(body.decode("utf-8", errors="replace"))
        path = (first_value(form, "path") or ANY_PATH).strip() or ANY_PATH
        action = first_value(form, "action")
        if not run_page_action(self.sim, action, path):
            return self.reply(400, {"error": f"unknown action {action!r}"})
        location = f"{CONTROL_PREFIX}/?path={quote(path, safe='/*')}"
        return self.reply(303, b"", {"Location": location}, "text/plain")


# ---------------------------------------------------------------- control page

PAGE_ACTIONS = (
    ("fail", "Fail next call (503)"),
    ("down", "Partner down (all 503) on/off"),
    ("rate", "Rate limit next (429)"),
    ("slow", "Slow next (10 s)"),
    ("reset", "Reset"),
)


def run_page_action(sim, action, path):
    if action == "fail":
        sim.fail_next(path, status=503)
    elif action == "down":
        sim.set_mode(ANY_PATH, None if sim.partner_down else 503)
    elif action == "rate":
        sim.rate_limit_next(path, retry_after=30)
    elif action == "slow":
        sim.slow_next(path, 10)
    elif action == "reset":
        sim.reset()
    else:
        return False
    return True


def _request_rows(sim):
    rows = []
    for r in reversed(sim.requests()[-_RECENT_ON_PAGE:]):
        when = time.strftime("%H:%M:%S", time.localtime(r["received_at"]))
        status = "dropped" if r["dropped"] else r["status"]
        rows.append(
            f"<tr><td>{when}</td><td>{html.escape(r['method'])}</td>"
            f"<td>{html.escape(r['path'])}</td><td>{html.escape(str(status))}</td></tr>"
        )
    return "".join(rows) or "<tr><td colspan='4'>No calls yet.</td></tr>"


def control_page(sim, path=ANY_PATH):
    name = html.escape(sim.name)
    stats = sim.stats()
    down = "DOWN (every call answers 503)" if sim.partner_down else "up"
    buttons = "\n".join(
        f'<button name="action" value="{action}">{html.escape(label)}</button>'
        for action, label in PAGE_ACTIONS
    )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Partner simulator: {name}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 12px;
text-align:left}}button{{margin:4px 4px 4px 0}}</style></head>
<body><h1>Partner simulator: {name}</h1>
<p>Partner is <b>{down}</b>. Scripted answers waiting:
{sim.state.pending_script_entries()}. Calls received: {stats["received"]},
tokens issued: {stats["tokens_issued"]}.</p>
<form method="post" action="{CONTROL_PREFIX}/ui">
<label>Path for the next-call buttons (* = any call):
<input name="path" value="{html.escape(path)}" size="30"></label><br>
{buttons}
</form>
<h2>Recent calls</h2>
<table><tr><th>Time</th><th>Method</th><th>Path</th><th>Status</th></tr>
{_request_rows(sim)}</table>
<p><a href="{CONTROL_PREFIX}/requests">All calls as JSON</a></p>
<script>
setInterval(function () {{
  if (document.activeElement.name !== "path") location.reload();
}}, 5000);
</script>
</body></html>"""


# ---------------------------------------------------------------- public API


class PartnerSimulator:
    """The simulator as a server in a daemon thread (also a context manager).

    A simulator of another partner serves its own request handler, a
    subclass of ``Handler``, by naming it::

        class ProcurementServer(ProcurementSimulator):
            handler_class = ProcurementHandler
    """

    handler_class = None  # Handler, unless a subclass names its own

    def __init__(self, host="127.0.0.1", port=0, name="partner", webhook_secret=None):
        self.name = name
        self.webhook_secret = webhook_secret
        self.state = SimulatorState(name)
        self.httpd = SimulatorServer((host, port), self.handler_class or Handler, self)
        self._thread = None

    # lifecycle

    @property
    def host(self):
        return self.httpd.server_address[0]

    @property
    def port(self):
        return self.httpd.server_address[1]

    @property
    def url(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"partner-sim-{self.name}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self):
        """Stop serving and cut open connections; sleeping handlers wake up."""
        self.httpd.stopping.set()
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=2)
            self._thread = None
        self.httpd.close_connections()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # inspection

    def requests(self, path=None, method=None):
        return self.state.requests(path=path, method=method)

    def deliveries(self, key):
        """How many new (not replayed) deliveries carried this Idempotency-Key."""
        with self.state.lock:
            return self.state.deliveries.get(key, 0)

    def replays(self, key):
        with self.state.lock:
            return self.state.replays.get(key, 0)

    def delivery_counts(self, key=None):
        with self.state.lock:
            if key is not None:
                return {
                    "key": key,
                    "deliveries": self.state.deliveries.get(key, 0),
                    "replays": self.state.replays.get(key, 0),
                }
            return {
                "deliveries": dict(self.state.deliveries),
                "replays": dict(self.state.replays),
            }

    def stats(self):
        return self.state.stats()

    @property
    def tokens_issued(self):
        with self.state.lock:
            return self.state.tokens_issued

    @property
    def partner_down(self):
        with self.state.lock:
            return ANY_PATH in self.state.modes

    # configuration

    @property
    def oauth_clients(self):
        return self.state.oauth_clients

    @oauth_clients.setter
    def oauth_clients(self, clients):
        with self.state.lock:
            self.state.oauth_clients = dict(clients)

    @property
    def token_lifetime(self):
        return self.state.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds):
        with self.state.lock:
            self.state.token_lifetime = int(seconds)

    @property
    def require_bearer(self):
        return self.state.require_bearer

    @require_bearer.setter
    def require_bearer(self, value):
        self.state.require_bearer = bool(value)

    def revoke_tokens(self):
        """Forget issued tokens, as a partner rotating its keys would."""
        self.state.revoke_tokens()

    # behaviour

    def reset(self):
        """Forget calls, scripts, modes, feeds, idempotency keys and tokens."""
        self.state.reset()

    def script(self, path, responses, method=None):
        """The next matching calls (``path`` or ``"*"``) answer these entries."""
        self.state.add_script(path, responses, method=method)

    def set_mode(self, path, status, headers=None):
        """Answer every call to ``path`` (``"*"``: all) with ``status``; None clears."""
        self.state.set_mode(path, status, headers)

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
        self.state.set_feed(name, items, page_size)

    # webhooks

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
        body = _payload_bytes(payload)
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        secret = self.webhook_secret if secret is None else secret
        sent = {"Content-Type": JSON_TYPE, "X-HC-Timestamp": timestamp}
        if signature is not None:
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


def _payload_bytes(payload):
    if isinstance(payload, (bytes, bytearray)):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode()
    return json.dumps(payload).encode()


# ---------------------------------------------------------------- program


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8075, help="0: any free port")
    parser.add_argument("--name", default="partner")
    parser.add_argument("--webhook-secret", help="default secret of call_webhook")
    parser.add_argument("--state-file", help="write the URL and port here as JSON")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def write_state_file(path, sim):
    state = {
        "name": sim.name,
        "url": sim.url,
        "host": sim.host,
        "port": sim.port,
        "pid": os.getpid(),
    }
    # Write then rename, so that a launcher polling the file never reads half.
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(state, handle)
    os.replace(temporary, path)


def serve_until_signalled(sim, label, state_file=None, page=""):
    """Start ``sim``, say where it listens, serve until SIGINT or SIGTERM,
    stop it; the exit status. Every simulator's ``main`` ends with it, e.g.::

        return serve_until_signalled(EamSimulator(...), "EAM simulator")
    """
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: stopped.set())
    sim.start()
    if state_file:
        write_state_file(state_file, sim)
    print(f"{label} {sim.name} listening on {sim.url}{page}", flush=True)
    stopped.wait()
    _logger.info("stopping")
    sim.stop()
    return 0


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s partner-sim %(levelname)s %(message)s",
    )
    try:
        sim = PartnerSimulator(args.host, args.port, args.name, args.webhook_secret)
    except OSError as exc:
        _logger.error("cannot listen on %s:%s: %s", args.host, args.port, exc)
        return 1
    status = serve_until_signalled(sim, "partner simulator", args.state_file)
    if args.state_file:
        with suppress(FileNotFoundError):
            os.remove(args.state_file)
    return status


if __name__ == "__main__":
    sys.exit(main())
