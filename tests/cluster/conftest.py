"""A two-node cluster on one database, for tests/cluster (started by bin/test).

HAProxy (Debian package ``haproxy``) listens on a loopback port in front of
two prefork Odoo nodes. Each node has its HTTP workers, a cron worker and the
queue_job runner: both runners try queue_job's advisory lock, one wins (the
active runner), the other retries every ``ERROR_RECOVERY_DELAY`` seconds
(the standby). Each node runs in its own process group so that a test can
``kill -9`` a whole node, as a machine lost would.

bin/test passes the database (HC_ODOO_DB, installed with the suite's and the
test addons), the addons path (HC_ODOO_ADDONS_PATH) and a folder for the
logs (HC_CLUSTER_DIR).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from cluster_nodes import ERROR_RECOVERY_DELAY, ROOT, Cluster  # noqa: F401

sys.path.insert(0, str(ROOT / "tests" / "integration"))

import suite_support

# the suite tests' client and fixtures; the tests import these from here
OdooClient = suite_support.OdooClient
FINAL = suite_support.FINAL
psql = suite_support.psql
wait_until = suite_support.wait_until


@pytest.fixture(scope="session")
def cluster(psql):
    db = os.environ.get("HC_ODOO_DB")
    if not db or "HC_ODOO_ADDONS_PATH" not in os.environ:
        raise RuntimeError("run tests/cluster through bin/test (HC_ODOO_DB unset)")
    folder = os.environ.get("HC_CLUSTER_DIR") or tempfile.mkdtemp(prefix="hc-cluster-")
    Path(folder).mkdir(parents=True, exist_ok=True)
    cluster = Cluster(db, folder)
    cluster.run_sql = lambda sql: psql(db, sql)
    try:
        for node in cluster.nodes.values():
            node.start()
        cluster.haproxy.start()
        for node in cluster.nodes.values():
            wait_until(node.healthy, 180, f"node {node.name} answering")
        wait_until(
            lambda: set(cluster.haproxy.server_states().values()) == {"UP"},
            30,
            "HAProxy seeing both nodes up",
        )
        # each runner waits queue_job's START_DELAY before its first try
        wait_until(cluster.runner_holder, 60, "an active job runner")
        yield cluster
    finally:
        for node in cluster.nodes.values():
            node.stop()
        cluster.haproxy.stop()


class BalancedClient(OdooClient):
    """The JSON-RPC client, through the load balancer, trying again when no
    node could take the call (503, refused), or when a read was cut off."""

    READS = ("read", "search", "search_read", "search_count")

    def call(self, service, method, *args):
        deadline = time.monotonic() + 60
        while True:
            try:
                return super().call(service, method, *args)
            except requests.RequestException as exc:
                status = getattr(exc.response, "status_code", None)
                read = service == "object" and len(args) > 4 and args[4] in self.READS
                again = status in (None, 503) or (status == 502 and read)
                if not again or time.monotonic() > deadline:
                    raise
            time.sleep(0.5)


@pytest.fixture(scope="session")
def odoo(cluster):
    return BalancedClient(cluster.url, cluster.db)
