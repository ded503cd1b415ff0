"""The benchmark database and server of ``bench_throughput``: the database
with its flows (``prepare``), an Odoo server in prefork mode (``Server``), an
Odoo shell and a JSON-RPC client on it, and the polling of the database while
a measure runs (on one kept connection).
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests
from harness import ROOT, db_connection, hcdev, log

# the partner simulator the runs call, and sign webhooks for (re-exported)
sys.path.insert(0, str(ROOT / "tests" / "simulators"))
from partner_simulator import PartnerSimulator, sign  # noqa: F401

# the benchmark database, dropped at the end (HC_BENCH_DB names another one)
DB = os.environ.get("HC_BENCH_DB", "hc_bench")
ADDONS = ["healthcare_integration_core", "hc_bench_baseline"]
JOB_RUN_RE = re.compile(
    r'"GET /queue_job/runjob\?\S*job_uuid=([0-9a-f-]+) HTTP/1.1" \d+ - (\d+) '
)
SECRET = "bench-hook-secret"
OAUTH_CLIENT, OAUTH_SECRET = "demo-client", "demo-secret"
PAGE_SIZES = (100, 500)
VACUUMED = (
    "queue_job",
    "hc_message",
    "hc_message_payload",
    "hc_message_attempt",
)


class Server:
    """An Odoo server on the benchmark database, in prefork mode."""

    def __init__(self, with_runner, log_path):
        self.port = hcdev.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        # Odoo appends to its log file: statements are counted on this run's
        Path(log_path).unlink(missing_ok=True)
        modules = "base,web,queue_job" if with_runner else "base,web"
        self.proc = hcdev.start_odoo(
            DB,
            self.port,
            extra=(
                f"--addons-path={hcdev.test_addons_path()}",
                "--workers=2",
                "--max-cron-threads=0",
                f"--load={modules}",
                f"--logfile={log_path}",
                f"--gevent-port={hcdev.free_port()}",
                "--limit-time-real=3600",
            ),
        )

    def stop(self):
        hcdev.stop(self.proc)

    def worker_rss(self):
        """Resident memory of every process of the server, in MiB."""
        try:
            parent = psutil.Process(self.proc.pid)
            processes = [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return {}
        return {p.pid: p.memory_info().rss / 2**20 for p in processes if p.is_running()}


def shell(code):
    """Run Python in an Odoo shell on the benchmark database; its JSON output."""
    result = subprocess.run(
        [
            str(hcdev.ODOO_BIN),
            "shell",
            "-c",
            str(hcdev.CONF),
            "-d",
            DB,
            f"--addons-path={hcdev.test_addons_path()}",
            "--no-http",
        ],
        input=code,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    raise RuntimeError(result.stdout[-2000:] + result.stderr[-4000:])


def prepare(sim_url):
    hcdev.drop_database(DB)
    log("installing the benchmark database")
    rc = hcdev.install_database(
        DB,
        ADDONS,
        extra=(f"--addons-path={hcdev.test_addons_path()}", "--without-demo=all"),
    )
    if rc:
        raise RuntimeError("install failed")
    return shell(
        f"""
import json
env = env(context=dict(env.context, tracking_disable=True))
ref = lambda x: env.ref(x).id
CORE = "healthcare_integration_core."
backend = env["hc.backend"].create({{
    "name": "Bench partner", "code": "bench", "base_url": "{sim_url}",
    "auth_type": "oauth2", "username": "{OAUTH_CLIENT}",
    "credential_secret": "{OAUTH_SECRET}", "token_url": "{sim_url}/oauth/token",
    "webhook_secret": "{SECRET}", "breaker_threshold": 0,
    "max_payload_kb": 65536, "connect_timeout": 5, "read_timeout": 30,
}})
def flow(code, xmlid, **vals):
    return env["hc.flow"].create({{"flow_type_id": ref(xmlid), "code": code,
                                   "backend_id": backend.id, **vals}}).id
ids = {{
    "receive": flow("receive", "healthcare_integration_core.flow_type_receive"),
    "send": flow("send", "healthcare_integration_core.flow_type_send",
                 endpoint="/api/orders"),
}}
for size in {PAGE_SIZES!r}:
    ids[f"pull_record_{{size}}"] = flow(f"pull_record_{{size}}",
        CORE + "flow_type_receive_pull", endpoint="/feeds/items",
        batch_page_size=size)
    ids[f"pull_xwalk_{{size}}"] = flow(f"pull_xwalk_{{size}}",
        CORE + "flow_type_crosswalk_check_pull", endpoint="/feeds/coded",
        batch_page_size=size)
    ids[f"pull_items_{{size}}"] = flow(f"pull_items_{{size}}",
        "hc_bench_baseline.flow_type_items_pull", endpoint="/feeds/items",
        batch_page_size=size)
env["hc.crosswalk"].create([{{"backend_id": backend.id, "domain": "product",
    "external_code": f"SKU-{{n}}", "odoo_value": str(n)}} for n in range(1000)])
env.cr.commit()
print("BENCH " + json.dumps(ids))
"""
    )


def hcdev_client(url):
    session = requests.Session()
    uid = session.post(
        f"{url}/jsonrpc",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "common",
                "method": "login",
                "args": [DB, "admin", "admin"],
            },
        },
        timeout=60,
    ).json()["result"]

    def call(model, method, *args):
        answer = session.post(
            f"{url}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [DB, uid, "admin", model, method, list(args), {}],
                },
            },
            timeout=600,
        ).json()
        if answer.get("error"):
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer.get("result")

    return call


def wait_until(check, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(step)


_POLL = {}


def poll_rows(sql):
    """The rows of ``sql`` (None for a statement without any), on one kept
    connection: a psql process per poll would compete with the server for
    the 2 cores."""
    if "connection" not in _POLL:
        _POLL["connection"] = db_connection(DB)
        _POLL["connection"].autocommit = True
    with _POLL["connection"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else None


def close_polling():
    """Close the polling connection (at the end of a run)."""
    if "connection" in _POLL:
        _POLL.pop("connection").close()


def poll_value(sql):
    """The first column of ``sql``'s first row."""
    rows = poll_rows(sql)
    return rows[0][0] if rows else None


def pending_count(sql):
    return int(poll_value(sql) or 0)


def vacuum():
    """What autovacuum does between bursts in production: this machine's
    PostgreSQL runs with it off, and dead rows left by one round would slow
    the next one down."""
    for table in VACUUMED:
        poll_rows(f"VACUUM ANALYZE {table}")


def last_job_id():
    return poll_value("SELECT coalesce(max(id), 0) FROM queue_job")
