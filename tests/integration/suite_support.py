"""What the suite tests share (integration, prefork, cluster; also the
benchmarks): the JSON-RPC client of the running server, the final message
states, waiting for a condition, the RabbitMQ broker of the environment, and
the fixtures on the server bin/test starts (each stage's conftest imports them).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
for _folder in (ROOT / "tests" / "simulators", ROOT / "tools"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from addon_lib import addon_lib  # noqa: E402
from partner_simulator import PartnerSimulator  # noqa: E402

amqp = addon_lib("broker", "amqp")

# HC_AMQP_* name the broker (default: a local RabbitMQ, guest/guest)
BROKER = amqp.BrokerConfig(
    host=os.environ.get("HC_AMQP_HOST", "127.0.0.1"),
    port=int(os.environ.get("HC_AMQP_PORT", "5672")),
    virtual_host=os.environ.get("HC_AMQP_VHOST", "/"),
    username=os.environ.get("HC_AMQP_USER", "guest"),
    password=os.environ.get("HC_AMQP_PASSWORD", "guest"),
)


def wait_until(condition, timeout, what, interval=0.5):
    """The first true value of ``condition()``; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout}s")
        time.sleep(interval)


def broker_backend_values(name, code, **values):
    """An ``hc.backend`` on BROKER (basic auth, breaker off) named ``name``."""
    return {
        "name": name,
        "code": code,
        "transport": "amqp",
        "system_type": "broker",
        "amqp_host": BROKER.host,
        "amqp_port": BROKER.port,
        "amqp_virtual_host": BROKER.virtual_host,
        "auth_type": "basic",
        "username": BROKER.username,
        "credential_secret": BROKER.password,
        "breaker_threshold": 0,
        **values,
    }


FINAL = ("done", "dead", "cancelled", "duplicate")


class OdooClient:
    """JSON-RPC client of the running server, logged in as the demo admin."""

    def __init__(self, url, db, login="admin", password="admin"):
        self.url = url
        self.db = db
        self.session = requests.Session()
        self.uid = self.call("common", "login", db, login, password)
        self.password = password
        if not self.uid:
            raise RuntimeError(f"cannot log in to {db} as {login}")

    def call(self, service, method, *args):
        response = self.session.post(
            f"{self.url}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
            },
            timeout=60,
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            raise RuntimeError(body["error"]["data"]["message"])
        return body.get("result")

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def log_size(self):
        """Where the server's log ends now (HC_ODOO_LOG)."""
        return os.path.getsize(os.environ["HC_ODOO_LOG"])

    def log_since(self, offset):
        with open(os.environ["HC_ODOO_LOG"], errors="replace") as handle:
            handle.seek(offset)
            return handle.read()

    def flow_type(self, code):
        """The id of an installed flow type."""
        [type_id] = self.execute("hc.flow.type", "search", [("code", "=", code)])
        return type_id

    def read_one(self, model, record_id, fields):
        return self.execute(model, "read", [record_id], fields)[0]

    def wait_for(self, model, record_id, field, values, timeout=60):
        """Poll until the record's field takes one of the values."""
        deadline = time.monotonic() + timeout
        while True:
            record = self.read_one(model, record_id, [field])
            if record[field] in values:
                return record
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{model}({record_id}).{field} is {record[field]!r}, "
                    f"expected one of {values} after {timeout}s"
                )
            time.sleep(0.5)


@pytest.fixture(scope="session")
def odoo():
    url = os.environ.get("HC_ODOO_URL")
    db = os.environ.get("HC_ODOO_DB")
    if not url or not db:
        raise RuntimeError(
            "HC_ODOO_URL and HC_ODOO_DB name the running server: run these tests "
            "through bin/test"
        )
    return OdooClient(url, db)


def odoo_conf():
    values = {}
    conf = ROOT / ".hc" / "odoo.conf"
    for line in conf.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values.setdefault(key.strip(), value.strip())
    return values


@pytest.fixture(scope="session")
def psql():
    """Run one SQL statement on a database of the test server's cluster."""
    conf = odoo_conf()

    def run(db, sql):
        args = ["-h", conf["db_host"], "-p", conf["db_port"], "-U", conf["db_user"]]
        done = subprocess.run(
            ["psql", *args, "-d", db, "-Atqc", sql],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    return run


@pytest.fixture()
def sim():
    simulator = PartnerSimulator(host="127.0.0.1", port=0, name="suite")
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture()
def backend(odoo, sim):
    """A backend on a fresh simulator with an outbound and an inbound flow."""
    code = f"suite_{int(time.time() * 1000)}"
    backend_id = odoo.execute(
        "hc.backend",
        "create",
        {
            "name": f"Suite partner {code}",
            "code": code,
            "base_url": sim.url,
            "auth_type": "api_key",
            "credential_secret": "suite-api-key",
            "webhook_secret": "suite-hook-secret",
            "breaker_threshold": 0,
        },
    )
    out_id = odoo.execute(
        "hc.flow",
        "create",
        {
            "name": "Suite out",
            "code": "out",
            "backend_id": backend_id,
            "flow_type_id": odoo.flow_type("core.send"),
            "endpoint": "/api/orders",
            "max_attempts": 2,
            "backoff_base": 1,
            "backoff_max": 2,
            "test_payload": '{"order": "SUITE-1"}',
        },
    )
    in_id = odoo.execute(
        "hc.flow",
        "create",
        {
            "name": "Suite in",
            "code": "in",
            "backend_id": backend_id,
            "flow_type_id": odoo.flow_type("core.receive"),
        },
    )
    return {"id": backend_id, "code": code, "out": out_id, "in": in_id}
