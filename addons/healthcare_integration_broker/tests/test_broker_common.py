# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A broker backend on the machine's RabbitMQ, with names of the test's own.

The broker is ``HC_AMQP_HOST``:``HC_AMQP_PORT`` (default 127.0.0.1:5672) with
``HC_AMQP_USER``/``HC_AMQP_PASSWORD`` (default guest/guest) on virtual host
``HC_AMQP_VHOST`` (default /). Every exchange and queue a test declares is
named ``hc.test.<random>`` and deleted when the test class ends.
"""

import os
import socket
import threading
import time
import uuid

import pika

from odoo.addons.healthcare_integration_broker.lib import (
    amqp,
    amqp_consumer,
    amqp_publisher,
)
from odoo.addons.healthcare_integration_core.tests.common import HcCase

BROKER = {
    "host": os.environ.get("HC_AMQP_HOST", "127.0.0.1"),
    "port": int(os.environ.get("HC_AMQP_PORT", "5672")),
    "vhost": os.environ.get("HC_AMQP_VHOST", "/"),
    "user": os.environ.get("HC_AMQP_USER", "guest"),
    "password": os.environ.get("HC_AMQP_PASSWORD", "guest"),
}


def broker_config(**overrides):
    values = {
        "host": BROKER["host"],
        "port": BROKER["port"],
        "virtual_host": BROKER["vhost"],
        "username": BROKER["user"],
        "password": BROKER["password"],
        **overrides,
    }
    return amqp.BrokerConfig(**values)


def closed_port():
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BrokerCase(HcCase):
    """``HcCase`` plus a broker backend and a pika channel to look at the broker."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prefix = f"hc.test.{uuid.uuid4().hex[:10]}"
        cls.connection = pika.BlockingConnection(
            amqp.connection_parameters(broker_config(), "odoo-hc tests")
        )
        cls.channel = cls.connection.channel()
        cls.exchanges, cls.queues = set(), set()
        cls.addClassCleanup(cls.delete_broker_objects)
        cls.broker = cls.env["hc.backend"].create(cls.broker_values("test_broker"))

    @classmethod
    def broker_values(cls, code, **values):
        return {
            "name": f"Broker {code}",
            "code": code,
            "transport": "amqp",
            "system_type": "broker",
            "amqp_host": BROKER["host"],
            "amqp_port": BROKER["port"],
            "amqp_virtual_host": BROKER["vhost"],
            "auth_type": "basic",
            "username": BROKER["user"],
            "credential_secret": BROKER["password"],
            "connect_timeout": 2,
            "breaker_threshold": 0,
            **values,
        }

    @classmethod
    def delete_broker_objects(cls):
        channel = cls.connection.channel()
        for queue in cls.queues:
            channel.queue_delete(queue)
        for exchange in cls.exchanges:
            channel.exchange_delete(exchange)
        amqp.close_quietly(cls.connection)
        amqp_publisher.close_publishers()

    @classmethod
    def name(cls, suffix):
        """A broker name of this test class, deleted at its end."""
        return f"{cls.prefix}.{suffix}"

    @classmethod
    def track(cls, spec):
        """Delete ``spec``'s queues and exchanges when the class ends."""
        cls.queues |= {spec.queue, spec.dead_letter_queue}
        cls.exchanges.add(spec.dead_letter_exchange)
        if spec.exchange:
            cls.exchanges.add(spec.exchange)
        return spec

    def capture(self, exchange, binding_key="#", exchange_type="topic"):
        """A queue that receives what is published to ``exchange``; its name."""
        queue = self.name(f"capture.{uuid.uuid4().hex[:6]}")
        self.exchanges.add(exchange)
        self.queues.add(queue)
        self.channel.exchange_declare(exchange, exchange_type, durable=True)
        self.channel.queue_declare(queue, durable=True)
        self.channel.queue_bind(queue, exchange, routing_key=binding_key)
        return queue

    def get_all(self, queue):
        """(method, properties, body) of every message in ``queue``, acked."""
        got = []
        while True:
            method, properties, body = self.channel.basic_get(queue, auto_ack=True)
            if method is None:
                return got
            got.append((method, properties, body))

    def depth(self, queue, settles_at=None, timeout=5.0):
        """Messages in ``queue``; with ``settles_at``, polled until it holds
        that many (or ``timeout``): RabbitMQ dead-letters asynchronously."""
        deadline = time.monotonic() + timeout
        while True:
            count = self.channel.queue_declare(queue, passive=True).method.message_count
            if settles_at in (None, count) or time.monotonic() > deadline:
                return count
            time.sleep(0.05)

    def bind_inbound(self, flow_type_xmlid="flow_type_receive", **values):
        """An inbound flow on the broker, its queue declared; (flow, spec)."""
        suffix = uuid.uuid4().hex[:6]
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    f"healthcare_integration_core.{flow_type_xmlid}"
                ).id,
                "backend_id": values.pop("backend_id", self.broker.id),
                "code": f"in_{suffix}",
                "amqp_exchange": self.name(f"events.{suffix}"),
                "amqp_routing_key": "ward.#",
                "amqp_queue": self.name(f"in.{suffix}"),
                **values,
            }
        )
        spec = self.track(flow._amqp_queue_spec())
        amqp.declare_queue(self.channel, spec)
        return flow, spec

    def publish(self, exchange, body, routing_key="ward.3", **properties):
        """Publish one event as a partner would (persistent, confirmed)."""
        amqp_publisher.publish(
            broker_config(),
            amqp.Event(exchange, routing_key, body, **properties),
        )

    def consume(self, expected, timeout=10.0):
        """Run the real consumer on the broker's flows, storing in this transaction.

        Stops once ``expected`` deliveries were settled (or after ``timeout``);
        returns the outcomes in the order the consumer settled them.
        """
        plan = self.env["hc.amqp.inbound"]._consumer_plan([self.broker.code])
        cfg, prefetch, specs = plan[self.broker.code]
        outcomes = []
        stop = threading.Event()

        def store(deliveries):
            inbound = self.env["hc.amqp.inbound"]
            stored = inbound._store_deliveries(deliveries)
            inbound._record_refusals(stored.refusals)
            outcomes.extend(stored.outcomes)
            if len(outcomes) >= expected:
                stop.set()
            return stored.outcomes

        consumer = amqp_consumer.Consumer(
            cfg,
            specs,
            store,
            prefetch=prefetch,
            max_wait=0.05,
            stop_event=stop,
            name="odoo-hc test consumer",
        )
        timer = threading.Timer(timeout, stop.set)
        timer.start()
        try:
            consumer.run()
        finally:
            timer.cancel()
        return outcomes
