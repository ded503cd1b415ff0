"""lib.amqp and lib.amqp_consumer against the machine's RabbitMQ (no database).

The broker is HC_AMQP_HOST:HC_AMQP_PORT (default 127.0.0.1:5672), user
HC_AMQP_USER/HC_AMQP_PASSWORD (guest/guest), virtual host HC_AMQP_VHOST (/).
Each test declares exchanges and queues of its own and deletes them.
"""

import os
import socket
import ssl
import subprocess
import threading
import time
import uuid

import pika
import pytest
from addon_lib import addon_lib
from lib.transport import TransportError

amqp = addon_lib("broker", "amqp")
amqp_consumer = addon_lib("broker", "amqp_consumer")
amqp_publisher = addon_lib("broker", "amqp_publisher")
ACK, REJECT = amqp_consumer.ACK, amqp_consumer.REJECT
Consumer, StoreUnavailable = amqp_consumer.Consumer, amqp_consumer.StoreUnavailable

BROKER = amqp.BrokerConfig(
    host=os.environ.get("HC_AMQP_HOST", "127.0.0.1"),
    port=int(os.environ.get("HC_AMQP_PORT", "5672")),
    virtual_host=os.environ.get("HC_AMQP_VHOST", "/"),
    username=os.environ.get("HC_AMQP_USER", "guest"),
    password=os.environ.get("HC_AMQP_PASSWORD", "guest"),
    connect_timeout=2,
)


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_(**changes):
    values = {name: getattr(BROKER, name) for name in BROKER.__dataclass_fields__}
    return amqp.BrokerConfig(**{**values, **changes})


@pytest.fixture()
def channel():
    connection = pika.BlockingConnection(amqp.connection_parameters(BROKER, "tests"))
    yield connection.channel()
    amqp.close_quietly(connection)
    amqp_publisher.close_publishers()


@pytest.fixture()
def names(channel):
    """A fresh name prefix; what was declared under it is deleted afterwards."""
    prefix = f"hc.unit.{uuid.uuid4().hex[:8]}"
    declared = {"queues": set(), "exchanges": set()}
    yield prefix, declared
    cleanup = channel.connection.channel()
    for queue in declared["queues"]:
        cleanup.queue_delete(queue)
    for exchange in declared["exchanges"]:
        cleanup.exchange_delete(exchange)


def spec_of(names, **values):
    prefix, declared = names
    spec = amqp.QueueSpec(
        queue=f"{prefix}.in",
        tag="flow-1",
        exchange=f"{prefix}.events",
        binding_keys=("ward.#",),
        **values,
    )
    declared["queues"] |= {spec.queue, spec.dead_letter_queue}
    declared["exchanges"] |= {spec.exchange, spec.dead_letter_exchange}
    return spec


def depth(channel, queue):
    return channel.queue_declare(queue, passive=True).method.message_count


def run_until(consumer, done, timeout=10.0):
    """Run ``consumer`` in a thread until ``done()`` or the timeout; stop it."""
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        time.sleep(0.02)
    consumer.stop()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the consumer stops when asked"
    assert done(), "condition not reached in time"


# ---------------------------------------------------------------- configuration


def test_config_url_hides_credentials_and_key_changes_with_the_secret():
    assert BROKER.url().startswith("amqp://")
    assert "s3cret-pw" not in repr(with_(password="s3cret-pw"))
    assert (
        with_(use_tls=True, port=5671, virtual_host="hospital")
        .url()
        .endswith(":5671/hospital")
    )
    assert with_(password="a").key() != with_(password="b").key()


def test_no_credentials_is_a_configuration_error_not_a_guest_login():
    with pytest.raises(ValueError, match="user name"):
        amqp.connection_parameters(with_(username=None, password=None))


def test_tls_options_verify_the_broker_by_default():
    params = amqp.connection_parameters(with_(use_tls=True, port=5671))
    context = params.ssl_options.context
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    unverified = amqp.connection_parameters(
        with_(use_tls=True, verify_tls=False)
    ).ssl_options.context
    assert unverified.verify_mode == ssl.CERT_NONE


# ---------------------------------------------------------------- publishing


def test_publish_is_persistent_and_confirmed_with_its_properties(channel, names):
    prefix, declared = names
    exchange, queue = f"{prefix}.orders", f"{prefix}.capture"
    declared["exchanges"].add(exchange)
    declared["queues"].add(queue)
    channel.exchange_declare(exchange, "topic", durable=True)
    channel.queue_declare(queue, durable=True)
    channel.queue_bind(queue, exchange, "supply.#")
    event = amqp.Event(
        exchange,
        "supply.order.confirmed",
        b'{"order": "PO-1"}',
        message_id="PO-1/rev1",
        correlation_id="chain-1",
        content_type="application/json",
        type="procurement.po_out",
        headers={"X-HC-Message": "HCM/0000001", "traceparent": "00-" + "a" * 32},
    )
    assert amqp_publisher.publish(BROKER, event) >= 0
    method, properties, body = channel.basic_get(queue, auto_ack=True)
    assert body == b'{"order": "PO-1"}'
    assert method.routing_key == "supply.order.confirmed"
    assert properties.delivery_mode == 2
    assert properties.message_id == "PO-1/rev1"
    assert properties.correlation_id == "chain-1"
    assert properties.content_type == "application/json"
    assert properties.type == "procurement.po_out"
    assert properties.headers["X-HC-Message"] == "HCM/0000001"
    assert properties.headers["traceparent"].startswith("00-")
    assert properties.timestamp


def test_unroutable_event_fails_retryably_unless_dropping_is_allowed(names):
    prefix, declared = names
    event = amqp.Event(f"{prefix}.nobody", "a.b", b"{}")
    declared["exchanges"].add(event.exchange)
    with pytest.raises(TransportError, match="no queue is bound") as failure:
        amqp_publisher.publish(BROKER, event, exchange_type="topic")
    assert failure.value.retryable
    amqp_publisher.publish(BROKER, event, mandatory=False, exchange_type="topic")


@pytest.mark.parametrize(
    ("config", "reason", "retryable"),
    [
        (with_(password="wrong"), "refused the login", False),
        (with_(virtual_host="no-such-vhost"), "virtual host refused", False),
        (with_(port=closed_port()), "unreachable", True),
    ],
)
def test_broker_failures_are_classified(config, reason, retryable):
    with pytest.raises(TransportError, match=reason) as failure:
        amqp_publisher.publish(config, amqp.Event("", "nowhere", b"{}"))
    assert failure.value.retryable is retryable
    assert "wrong" not in failure.value.reason


def test_missing_exchange_is_not_retried():
    event = amqp.Event(f"hc.unit.{uuid.uuid4().hex}", "a", b"{}")
    with pytest.raises(TransportError, match="no exchange") as failure:
        amqp_publisher.publish(BROKER, event)
    assert not failure.value.retryable


def _close_connections_named(name):
    listed = subprocess.run(
        [
            "rabbitmqctl",
            "-q",
            "list_connections",
            "--no-table-headers",
            "pid",
            "client_properties",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pids = [line.split("\t")[0] for line in listed.splitlines() if name in line]
    for pid in pids:
        subprocess.run(
            ["rabbitmqctl", "-q", "close_connection", pid, "closed by a test"],
            check=True,
            capture_output=True,
        )
    return len(pids)


def test_publisher_connection_is_reused_and_replaced_when_the_broker_drops_it(
    channel, names
):
    prefix, declared = names
    exchange, queue = f"{prefix}.reuse", f"{prefix}.reuse.q"
    declared["exchanges"].add(exchange)
    declared["queues"].add(queue)
    channel.exchange_declare(exchange, "fanout", durable=True)
    channel.queue_declare(queue, durable=True)
    channel.queue_bind(queue, exchange)
    amqp_publisher.publish(BROKER, amqp.Event(exchange, "", b"1"))
    first, _fresh = amqp_publisher._publisher(BROKER)
    amqp_publisher.publish(BROKER, amqp.Event(exchange, "", b"2"))
    assert amqp_publisher._publisher(BROKER)[0] is first, "one connection per thread"
    assert _close_connections_named(f"odoo-hc publisher pid {os.getpid()}") == 1
    time.sleep(0.2)
    amqp_publisher.publish(BROKER, amqp.Event(exchange, "", b"3"))
    assert amqp_publisher._publisher(BROKER)[0] is not first
    assert depth(channel, queue) == 3


# ---------------------------------------------------------------- consuming


def test_consumer_acknowledges_after_store_and_dead_letters_rejects(channel, names):
    spec = spec_of(names)
    stored = []

    def store(batch):
        stored.extend(batch)
        return [REJECT if d.body == b"poison" else ACK for d in batch]

    consumer = Consumer(BROKER, [spec], store, max_wait=0.05)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    time.sleep(0.5)  # the consumer declared the queue and its dead-letter queue
    for body in (b"one", b"poison", b"two"):
        amqp_publisher.publish(
            BROKER, amqp.Event(spec.exchange, "ward.3", body, message_id=body.decode())
        )
    deadline = time.monotonic() + 10
    while len(stored) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    consumer.stop()
    thread.join(timeout=10)
    assert [d.body for d in stored] == [b"one", b"poison", b"two"]
    assert {d.tag for d in stored} == {"flow-1"}
    assert stored[0].message_id == "one"
    assert depth(channel, spec.queue) == 0
    method, properties, body = channel.basic_get(spec.dead_letter_queue, auto_ack=True)
    assert body == b"poison"
    assert properties.headers["x-death"][0]["queue"] == spec.queue
    assert consumer.stats["acked"] == 2
    assert consumer.stats["rejected"] == 1


def test_nothing_is_acknowledged_when_store_fails_and_it_comes_again(channel, names):
    spec = spec_of(names)
    amqp.declare_queue(channel, spec)
    amqp_publisher.publish(
        BROKER, amqp.Event(spec.exchange, "ward.1", b"e1", message_id="e1")
    )
    seen = []

    def store(batch):
        seen.extend(batch)
        if len(seen) == 1:
            raise StoreUnavailable("database restarting")
        return [ACK] * len(batch)

    consumer = Consumer(BROKER, [spec], store, max_wait=0.05, max_backoff=0.2)
    run_until(consumer, lambda: len(seen) >= 2)
    assert [(d.message_id, d.redelivered) for d in seen] == [
        ("e1", False),
        ("e1", True),
    ]
    assert depth(channel, spec.queue) == 0
    assert consumer.stats["reconnects"] == 1


def test_consumer_reconnects_when_the_broker_closes_its_connection(channel, names):
    spec = spec_of(names)
    amqp.declare_queue(channel, spec)
    seen = []

    def store(batch):
        seen.extend(batch)
        return [ACK] * len(batch)

    consumer = Consumer(
        BROKER, [spec], store, max_wait=0.05, name=f"unit {spec.queue}", max_backoff=0.5
    )
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    amqp_publisher.publish(BROKER, amqp.Event(spec.exchange, "ward.1", b"before"))
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _close_connections_named(spec.queue) == 1
    amqp_publisher.publish(BROKER, amqp.Event(spec.exchange, "ward.1", b"after"))
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    consumer.stop()
    thread.join(timeout=10)
    assert [d.body for d in seen] == [b"before", b"after"]
    assert consumer.stats["reconnects"] >= 1


def test_queue_the_consumer_may_not_declare_must_exist(names):
    spec = spec_of(names, declare=False)
    consumer = Consumer(BROKER, [spec], lambda batch: [ACK] * len(batch))
    failures = []
    consumer._failed = lambda reason: (failures.append(reason), consumer.stop())
    consumer.run()
    assert "not found" in failures[0]
    assert spec.queue in failures[0]


def test_stop_ends_a_consumer_waiting_for_a_broker_that_is_down():
    consumer = Consumer(
        with_(port=closed_port()),
        [amqp.QueueSpec("hc.unit.unused")],
        lambda batch: [],
    )
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    consumer.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2
    assert consumer.stats["reconnects"] >= 1


def test_backoff_grows_to_its_cap():
    assert 0.8 <= amqp_consumer.backoff(1) <= 1.0
    assert 3.2 <= amqp_consumer.backoff(3) <= 4.0
    assert amqp_consumer.backoff(20, cap=30) <= 30


# ---------------------------------------------------------------- queue type


def test_queues_are_declared_as_quorum_queues_with_at_least_once_dead_letters(
    channel, names
):
    spec = spec_of(names)
    amqp.declare_queue(channel, spec)
    # the broker refuses a declaration inequivalent to the queue it has: the
    # same arguments pass, another type names the type the queue has
    channel.queue_declare(
        spec.queue, durable=True, arguments=amqp.queue_arguments(spec)
    )
    for queue, arguments in (
        (spec.queue, amqp.queue_arguments(spec)),
        (spec.dead_letter_queue, {}),
    ):
        probe = channel.connection.channel()
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
            probe.queue_declare(
                queue, durable=True, arguments={**arguments, "x-queue-type": "classic"}
            )
        assert refused.value.reply_code == 406
        assert "'x-queue-type'" in refused.value.reply_text
        assert "'quorum'" in refused.value.reply_text, refused.value.reply_text
    assert amqp.queue_arguments(spec) == {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": spec.dead_letter_exchange,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def test_a_classic_queue_of_an_earlier_release_is_a_clear_configuration_error(
    channel, names
):
    spec = spec_of(names)
    # a classic queue, as the releases before declared it
    channel.queue_declare(
        spec.queue,
        durable=True,
        arguments={"x-dead-letter-exchange": spec.dead_letter_exchange},
    )
    probe = channel.connection.channel()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        amqp.declare_queue(probe, spec)
    error = amqp.classify(refused.value, BROKER)
    assert not error.retryable
    assert "PRECONDITION_FAILED" in error.reason
    assert "quorum" in error.reason and "DEPLOY.md" in error.reason
