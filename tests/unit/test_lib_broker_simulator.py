"""The demo's broker simulator: a ward system on the event bus (real RabbitMQ)."""

import json
import time
import uuid

import pika
import pytest
import requests
from addon_lib import addon_lib
from broker_simulator import BrokerSimulator, broker_parameters

amqp = addon_lib("broker", "amqp")
amqp_publisher = addon_lib("broker", "amqp_publisher")


@pytest.fixture()
def sim():
    exchange = f"hc.unit.sim.{uuid.uuid4().hex[:8]}"
    simulator = BrokerSimulator(
        port=0, name=f"unit-{uuid.uuid4().hex[:6]}", exchange=exchange
    )
    simulator.start()
    connection = pika.BlockingConnection(broker_parameters("unit tests"))
    channel = connection.channel()
    channel.exchange_declare(exchange, "topic", durable=True)
    channel.queue_declare(f"{exchange}.demand", durable=True)
    channel.queue_bind(f"{exchange}.demand", exchange, "supply.demand.#")
    yield simulator, channel
    simulator.stop()
    channel.queue_delete(simulator.queue)
    channel.queue_delete(f"{exchange}.demand")
    channel.exchange_delete(exchange)
    connection.close()


def wait_for(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


def test_receives_what_odoo_publishes_and_publishes_demand(sim):
    simulator, channel = sim
    wait_for(lambda: simulator.bus_status.startswith("connected"))
    amqp_publisher.publish(
        amqp.BrokerConfig(host="127.0.0.1", username="guest", password="guest"),
        amqp.Event(
            simulator.exchange,
            "supply.order.confirmed",
            b'{"order": "PO-1"}',
            message_id="PO-1/rev1",
            headers={"X-HC-Message": "HCM/0000001"},
        ),
    )
    wait_for(lambda: simulator.events())
    [event] = simulator.events()
    assert (event["message_id"], event["routing_key"]) == (
        "PO-1/rev1",
        "supply.order.confirmed",
    )
    assert event["headers"]["X-HC-Message"] == "HCM/0000001"
    published = requests.post(
        f"{simulator.url}/_sim/publish", json={}, timeout=10
    ).json()
    again = requests.post(
        f"{simulator.url}/_sim/publish_again", json={}, timeout=10
    ).json()
    invalid = requests.post(
        f"{simulator.url}/_sim/publish_invalid", json={}, timeout=10
    ).json()
    assert again["message_id"] == published["message_id"]
    bodies = []
    while True:
        method, properties, body = channel.basic_get(
            f"{simulator.exchange}.demand", auto_ack=True
        )
        if method is None:
            break
        bodies.append((properties.message_id, json.loads(body)))
    assert [m for m, _b in bodies] == [
        published["message_id"],
        published["message_id"],
        invalid["message_id"],
    ]
    assert bodies[0][1]["patient"], "carries personal data for Odoo to drop"
    assert bodies[2][1]["qty"] == 0
    page = requests.get(f"{simulator.url}/_sim/", timeout=10)
    assert "PO-1/rev1" in page.text
    assert requests.get(f"{simulator.url}/_sim/requests", timeout=10).status_code == 200
