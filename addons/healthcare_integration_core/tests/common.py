# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import importlib.util
import json
import os
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch
from urllib.parse import urlparse

from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase, _super_send

from odoo.addons.queue_job.tests.common import trap_jobs

LOCAL_HOSTS = ("127.0.0.1", "localhost")


SIMULATORS_DIR = Path(
    os.environ.get(
        "HC_SIMULATORS", Path(__file__).resolve().parents[3] / "tests/simulators"
    )
)


@contextmanager
def trap_received_jobs(env):
    """queue_job's ``trap_jobs()``, with the jobs of received messages in it:
    they are stored through queue_job's API instead of the statement that
    stores the message (``hc.inbound._jobs_in_statement``)."""
    inbound = type(env["hc.inbound"])
    with (
        trap_jobs() as trap,
        patch.object(inbound, "_jobs_in_statement", return_value=False),
    ):
        yield trap


def load_simulator_module(file_name="partner_simulator.py"):
    """A module of the suite's tests/simulators folder (HC_SIMULATORS moves it)."""
    path = SIMULATORS_DIR / file_name
    if not path.is_file():
        raise FileNotFoundError(
            f"{file_name} not found in {SIMULATORS_DIR}: run the tests from the "
            "suite's repository or set HC_SIMULATORS"
        )
    spec = importlib.util.spec_from_file_location(f"hc_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SimulatorMixin:
    """Starts one partner simulator for the test class."""

    @classmethod
    def start_simulator(cls, **kwargs):
        module = load_simulator_module()
        sim = module.PartnerSimulator(host="127.0.0.1", port=0, **kwargs)
        sim.start()
        cls.addClassCleanup(sim.stop)
        return sim

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test guard forces a 10 s timeout and cannot read the
        # (connect, read) tuples the transport uses; local partners keep theirs.
        if urlparse(r.url).hostname in LOCAL_HOSTS:
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)


class SftpServerMixin:
    """Starts one real OpenSSH server (sshd) for the test class."""

    @classmethod
    def start_sftp_server(cls):
        server = load_simulator_module("sftp_server.py").OpenSshServer().start()
        cls.addClassCleanup(server.stop)
        return server

    @classmethod
    def sftp_backend_values(cls, server, code):
        """hc.backend values for an SFTP backend on ``server``, key auth."""
        return {
            "name": f"SFTP {code}",
            "code": code,
            "transport": "sftp",
            "file_host": "127.0.0.1",
            "file_port": server.port,
            "file_username": server.username,
            "file_host_key": server.host_key,
            "ssh_key_pem": server.client_key_pem,
            "file_root": server.root,
            "connect_timeout": 5,
        }


def committed_refusals(case, backend_code, flow_code=None):
    """The refusal counts of ``backend_code``, as committed.

    Refusals are counted in a transaction of their own: outside Odoo's test
    mode (a ``TransactionCase``) it commits, and only a fresh cursor sees it.
    The rows are removed when the test ends.
    """

    def rows():
        with case.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            domain = [("backend_code", "=", backend_code)]
            if flow_code:
                domain.append(("flow_code", "=", flow_code))
            found = env["hc.webhook.refusal"].search(domain)
            return [(r.reason_code, r.flow_code, r.count, r.examples) for r in found]

    def cleanup():
        with case.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["hc.webhook.refusal"].search(
                [("backend_code", "=", backend_code)]
            ).unlink()

    case.addCleanup(cleanup)
    return rows()


class HcTestMixin:
    """Running queued jobs and storing payloads in tests, for any test class."""

    @contextmanager
    def jobs(self):
        with trap_received_jobs(self.env) as trap:
            yield trap

    def run_jobs(self, trap, rounds=20):
        """Perform queued jobs, and the jobs they queue, ignoring their ETA.

        The cache is written and dropped before each round: a job reads the
        database with its own user's rights, not what the test has in cache.
        """
        for _round in range(rounds):
            if not trap.enqueued_jobs:
                return
            self.env.flush_all()
            self.env.invalidate_all()
            trap.perform_enqueued_jobs()
        raise AssertionError("jobs kept requeueing themselves")

    def ingest(self, flow, body, key=None, correlation_id=None):
        """Store a received payload as the webhook does; the message.

        ``body`` is bytes as received, or a str or a JSON-able value to encode.
        """
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = json.dumps(body).encode()
        ingested = self.env["hc.inbound"]._ingest(flow, body, key, correlation_id)
        return self.env["hc.message"].browse(ingested.id)

    def receive_payload(self, flow, body, key=None):
        """Store a payload and process it, and what it queues; the message."""
        with self.jobs() as trap:
            message = self.ingest(flow, body, key)
            self.run_jobs(trap)
        return message


class HcCase(HcTestMixin, SimulatorMixin, TransactionCase):
    """A backend on a real partner simulator, with flows of each kind."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.sim = cls.start_simulator(name="core-test")
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Test partner",
                "code": "test_partner",
                "base_url": cls.sim.url,
                "auth_type": "api_key",
                "credential_secret": "partner-api-key",
                "webhook_secret": "hook-secret",
                "connect_timeout": 1,
                "read_timeout": 1,
                "breaker_threshold": 0,
            }
        )
        cls.flow_out = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": "Orders out",
                "code": "orders_out",
                "backend_id": cls.backend.id,
                "endpoint": "/api/orders",
                "max_attempts": 3,
                "backoff_base": 1,
                "backoff_max": 5,
            }
        )
        cls.flow_in = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_crosswalk_check"
                ).id,
                "name": "Events in",
                "code": "events_in",
                "backend_id": cls.backend.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def send(self, payload=None, **kwargs):
        return self.flow_out._send(payload or {"order": "PO-1"}, **kwargs)

    def dead_message(self, trap, payload=None):
        """A message sent while the partner answers 503 until its retries
        run out (``trap``: ``self.jobs()``)."""
        self.sim.fail_next("/api/orders", count=3, status=503)
        message = self.send(payload or {"order": "R-1"})
        self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        return message

    def received(self, path="/api/orders"):
        return self.sim.requests(path=path)

    def pull_flow(self, feed, **vals):
        """A record-only pull flow of the test backend, on the simulator's
        feed named ``feed``."""
        return self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_core.flow_type_receive_pull"
                ).id,
                "name": f"{feed.capitalize()} feed",
                "code": f"{feed}_feed",
                "backend_id": self.backend.id,
                "endpoint": f"/feeds/{feed}",
                **vals,
            }
        )
