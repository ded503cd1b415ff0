"""A partner system (EHR, supplier, payroll provider...) on HTTP, for tests and demos.

It records what it receives, answers as scripted (errors, Retry-After, slow
answers, dropped connections, garbage), issues OAuth2 client-credentials
tokens, serves paged feeds for batch pulls and calls the suite's webhooks with
signed requests. Drive it from Python (``PartnerSimulator``), over HTTP under
``/_sim/`` (the demo's control page is ``GET /_sim/``), or run it as a program::

    python tests/simulators/partner_simulator.py --port 8075 --name demo
"""

import argparse
import hashlib
import hmac
import json
import logging
import os
import signal
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

import requests

# the simulator's parts are its sibling modules (also when loaded by file path)
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

# the other simulators build on these through this module
from partner_control import control_page
from partner_http import Handler, SimulatorServer
from partner_state import (
    ANY_PATH,
    CONTROL_PREFIX,
    JSON_TYPE,
    SimulatorState,
    first_value,
    query_dict,
)

__all__ = [
    "CONTROL_PREFIX",
    "Handler",
    "PartnerSimulator",
    "SimulatorServer",
    "SimulatorState",
    "control_page",
    "first_value",
    "main",
    "parse_args",
    "query_dict",
    "run_program",
    "serve_until_signalled",
    "sign",
]

_logger = logging.getLogger("partner_simulator")

# bin/start runs this simulator for the demo connectors on this port
DEMO_PORT = 8075


def sign(secret, timestamp, body):
    """The ``X-HC-Signature`` value of ``body`` sent at ``timestamp``."""
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    digest = hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


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


def parse_args(argv=None, port=DEMO_PORT, name="partner", description=None, extra=None):
    """The options of every simulator program (``bin/start`` passes ``--port``,
    ``--name`` and ``--webhook-secret``); ``port`` and ``name`` are this
    simulator's defaults, ``extra(parser)`` adds its own options."""
    parser = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port, help="0: any free port")
    parser.add_argument("--name", default=name)
    parser.add_argument("--webhook-secret", help="secret of the signed webhooks")
    parser.add_argument("--state-file", help="write the URL and port here as JSON")
    parser.add_argument("--log-level", default="INFO")
    if extra:
        extra(parser)
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
    stop it; the exit status (the end of ``run_program``)."""
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


def run_program(build, label, args, tag, page=""):
    """A simulator program's ``main``: log as ``tag``, make the simulator
    (``build(args)``), serve it until SIGINT or SIGTERM; exit status 1 when
    its port is taken. Every simulator's ``main`` is one, e.g.::

        def main(argv=None):
            args = parse_args(argv, port=DEMO_PORT, name="eam")
            return run_program(make_eam_simulator, "EAM simulator", args, "asset-sim")
    """
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format=f"%(asctime)s {tag} %(levelname)s %(message)s",
    )
    try:
        sim = build(args)
    except OSError as exc:
        _logger.error("cannot listen on %s:%s: %s", args.host, args.port, exc)
        return 1
    status = serve_until_signalled(sim, label, args.state_file, page)
    if args.state_file:
        with suppress(FileNotFoundError):
            os.remove(args.state_file)
    return status


def main(argv=None):
    return run_program(
        lambda a: PartnerSimulator(a.host, a.port, a.name, a.webhook_secret),
        "partner simulator",
        parse_args(argv),
        "partner-sim",
    )


if __name__ == "__main__":
    sys.exit(main())
