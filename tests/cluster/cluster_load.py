"""What drives tests/cluster: the partner's webhooks, the clients' RPC
sends and the events published to RabbitMQ, each at a steady pace and each
retried with its idempotency key until answered; the scheduled pull made due
on purpose; what the run saw, written next to the nodes' logs."""

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pika
import requests
from conftest import BalancedClient
from suite_support import BROKER, amqp, wait_until

LOAD_SECONDS = 12
WEBHOOKS_PER_SECOND = 3
SENDS_PER_SECOND = 2
EVENTS_PER_SECOND = 2  # published to RabbitMQ, consumed by both nodes
CLIENT_CONCURRENCY = 3
HOLD = 0.3  # seconds each probe event keeps its job busy after its effect
ANSWER_DEADLINE = 90  # seconds a sender keeps retrying one request


class Senders:
    """Webhooks and RPC sends at a steady pace, each retried until answered."""

    def __init__(self, cluster, partner, flows):
        self.cluster = cluster
        self.partner = partner
        self.flows = flows
        self.hook_url = f"{cluster.url}/hc/webhook/{flows['code']}/probe"
        self.webhooks = {}  # key -> [statuses], first accepted id
        self.sends = {}  # key -> [outcomes], message id
        self.events = []  # keys the broker confirmed
        self.threads = []
        self.lock = threading.Lock()

    def start(self):
        self.threads = [
            threading.Thread(target=self._pace, args=(self._webhook, "W", rate))
            for rate in (WEBHOOKS_PER_SECOND,)
        ] + [
            threading.Thread(target=self._pace, args=(self._send, "O", rate))
            for rate in (SENDS_PER_SECOND,)
        ]
        self.threads.append(threading.Thread(target=self._publish))
        for thread in self.threads:
            thread.start()

    def join(self):
        for thread in self.threads:
            thread.join(ANSWER_DEADLINE + LOAD_SECONDS + 30)

    def _pace(self, call, prefix, rate):
        """``rate`` calls a second, at most CLIENT_CONCURRENCY at once (a
        partner's connection pool): a late answer delays the next calls."""
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENT_CONCURRENCY) as pool:
            for number in range(LOAD_SECONDS * rate):
                time.sleep(max(0, started + number / rate - time.monotonic()))
                pool.submit(call, f"{prefix}-{number:03d}")

    def _publish(self):
        """Events on the broker at a steady pace, each confirmed by it."""
        connection = pika.BlockingConnection(
            amqp.connection_parameters(BROKER, "cluster-test")
        )
        chan = connection.channel()
        chan.confirm_delivery()
        started = time.monotonic()
        try:
            for number in range(LOAD_SECONDS * EVENTS_PER_SECOND):
                time.sleep(
                    max(0, started + number / EVENTS_PER_SECOND - time.monotonic())
                )
                key = f"E-{number:03d}"
                chan.basic_publish(
                    self.flows["bus_exchange"],
                    "probe.event",
                    json.dumps({"key": key, "hold": HOLD}).encode(),
                    pika.BasicProperties(
                        message_id=key,
                        delivery_mode=2,
                        content_type="application/json",
                    ),
                )
                self.events.append(key)
        finally:
            amqp.close_quietly(connection)

    def _until_answered(self, key, attempt, log):
        deadline = time.monotonic() + ANSWER_DEADLINE
        while time.monotonic() < deadline:
            try:
                status, body = attempt()
            except (requests.RequestException, RuntimeError) as exc:
                status, body = type(exc).__name__, None
            with self.lock:
                log.setdefault(key, {"answers": [], "id": None})["answers"].append(
                    status
                )
                if status in (200, 202):
                    log[key]["id"] = log[key]["id"] or body["id"]
                    return
            time.sleep(0.5)

    def _webhook(self, key):
        self._until_answered(
            key,
            lambda: self.partner.call_webhook(
                self.hook_url, {"key": key, "hold": HOLD}, idempotency_key=key
            ),
            self.webhooks,
        )

    def _send(self, key):
        clients = []

        def attempt():
            if not clients:  # logging in goes through the balancer too
                clients.append(BalancedClient(self.cluster.url, self.cluster.db))
            answer = clients[0].execute(
                "hc.flow",
                "send",
                [self.flows["out"]],
                {"order": key},
                idempotency_key=key,
            )
            return 200, answer

        self._until_answered(key, attempt, self.sends)


def make_due(odoo, cron_id):
    """Make the scheduled action due now: both nodes' cron workers are told."""
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    values = {"nextcall": past}
    wait_until(
        lambda: _try(lambda: odoo.execute("ir.cron", "write", [cron_id], values)),
        60,
        "the scheduled action writable (not running)",
    )


def _try(call):
    try:
        call()
    except RuntimeError:  # "currently being executed": try again
        return False
    return True


def scheduled_runs(odoo, flows):
    return odoo.execute(
        "hc.sync.run",
        "search_read",
        [("flow_id", "=", flows["pull"]), ("origin", "=", "schedule")],
        ["state", "started_at"],
    )


def run_schedules(odoo, flows, cron_id, count):
    for _n in range(count):
        expected = len(scheduled_runs(odoo, flows)) + 1
        make_due(odoo, cron_id)
        wait_until(
            lambda expected=expected: len(scheduled_runs(odoo, flows)) >= expected,
            90,
            "the scheduled pull to run",
        )


def queue_declared(queue):
    try:
        connection = pika.BlockingConnection(
            amqp.connection_parameters(BROKER, "cluster-test")
        )
    except pika.exceptions.AMQPError:
        return False
    try:
        connection.channel().queue_declare(queue, passive=True)
    except pika.exceptions.ChannelClosedByBroker:
        return False
    finally:
        amqp.close_quietly(connection)
    return True


def answer_counts(log):
    counts = {}
    for entry in log.values():
        for answer in entry["answers"]:
            counts[str(answer)] = counts.get(str(answer), 0) + 1
    return counts


def write_timings(values):
    """What the run saw, next to the nodes' logs (HC_CLUSTER_DIR)."""
    folder = os.environ.get("HC_CLUSTER_DIR")
    if folder:
        Path(folder, "outcome.json").write_text(json.dumps(values, indent=2))
