"""The partner simulator's HTTP server and request handler: reading bodies,
answering partner calls (scripts, modes, bearer tokens, feeds, idempotent
accepts), the OAuth2 token endpoint, and a log line per call with credentials
masked. The ``/_sim/`` control routes are ``partner_control.ControlRoutes``."""

import base64
import binascii
import json
import logging
import socket
import threading
import time
from contextlib import suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_plus, urlsplit

from partner_control import ControlRoutes
from partner_state import (
    CONTROL_PREFIX,
    FAVICON_PATH,
    FEED_PREFIX,
    JSON_TYPE,
    TOKEN_PATH,
    first_value,
    query_dict,
)

_logger = logging.getLogger("partner_simulator")

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


class Handler(ControlRoutes, BaseHTTPRequestHandler):
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
