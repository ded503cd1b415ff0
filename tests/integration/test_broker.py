"""Broker backends end to end: the server's job runner publishes, the
``odoo hc-consumer`` process consumes, RabbitMQ in between is the real one.

The broker is HC_AMQP_HOST:HC_AMQP_PORT (default 127.0.0.1:5672, guest/guest,
virtual host /); the restart test stops and starts it with ``rabbitmqctl``
(HC_RABBITMQCTL), and always starts it again. Every exchange and queue is
named after the test and deleted at its end.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pika
import pytest
from suite_support import (
    BROKER,
    FINAL,
    addon_lib,
    amqp,
    broker_backend_values,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]
amqp_publisher = addon_lib("broker", "amqp_publisher")

RABBITMQCTL = os.environ.get("HC_RABBITMQCTL", "rabbitmqctl")
CONF = Path(os.environ.get("HC_ODOO_CONF", ROOT / ".hc" / "odoo.conf"))


# ---------------------------------------------------------------- helpers


def addons_path():
    for line in CONF.read_text().splitlines():
        key, _sep, value = line.partition("=")
        if key.strip() == "addons_path":
            return f"{value.strip()},{ROOT / 'tests' / 'addons'}"
    raise RuntimeError(f"no addons_path in {CONF}")


class ConsumerProcess:
    """``odoo hc-consumer`` for one backend of the test database."""

    def __init__(self, db, backend_code, name):
        self.log_path = ROOT / ".hc" / f"hc-consumer-{name}.log"
        paths = f"--addons-path={addons_path()}"
        self.cmd = [
            str(Path(sys.executable).parent / "odoo"),
            paths,
            "hc-consumer",
            "-c",
            str(CONF),
            paths,
            "-d",
            db,
            "--flow",
            backend_code,
            "--refresh",
            "2",
        ]
        self.proc = None

    def start(self):
        with self.log_path.open("a") as log:
            self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=subprocess.STDOUT)
        return self

    def kill_9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def terminate(self, timeout=30):
        """SIGTERM; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def log(self):
        return self.log_path.read_text(errors="replace")


def channel():
    connection = pika.BlockingConnection(amqp.connection_parameters(BROKER, "suite"))
    return connection.channel()


def depth(queue):
    chan = channel()
    try:
        return chan.queue_declare(queue, passive=True).method.message_count
    finally:
        amqp.close_quietly(chan.connection)


def count(odoo, flow_id, extra=()):
    return odoo.execute(
        "hc.message", "search_count", [("flow_id", "=", flow_id), *extra]
    )


def keys(odoo, flow_id):
    rows = odoo.execute(
        "hc.message", "search_read", [("flow_id", "=", flow_id)], ["idempotency_key"]
    )
    return [row["idempotency_key"] for row in rows]


def rabbitmq(command):
    subprocess.run([RABBITMQCTL, "-q", command], check=True, capture_output=True)


def broker_answers():
    try:
        amqp.check_connection(BROKER)
    except amqp.TransportError:
        return False
    return True


# ---------------------------------------------------------------- fixtures


@pytest.fixture()
def broker(odoo, request):
    """A broker backend of the test's own, its names cleaned up afterwards."""
    tag = uuid.uuid4().hex[:8]
    code = f"bus_{tag}"
    prefix = f"hc.suite.{tag}"
    backend_id = odoo.execute(
        "hc.backend",
        "create",
        broker_backend_values(f"Suite event bus {tag}", code, connect_timeout=2),
    )
    consumers = []
    state = {"id": backend_id, "code": code, "prefix": prefix, "consumers": consumers}

    def bind(flow_type, **values):
        return odoo.execute(
            "hc.flow",
            "create",
            {
                "backend_id": backend_id,
                "flow_type_id": odoo.flow_type(flow_type),
                **values,
            },
        )

    def consumer():
        process = ConsumerProcess(
            odoo.db, code, f"{request.node.name}-{len(consumers)}"
        )
        consumers.append(process)
        return process.start()

    state["bind"] = bind
    state["consumer"] = consumer
    yield state
    for process in consumers:
        process.stop()
    drop_pending_work(odoo, backend_id)
    wait_until(broker_answers, 60, "the broker is up again")
    chan = channel()
    for flow in odoo.execute(
        "hc.flow",
        "search_read",
        [("backend_id", "=", backend_id)],
        ["amqp_queue", "amqp_exchange"],
    ):
        if flow["amqp_queue"]:
            spec = amqp.QueueSpec(flow["amqp_queue"])
            amqp.delete_queue(chan, spec)
        if flow["amqp_exchange"]:
            chan.exchange_delete(flow["amqp_exchange"])
    amqp.close_quietly(chan.connection)
    odoo.execute("hc.backend", "write", [backend_id], {"active": False})


def drop_pending_work(odoo, backend_id, chunk=2000):
    """Leave no work of the test to the job runner serving the next tests.

    The jobs still pending (thousands after the bulk test) are cancelled and
    their messages left waiting without a job, so that nothing requeues them.
    The runner updates the oldest jobs meanwhile: the newest go first, in
    small transactions, and one that conflicts is tried again.
    """
    rows = odoo.execute(
        "hc.message",
        "search_read",
        [
            ("backend_id", "=", backend_id),
            ("state", "in", ["queued", "retrying"]),
            ("job_uuid", "!=", False),
        ],
        ["job_uuid"],
        order="id desc",
    )
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        retry_conflicts(lambda part=part: _drop_work(odoo, part))


def _drop_work(odoo, rows):
    jobs = odoo.execute(
        "queue.job",
        "search",
        [("uuid", "in", [row["job_uuid"] for row in rows]), ("state", "=", "pending")],
    )
    odoo.execute("queue.job", "write", jobs, {"state": "cancelled"})
    odoo.execute(
        "hc.message", "write", [row["id"] for row in rows], {"job_uuid": False}
    )


def retry_conflicts(call, attempts=10):
    for attempt in range(attempts):
        try:
            return call()
        except RuntimeError as exc:
            if "could not serialize" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.5)


def queue_declared(queue):
    def declared():
        try:
            return depth(queue) is not None
        except pika.exceptions.ChannelClosedByBroker:
            return False

    return declared


# ---------------------------------------------------------------- tests


def test_broker_restart_while_publishing_loses_and_duplicates_nothing(odoo, broker):
    exchange = f"{broker['prefix']}.orders"
    out_id = broker["bind"](
        "core.send",
        name="Order events out",
        code="orders_out",
        amqp_exchange=exchange,
        amqp_routing_key="supply.order.confirmed",
        max_attempts=15,
        backoff_base=1,
        backoff_max=3,
    )
    in_id = broker["bind"](
        "core.receive",
        name="Order events in",
        code="orders_in",
        amqp_exchange=exchange,
        amqp_routing_key="supply.order.#",
        amqp_queue=f"{broker['prefix']}.orders.in",
    )
    consumer = broker["consumer"]()
    wait_until(queue_declared(f"{broker['prefix']}.orders.in"), 60, "queue declared")
    sent = [f"PO-{n}/rev1" for n in range(40)]
    for key in sent[:20]:
        odoo.execute("hc.flow", "send", [out_id], {"order": key}, idempotency_key=key)
    rabbitmq("stop_app")
    try:
        for key in sent[20:]:
            odoo.execute(
                "hc.flow", "send", [out_id], {"order": key}, idempotency_key=key
            )
        wait_until(
            lambda: count(odoo, out_id, [("state", "=", "retrying")]),
            120,
            "deliveries failing while the broker is down",
        )
    finally:
        rabbitmq("start_app")
    wait_until(broker_answers, 60, "the broker is up again")
    wait_until(
        lambda: count(odoo, out_id, [("state", "in", FINAL)]) == len(sent),
        180,
        "every outbound message final",
    )
    assert count(odoo, out_id, [("state", "=", "done")]) == len(sent), "none dead"
    assert count(odoo, out_id, [("attempt_count", ">", 1)]), "retried, then done"
    wait_until(
        lambda: count(odoo, in_id) >= len(sent), 120, "every event consumed back"
    )
    time.sleep(2)  # a duplicate would arrive now
    received = keys(odoo, in_id)
    assert sorted(received) == sorted(sent), "each event stored exactly once"
    assert consumer.terminate() == 0
    assert "Traceback" not in consumer.log()


def test_ten_thousand_events_stored_exactly_once_across_a_kill_9(odoo, broker):
    total = 10_000
    queue = f"{broker['prefix']}.bulk.in"
    exchange = f"{broker['prefix']}.bulk"
    in_id = broker["bind"](
        "core.receive",
        name="Bulk events in",
        code="bulk_in",
        amqp_exchange=exchange,
        amqp_routing_key="ward.#",
        amqp_queue=queue,
        channel="root.hc_batch",
        # storing is what this test is about: a paused flow keeps consuming,
        # and its 10,000 processing jobs only note that they wait
        paused=True,
    )
    spec = amqp.QueueSpec(queue, exchange=exchange, binding_keys=("ward.#",))
    chan = channel()
    amqp.declare_queue(chan, spec)
    for n in range(total):
        chan.basic_publish(
            exchange,
            f"ward.{n % 12}",
            json.dumps({"event": "stock.counted", "seq": n}).encode(),
            pika.BasicProperties(
                message_id=f"bulk-{n}",
                delivery_mode=2,
                content_type="application/json",
            ),
        )
    amqp.close_quietly(chan.connection)
    wait_until(lambda: depth(queue) == total, 60, "all events queued")
    # two consumers on one database share the queue
    first, second = broker["consumer"](), broker["consumer"]()
    wait_until(lambda: count(odoo, in_id) >= total // 4, 300, "a quarter stored")
    first.kill_9()
    assert count(odoo, in_id) < total, "killed mid-way"
    restarted = broker["consumer"]()
    wait_until(lambda: count(odoo, in_id) >= total, 600, "all events stored")
    wait_until(lambda: depth(queue) == 0, 60, "all events acknowledged")
    assert second.terminate() == 0, "stops cleanly on SIGTERM"
    assert restarted.terminate() == 0
    stored = keys(odoo, in_id)
    assert len(stored) == total, "each event stored once"
    assert set(stored) == {f"bulk-{n}" for n in range(total)}


def test_poison_event_is_dead_lettered_and_the_queue_goes_on(odoo, broker):
    queue = f"{broker['prefix']}.events.in"
    exchange = f"{broker['prefix']}.events"
    in_id = broker["bind"](
        "core.receive",
        name="Ward events in",
        code="ward_in",
        amqp_exchange=exchange,
        amqp_routing_key="ward.#",
        amqp_queue=queue,
    )
    consumer = broker["consumer"]()
    wait_until(queue_declared(queue), 60, "queue declared")
    good = json.dumps({"event": "bed.freed", "ward": "3"}).encode()
    for message_id, correlation_id, body in (
        ("before", None, good),
        # a NUL character: PostgreSQL cannot store it, the event is poison
        ("poison", "bad\x00id", good + b" "),
        ("garbled", None, b"{not json"),
        ("after", None, good + b"  "),
    ):
        amqp_publisher.publish(
            BROKER,
            amqp.Event(
                exchange,
                "ward.3",
                body,
                message_id=message_id,
                correlation_id=correlation_id,
            ),
        )
    wait_until(lambda: depth(f"{queue}.dead") == 2, 60, "two events dead-lettered")
    chan = channel()
    dead = {}
    for _n in range(2):
        _method, props, body = chan.basic_get(f"{queue}.dead", auto_ack=True)
        dead[props.message_id] = (props, body)
    amqp.close_quietly(chan.connection)
    assert set(dead) == {"poison", "garbled"}
    assert dead["poison"][0].headers["x-death"][0]["reason"] == "rejected"
    assert dead["garbled"][1] == b"{not json", "dead-lettered as received"
    wait_until(lambda: count(odoo, in_id) == 3, 30, "the others stored")
    states = {
        row["idempotency_key"]: row["state"]
        for row in odoo.execute(
            "hc.message",
            "search_read",
            [("flow_id", "=", in_id)],
            ["idempotency_key", "state"],
        )
    }
    assert states["garbled"] == "dead", "refused, and on record as a failed message"
    wait_until(
        lambda: count(odoo, in_id, [("state", "=", "done")]) == 2,
        60,
        "the good events processed by the job runner",
    )
    [refusal] = odoo.execute(
        "hc.webhook.refusal",
        "search_read",
        [("backend_code", "=", broker["code"]), ("reason_code", "=", "unstorable")],
        ["count", "reason"],
    )
    assert refusal["count"] == 1
    assert depth(queue) == 0
    assert consumer.terminate() == 0


def test_domain_flow_types_run_over_the_broker_unchanged(odoo, broker):
    """The example addon's contact flows know nothing of brokers."""
    exchange = f"{broker['prefix']}.contacts"
    out_id = broker["bind"](
        "example.contact_out",
        amqp_exchange=exchange,
        amqp_routing_key="contact.updated",
    )
    in_id = broker["bind"](
        "example.contact_in",
        amqp_exchange=exchange,
        amqp_routing_key="contact.#",
        amqp_queue=f"{broker['prefix']}.contacts.in",
    )
    consumer = broker["consumer"]()
    wait_until(queue_declared(f"{broker['prefix']}.contacts.in"), 60, "queue declared")
    ref = f"W3-{uuid.uuid4().hex[:6]}"
    contact = {"ref": ref, "name": "Ward 3 store", "email": "w3@example.org"}
    answer = odoo.execute(
        "hc.flow", "send", [out_id], contact, idempotency_key=f"{ref}/v1"
    )
    odoo.wait_for("hc.message", answer["id"], "state", FINAL)
    partner = wait_until(
        lambda: odoo.execute(
            "res.partner", "search_read", [("ref", "=", ref)], ["name"]
        ),
        60,
        "the contact applied by the example handler",
    )
    assert partner[0]["name"] == "Ward 3 store"
    [inbound] = odoo.execute(
        "hc.message",
        "search_read",
        [("flow_id", "=", in_id)],
        ["idempotency_key"],
    )
    assert inbound["idempotency_key"] == f"{ref}/v1"
    processed = odoo.wait_for("hc.message", inbound["id"], "state", FINAL)
    assert processed["state"] == "done"
    linked = odoo.read_one("hc.message", inbound["id"], ["res_model", "res_id"])
    assert (linked["res_model"], linked["res_id"]) == ("res.partner", partner[0]["id"])
    assert consumer.terminate() == 0
