"""Publish and consume rates of the broker transport; numbers go to bench/results/.

    .venv/bin/python bench/bench_broker.py [--db hc_demo] [--events 2000]

Against the machine's RabbitMQ (HC_AMQP_HOST, HC_AMQP_PORT, HC_AMQP_USER,
HC_AMQP_PASSWORD, HC_AMQP_VHOST; default 127.0.0.1:5672 guest/guest /) and a
database with the core installed (default: bin/start's ``hc_demo``), it
measures:

- ``publish_per_s``: events published persistent with a publisher confirm
  each (``lib.amqp_publisher.publish`` on one connection), what a delivery waits for;
- ``deliver_per_s``: outbound messages delivered by ``hc.delivery`` as their
  jobs do (attempt recorded, event published and confirmed, message done),
  one transaction each;
- ``consume_per_s``: events consumed from a queue and stored as inbound
  messages by the ``odoo hc-consumer`` runner (batches stored, committed,
  then acknowledged), from the first delivery to the last commit.

It creates a backend, flows, exchanges and queues of its own and deletes them,
and their messages and jobs, at the end. Stop ``bin/start`` first for numbers
without its job runner competing. Writes ``bench/results/broker.json`` and
exits 1 when a target is missed.
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests" / "integration")]

import hcdev  # noqa: E402
import pika  # noqa: E402
from addon_lib import addon_lib  # noqa: E402
from harness import measured_report, odoo_registry, write_result  # noqa: E402
from suite_support import BROKER, broker_backend_values  # noqa: E402

amqp = addon_lib("broker", "amqp")
amqp_publisher = addon_lib("broker", "amqp_publisher")

# targets for this project's 2-core machines: minimum per second
TARGETS = {"publish_per_s": 300, "deliver_per_s": 20, "consume_per_s": 150}


def event_body(n):
    return json.dumps(
        {
            "event": "supply.demand",
            "demand": f"DEM-{n:06d}",
            "item": "GLOVE-M",
            "qty": 20,
        }
    ).encode()


def declare_capture(channel, exchange, queue):
    channel.exchange_declare(exchange, "topic", durable=True)
    channel.queue_declare(queue, durable=True)
    channel.queue_bind(queue, exchange, "#")


# ---------------------------------------------------------------- lib


def bench_publish(count, prefix):
    channel = pika.BlockingConnection(amqp.connection_parameters(BROKER)).channel()
    exchange, queue = f"{prefix}.lib", f"{prefix}.lib.capture"
    declare_capture(channel, exchange, queue)
    try:
        started = time.perf_counter()
        for n in range(count):
            amqp_publisher.publish(
                BROKER,
                amqp.Event(exchange, "supply.demand", event_body(n), message_id=str(n)),
            )
        elapsed = time.perf_counter() - started
    finally:
        channel.queue_delete(queue)
        channel.exchange_delete(exchange)
        amqp.close_quietly(channel.connection)
        amqp_publisher.close_publishers()
    return count / elapsed


# ---------------------------------------------------------------- odoo


def setup(registry, prefix):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        backend = env["hc.backend"].create(
            broker_backend_values(f"Benchmark bus {prefix}", prefix.replace(".", "_"))
        )
        flows = env["hc.flow"]
        out = flows.create(
            {
                "backend_id": backend.id,
                "flow_type_id": env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "amqp_exchange": f"{prefix}.out",
            }
        )
        inbound = flows.create(
            {
                "backend_id": backend.id,
                "flow_type_id": env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "amqp_exchange": f"{prefix}.in",
                "amqp_routing_key": "#",
                "amqp_queue": f"{prefix}.in",
            }
        )
        channel = pika.BlockingConnection(amqp.connection_parameters(BROKER)).channel()
        declare_capture(channel, f"{prefix}.out", f"{prefix}.out.capture")
        amqp.close_quietly(channel.connection)
        return backend.code, out.id, inbound.id, inbound._amqp_queue_spec()


def bench_deliver(registry, flow_id, count):
    """Messages created first, then delivered one transaction each, as jobs do."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        flow = env["hc.flow"].browse(flow_id)
        ids = [flow._send(json.loads(event_body(n))).id for n in range(count)]
        # delivered below, not by a job runner that may serve this database
        cr.execute(
            "UPDATE queue_job SET state = 'done' WHERE uuid IN "
            "(SELECT job_uuid FROM hc_message WHERE id IN %s)",
            (tuple(ids),),
        )
    started = time.perf_counter()
    for message_id in ids:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["hc.message"].browse(message_id)._run_job()
    elapsed = time.perf_counter() - started
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM hc_message WHERE id IN %s AND state = 'done'",
            (tuple(ids),),
        )
        done = cr.fetchone()[0]
    if done != count:
        raise RuntimeError(f"only {done} of {count} messages delivered")
    return count / elapsed


def bench_consume(registry, db, code, flow_id, spec, count):
    from odoo.addons.healthcare_integration_broker.cli.hc_consumer import (
        ConsumerRunner,
    )

    channel = pika.BlockingConnection(amqp.connection_parameters(BROKER)).channel()
    amqp.declare_queue(channel, spec)
    for n in range(count):
        channel.basic_publish(
            spec.exchange,
            "supply.demand",
            event_body(n),
            pika.BasicProperties(message_id=f"bench-{n}", delivery_mode=2),
        )
    amqp.close_quietly(channel.connection)
    runner = ConsumerRunner(db, selectors=[code], refresh=0.5)
    thread = threading.Thread(target=runner.run, daemon=True)
    started = time.perf_counter()
    thread.start()
    stored = 0
    while stored < count:
        time.sleep(0.2)
        with registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM hc_message WHERE flow_id = %s", [flow_id])
            stored = cr.fetchone()[0]
    elapsed = time.perf_counter() - started
    runner.stop()
    thread.join(timeout=60)
    return count / elapsed


def cleanup(registry, code, prefix, spec):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        backend = env["hc.backend"].search([("code", "=", code)])
        cr.execute(
            "DELETE FROM queue_job WHERE uuid IN (SELECT job_uuid FROM hc_message "
            "WHERE backend_id = %s)",
            [backend.id],
        )
        cr.execute("DELETE FROM hc_message_attempt WHERE backend_id = %s", [backend.id])
        cr.execute("DELETE FROM hc_message WHERE backend_id = %s", [backend.id])
        env.invalidate_all()
        backend.flow_ids.unlink()
        backend.unlink()
    channel = pika.BlockingConnection(amqp.connection_parameters(BROKER)).channel()
    amqp.delete_queue(channel, spec, exchange=True)
    channel.queue_delete(f"{prefix}.out.capture")
    channel.exchange_delete(f"{prefix}.out")
    amqp.close_quietly(channel.connection)


# ---------------------------------------------------------------- report


def write(measures):
    met = {key: measures[key] >= target for key, target in TARGETS.items()}
    write_result("broker", measured_report(measures, TARGETS, met, digits=2))
    return all(met.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("HC_DEMO_DB", "hc_demo"))
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--deliveries", type=int, default=300)
    args = parser.parse_args()
    prefix = f"hc.bench.{uuid.uuid4().hex[:8]}"
    measures = {"events": args.events, "deliveries": args.deliveries}
    measures["publish_per_s"] = bench_publish(args.events, prefix)
    # test databases also have the suite's test addons installed
    registry = odoo_registry(args.db, hcdev.test_addons_path(), quiet=True)
    code, out_id, in_id, spec = setup(registry, prefix)
    try:
        measures["deliver_per_s"] = bench_deliver(registry, out_id, args.deliveries)
        measures["consume_per_s"] = bench_consume(
            registry, args.db, code, in_id, spec, args.events
        )
    finally:
        cleanup(registry, code, prefix, spec)
    sys.exit(0 if write(measures) else 1)


if __name__ == "__main__":
    main()
