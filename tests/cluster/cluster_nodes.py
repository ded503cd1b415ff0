"""The pieces of tests/cluster: prefork Odoo nodes, HAProxy in front of
them, and the cluster they make on one database (see conftest.py)."""

import contextlib
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / ".hc" / "odoo.conf"
ODOO_BIN = Path(sys.executable).parent / "odoo"

# queue_job's runner: the advisory lock of the active runner, and how long a
# standby sleeps between two tries (jobrunner/runner.py)
RUNNER_SOURCE = (
    Path(
        importlib.util.find_spec("odoo.addons.queue_job").submodule_search_locations[0]
    )
    / "jobrunner"
    / "runner.py"
)


def runner_constant(name):
    match = re.search(rf"^{name} = (\d+)", RUNNER_SOURCE.read_text(), re.M)
    return int(match.group(1))


RUNNER_LOCK_ID = runner_constant("PG_ADVISORY_LOCK_ID")
ERROR_RECOVERY_DELAY = runner_constant("ERROR_RECOVERY_DELAY")
APP_PREFIX = "hc-cluster-"
WORKERS = 3  # HTTP workers per node (jobs run in them too)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    """One prefork Odoo server (HTTP workers, cron worker, job runner)."""

    def __init__(self, name, db, folder, balancer_port):
        self.name = name
        self.db = db
        self.http_port = free_port()
        self.gevent_port = free_port()
        self.balancer_port = balancer_port
        self.log = Path(folder) / f"node-{name}.log"
        self.proc = None
        self.consumer = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def start(self):
        self.log.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            [
                str(ODOO_BIN),
                "-c",
                str(CONF),
                "-d",
                self.db,
                f"--db-filter=^{self.db}$",
                f"--addons-path={os.environ['HC_ODOO_ADDONS_PATH']}",
                f"--http-port={self.http_port}",
                f"--gevent-port={self.gevent_port}",
                f"--workers={WORKERS}",
                "--max-cron-threads=1",
                f"--logfile={self.log}",
            ],
            # the runner's connection names its node in pg_stat_activity
            env={
                **os.environ,
                "ODOO_PGAPPNAME": f"{APP_PREFIX}{self.name}-{{pid}}",
                # a scheduled action made due wakes the cron workers of both
                # nodes at once: they race for it (ir.cron's row lock)
                "ODOO_NOTIFY_CRON_CHANGES": "1",
                # the active runner hands jobs to any node, through the
                # balancer (by default it would call its own node only)
                "ODOO_QUEUE_JOB_HOST": "127.0.0.1",
                "ODOO_QUEUE_JOB_PORT": str(self.balancer_port),
            },
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def healthy(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"node {self.name} exited with {self.proc.returncode}")
        with contextlib.suppress(requests.RequestException):
            return requests.get(f"{self.url}/web/health", timeout=5).ok
        return False

    def start_consumer(self, backend_code):
        """``odoo hc-consumer`` of one broker backend, on this node (killed
        with it)."""
        paths = f"--addons-path={os.environ['HC_ODOO_ADDONS_PATH']}"
        log = Path(self.log.parent) / f"consumer-{self.name}.log"
        with log.open("w") as handle:
            self.consumer = subprocess.Popen(
                [
                    str(ODOO_BIN),
                    paths,
                    "hc-consumer",
                    "-c",
                    str(CONF),
                    paths,
                    "-d",
                    self.db,
                    "--flow",
                    backend_code,
                    "--refresh",
                    "2",
                ],
                start_new_session=True,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )

    def owns(self, pid):
        """Whether process ``pid`` is one of this node's (its process group)."""
        try:
            return os.getpgid(pid) == self.proc.pid
        except ProcessLookupError:
            return False

    def kill(self):
        """SIGKILL the whole node: main process, workers, runner, cron,
        broker consumer."""
        self._signal(signal.SIGKILL)
        self.proc.wait(10)
        if self.consumer:
            self.consumer.wait(10)

    def _signal(self, signum):
        for proc in (self.proc, self.consumer):
            if proc is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signum)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self._signal(signal.SIGINT)
        try:
            self.proc.wait(30)
            if self.consumer:
                self.consumer.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()


HAPROXY_CONFIG = """\
global
    maxconn 200
    log stderr format raw local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # a node that refuses connections: try again at once on another node
    retries 3
    option redispatch 1

frontend odoo
    bind 127.0.0.1:{port}
    use_backend odoo_websocket if {{ path_beg /websocket }}
    default_backend odoo_http

backend odoo_http
    balance roundrobin
    # Odoo reads the Host header of every request, health checks included
    option httpchk
    http-check send meth GET uri /web/health ver HTTP/1.1 hdr Host odoo.local
    http-check expect status 200
    # no more calls in flight on a node than it has HTTP workers: the others
    # wait here (not in the node's listen backlog), and a health check finds
    # a worker free soon
    timeout queue 60s
    timeout check 5s
    # a refused connection marks the node down at once (not after 3 checks)
    default-server inter 1s fall 3 rise 2 maxconn {workers}
    default-server observe layer4 error-limit 1 on-error mark-down
{http_servers}

backend odoo_websocket
    balance roundrobin
    default-server inter 2s fall 2 rise 2
{gevent_servers}

listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"""


class HaProxy:
    """HAProxy in the foreground, its configuration in a temporary folder."""

    def __init__(self, port, nodes, folder):
        self.port = port
        self.stats_port = free_port()
        self.config = Path(folder) / "haproxy.cfg"
        self.config.write_text(
            HAPROXY_CONFIG.format(
                port=self.port,
                stats_port=self.stats_port,
                workers=WORKERS,
                http_servers="\n".join(
                    f"    server {n.name} 127.0.0.1:{n.http_port} check" for n in nodes
                ),
                gevent_servers="\n".join(
                    f"    server {n.name} 127.0.0.1:{n.gevent_port} check"
                    for n in nodes
                ),
            )
        )
        self.log = Path(folder) / "haproxy.log"
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        check = subprocess.run(
            [binary, "-c", "-f", str(self.config)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout + check.stderr
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [binary, "-db", "-f", str(self.config)], stdout=log, stderr=log
            )

    def server_states(self):
        """{server name: "UP"/"DOWN"/...} of the HTTP backend, from the stats."""
        csv = requests.get(
            f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=5
        ).text
        header, *rows = csv.splitlines()
        columns = header.lstrip("# ").split(",")
        states = {}
        for row in rows:
            values = dict(zip(columns, row.split(","), strict=False))
            if values.get("pxname") == "odoo_http" and values["svname"] not in (
                "FRONTEND",
                "BACKEND",
            ):
                states[values["svname"]] = values["status"]
        return states

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Cluster:
    def __init__(self, db, folder):
        self.db = db
        port = free_port()
        self.nodes = {name: Node(name, db, folder, port) for name in ("a", "b")}
        self.haproxy = HaProxy(port, self.nodes.values(), folder)
        self.run_sql = None

    @property
    def url(self):
        return self.haproxy.url

    def runner_holder(self):
        """The name of the node whose runner holds queue_job's lock, or None."""
        rows = self.run_sql(
            """
            SELECT (l.classid::bigint << 32) | l.objid::bigint, a.application_name
              FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted
               AND l.database = (SELECT oid FROM pg_database
                                  WHERE datname = current_database())
            """
        ).split()
        # a bigint advisory key shows as its two 32-bit halves in pg_locks
        rows = [
            app
            for key, _sep, app in (row.partition("|") for row in rows)
            if int(key) == RUNNER_LOCK_ID
        ]
        names = [r.removeprefix(APP_PREFIX).split("-")[0] for r in rows]
        return names[0] if names else None

    def jobs_running_on(self, name):
        """How many queue jobs a worker of node ``name`` is running now."""
        pids = self.run_sql(
            "SELECT worker_pid FROM queue_job WHERE state = 'started'"
        ).split()
        return sum(1 for pid in pids if self.nodes[name].owns(int(pid)))
