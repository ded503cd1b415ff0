"""A ward system on the hospital's event bus (RabbitMQ), for the demo and tests.

A ``PartnerSimulator`` (its control page and JSON control API under /_sim/)
that is also on a broker: it receives the order events Odoo publishes to the
demo exchange (its own queue, bound with ``supply.order.#``) and publishes
supply demand events (``supply.demand.<ward>``) on request: a valid one, the
last one again (Odoo stores it once), or an invalid one (Odoo records a
failed message and dead-letters it). Run it as a program::

    python tests/simulators/broker_simulator.py --port 8087 --name demo-broker

The broker is HC_AMQP_HOST:HC_AMQP_PORT (default 127.0.0.1:5672, guest/guest,
virtual host HC_AMQP_VHOST or /); while it is unreachable the page says so
and the simulator keeps trying.
"""

import copy
import html
import json
import logging
import os
import sys
import threading
import time
import uuid
from pathlib import Path

import pika
from pika import exceptions as pika_errors

sys.path.insert(0, str(Path(__file__).resolve().parent))

import partner_simulator as base

_logger = logging.getLogger("broker_simulator")

# bin/start runs this simulator beside the demo's broker backend
DEMO_PORT = 8087
EXCHANGE = "hc.demo.events"
ORDERS_KEY = "supply.order.#"
DEMAND_KEY = "supply.demand.ward{ward}"
RECENT = 20


def broker_parameters(name):
    return pika.ConnectionParameters(
        host=os.environ.get("HC_AMQP_HOST", "127.0.0.1"),
        port=int(os.environ.get("HC_AMQP_PORT", "5672")),
        virtual_host=os.environ.get("HC_AMQP_VHOST", "/"),
        credentials=pika.PlainCredentials(
            os.environ.get("HC_AMQP_USER", "guest"),
            os.environ.get("HC_AMQP_PASSWORD", "guest"),
        ),
        connection_attempts=1,
        socket_timeout=3,
        client_properties={"connection_name": name},
    )


def demand_event(number, ward="3", qty=20):
    """A supply demand as the ward system sends it (with a patient to drop)."""
    return {
        "demand": f"DEM-{number:05d}",
        "ward": f"W{ward}",
        "item": "GLOVE-NITRILE-M",
        "qty": qty,
        "uom": "BX",
        "patient": {"mrn": f"MRN-{40000 + number}", "name": "Jane Doe"},
    }


class BrokerSimulator(base.PartnerSimulator):
    """The partner simulator, plus a publisher and a consumer on the broker."""

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        name="broker",
        webhook_secret=None,
        exchange=EXCHANGE,
        orders_key=ORDERS_KEY,
    ):
        super().__init__(host, port, name, webhook_secret)
        self.httpd.RequestHandlerClass = BrokerHandler
        self.exchange = exchange
        self.orders_key = orders_key
        self.queue = f"sim.{name}.orders"
        self.bus_lock = threading.Lock()
        self.received_events = []
        self.published_events = []
        self.bus_status = "connecting"
        self._bus_stop = threading.Event()
        self._bus_thread = None
        self._sequence = 0

    # lifecycle

    def start(self):
        super().start()
        if self._bus_thread is None:
            self._bus_stop.clear()
            self._bus_thread = threading.Thread(
                target=self._listen, name=f"broker-sim-{self.name}", daemon=True
            )
            self._bus_thread.start()
        return self

    def stop(self):
        self._bus_stop.set()
        if self._bus_thread is not None:
            self._bus_thread.join(timeout=5)
            self._bus_thread = None
        super().stop()

    # consuming what Odoo publishes

    def _listen(self):
        while not self._bus_stop.is_set():
            connection = None
            try:
                connection = pika.BlockingConnection(
                    broker_parameters(f"broker simulator {self.name}")
                )
                channel = connection.channel()
                channel.exchange_declare(self.exchange, "topic", durable=True)
                channel.queue_declare(self.queue, durable=True)
                channel.queue_bind(self.queue, self.exchange, self.orders_key)
                channel.basic_consume(self.queue, self._on_event)
                self.bus_status = f"connected, consuming {self.queue}"
                while not self._bus_stop.is_set():
                    connection.process_data_events(time_limit=0.5)
            except (pika_errors.AMQPError, OSError) as exc:
                self.bus_status = f"broker unreachable ({type(exc).__name__})"
                self._bus_stop.wait(2)
            finally:
                if connection is not None and connection.is_open:
                    connection.close()

    def _on_event(self, channel, method, properties, body):
        with self.bus_lock:
            self.received_events.append(
                {
                    "received_at": time.time(),
                    "routing_key": method.routing_key,
                    "message_id": properties.message_id,
                    "correlation_id": properties.correlation_id,
                    "content_type": properties.content_type,
                    "headers": {
                        k: v if isinstance(v, str | int) else str(v)
                        for k, v in (properties.headers or {}).items()
                    },
                    "body": body.decode("utf-8", errors="replace"),
                }
            )
        channel.basic_ack(method.delivery_tag)

    def events(self):
        with self.bus_lock:
            return copy.deepcopy(self.received_events)

    # publishing demand events

    def publish(self, document, message_id=None, ward="3", raw=None):
        """Publish one demand event (persistent, confirmed); its record."""
        body = raw if raw is not None else json.dumps(document).encode()
        properties = pika.BasicProperties(
            message_id=message_id or str(uuid.uuid4()),
            correlation_id=str(uuid.uuid4()),
            content_type="application/json",
            delivery_mode=2,
            timestamp=int(time.time()),
        )
        connection = pika.BlockingConnection(
            broker_parameters(f"broker simulator {self.name} publisher")
        )
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            channel.exchange_declare(self.exchange, "topic", durable=True)
            channel.basic_publish(
                self.exchange,
                DEMAND_KEY.format(ward=ward),
                body,
                properties,
                mandatory=False,
            )
        finally:
            connection.close()
        record = {
            "published_at": time.time(),
            "routing_key": DEMAND_KEY.format(ward=ward),
            "message_id": properties.message_id,
            "body": body.decode("utf-8", errors="replace"),
        }
        with self.bus_lock:
            self.published_events.append(record)
        return record

    def publish_demand(self, ward="3", qty=20):
        with self.bus_lock:
            self._sequence += 1
            number = self._sequence
        return self.publish(
            demand_event(number, ward, qty), message_id=f"DEM-{number:05d}", ward=ward
        )

    def publish_again(self):
        """The last event again, same message id: the bus delivers at least once."""
        with self.bus_lock:
            last = self.published_events[-1] if self.published_events else None
        if last is None:
            return self.publish_demand()
        return self.publish(
            None, message_id=last["message_id"], raw=last["body"].encode()
        )

    def publish_invalid(self):
        """A demand of zero boxes: the flow's schema refuses it."""
        with self.bus_lock:
            self._sequence += 1
            number = self._sequence
        return self.publish(demand_event(number, qty=0), message_id=f"BAD-{number:05d}")


class BrokerHandler(base.Handler):
    server_version = "BrokerSimulator/1.0"

    def control_get(self, route, query):
        if route == base.CONTROL_PREFIX:
            return self.reply(
                200, broker_page(self.sim), content_type="text/html; charset=utf-8"
            )
        if route == f"{base.CONTROL_PREFIX}/events":
            return self.reply(200, self.sim.events())
        return super().control_get(route, query)

    def control_post(self, route, data):
        actions = {
            f"{base.CONTROL_PREFIX}/publish": lambda: self.sim.publish_demand(
                str(data.get("ward", "3")), int(data.get("qty", 20))
            ),
            f"{base.CONTROL_PREFIX}/publish_again": self.sim.publish_again,
            f"{base.CONTROL_PREFIX}/publish_invalid": self.sim.publish_invalid,
        }
        if route in actions:
            try:
                return actions[route]()
            except (pika_errors.AMQPError, OSError) as exc:
                return {"error": f"broker unreachable ({type(exc).__name__})"}
        return super().control_post(route, data)

    def control_form(self, body):
        form = base.query_dict(body.decode("utf-8", errors="replace"))
        action = base.first_value(form, "action")
        actions = {
            "publish": self.sim.publish_demand,
            "again": self.sim.publish_again,
            "invalid": self.sim.publish_invalid,
        }
        if action not in actions:
            return super().control_form(body)
        try:
            actions[action]()
        except (pika_errors.AMQPError, OSError) as exc:
            self.sim.bus_status = f"publishing failed ({type(exc).__name__})"
        return self.reply(
            303, b"", {"Location": f"{base.CONTROL_PREFIX}/"}, "text/plain"
        )


def _rows(events, when_key, columns):
    rows = []
    for event in reversed(events[-RECENT:]):
        when = time.strftime("%H:%M:%S", time.localtime(event[when_key]))
        cells = "".join(
            f"<td>{html.escape(str(event.get(c) or ''))}</td>" for c in columns
        )
        rows.append(f"<tr><td>{when}</td>{cells}</tr>")
    return "".join(rows) or f"<tr><td colspan='{len(columns) + 1}'>None yet.</td></tr>"


def broker_page(sim):
    name = html.escape(sim.name)
    received = _rows(sim.events(), "received_at", ("routing_key", "message_id", "body"))
    with sim.bus_lock:
        published = _rows(
            list(sim.published_events),
            "published_at",
            ("routing_key", "message_id", "body"),
        )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Broker simulator: {name}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 12px;
text-align:left;vertical-align:top}}td:last-child{{font-family:monospace;
font-size:small}}button{{margin:4px 4px 4px 0}}</style></head>
<body><h1>Broker simulator: {name}</h1>
<p>A ward system on the event bus, exchange <code>{html.escape(sim.exchange)}</code>:
{html.escape(sim.bus_status)}.</p>
<form method="post" action="{base.CONTROL_PREFIX}/ui">
<button name="action" value="publish">Publish a supply demand event</button>
<button name="action" value="again">Publish the last one again</button>
<button name="action" value="invalid">Publish an invalid demand (0 boxes)</button>
</form>
<h2>Order events received from Odoo ({html.escape(sim.orders_key)})</h2>
<table><tr><th>Time</th><th>Routing key</th><th>Message id</th><th>Payload</th></tr>
{received}</table>
<h2>Demand events published</h2>
<table><tr><th>Time</th><th>Routing key</th><th>Message id</th><th>Payload</th></tr>
{published}</table>
<p><a href="{base.CONTROL_PREFIX}/events">Received events as JSON</a></p>
<script>setInterval(function () {{ location.reload(); }}, 5000);</script>
</body></html>"""


def make_simulator(args):
    logging.getLogger("pika").setLevel(logging.CRITICAL)
    return BrokerSimulator(args.host, args.port, args.name, args.webhook_secret)


def main(argv=None):
    args = base.parse_args(argv, port=DEMO_PORT, description=__doc__.splitlines()[0])
    return base.run_program(make_simulator, "broker simulator", args, "broker-sim")


if __name__ == "__main__":
    sys.exit(main())
