# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Inbound flows on a broker backend: the consumer stores, then acknowledges.

The consumer here is the real one (``lib.amqp_consumer.Consumer`` on the
machine's RabbitMQ) with the store the ``odoo hc-consumer`` process uses,
run in the test's transaction; committing before acknowledging, and the
process itself, are covered by the suite tests (tests/integration).
"""

import hashlib
import json

import psycopg2

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from odoo.addons.healthcare_integration_broker.cli.hc_consumer import (
    UNSTORABLE_STREAK_LIMIT,
    ConsumerRunner,
)
from odoo.addons.healthcare_integration_broker.lib.amqp_consumer import (
    ACK,
    REJECT,
    Delivery,
    StoreUnavailable,
)
from odoo.addons.healthcare_integration_broker.models.hc_amqp_inbound import (
    Refusal,
    Stored,
)
from odoo.addons.healthcare_integration_core.lib import signing
from odoo.addons.healthcare_integration_core.tests.common import committed_refusals

from .test_broker_common import BrokerCase

INBOUND_LOGGER = "odoo.addons.healthcare_integration_broker.models.hc_amqp_inbound"

# An HL7 FHIR R4 SupplyRequest (the specification's example, trimmed): a ward
# asks the stores for gloves.
SUPPLY_REQUEST = {
    "resourceType": "SupplyRequest",
    "id": "simpleorder",
    "identifier": [{"value": "Order10284"}],
    "status": "active",
    "category": {"coding": [{"code": "central", "display": "Central Stock Resupply"}]},
    "priority": "asap",
    "itemCodeableConcept": {
        "coding": [{"code": "BlueTubes", "display": "Blood collect tubes blue cap"}]
    },
    "quantity": {"value": 10},
    "occurrenceDateTime": "2016-12-31",
    "authoredOn": "2016-12-31",
    "requester": {"reference": "Practitioner/example"},
}
# the W3C Trace Context specification's example
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def body(document):
    return json.dumps(document).encode()


class TestBrokerConsume(BrokerCase):
    def messages(self, flow):
        return self.env["hc.message"].search([("flow_id", "=", flow.id)], order="id")

    def test_events_are_stored_once_then_acknowledged_and_processed(self):
        flow, spec = self.bind_inbound()
        second = dict(SUPPLY_REQUEST, id="order2", identifier=[{"value": "Order2"}])
        self.publish(spec.exchange, body(SUPPLY_REQUEST), message_id="SR-1")
        self.publish(
            spec.exchange,
            body(second),
            message_id="SR-2",
            correlation_id="ward3-chain",
            content_type="application/json; charset=utf-8",
            headers={"traceparent": TRACEPARENT},
        )
        # the producer published the first one again (at-least-once)
        self.publish(spec.exchange, body(SUPPLY_REQUEST), message_id="SR-1")
        with self.jobs() as trap:
            outcomes = self.consume(expected=3)
            self.assertEqual(outcomes, [ACK, ACK, ACK])
            first, other = self.messages(flow)
            self.assertEqual(
                [first.idempotency_key, other.idempotency_key], ["SR-1", "SR-2"]
            )
            self.assertEqual(other.correlation_id, "ward3-chain")
            self.assertEqual(other.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736")
            self.assertEqual(json.loads(first._body()), SUPPLY_REQUEST)
            self.assertEqual(first.state, "queued", "processing stays a queued job")
            self.assertEqual(
                first.create_uid,
                self.env.ref("healthcare_integration_core.user_integration_bot"),
                "stored by the least-privilege processor, as webhooks are",
            )
            self.run_jobs(trap)
        self.assertEqual((first.state, other.state), ("done", "done"))
        self.assertEqual(self.depth(spec.queue), 0, "all acknowledged")
        self.assertEqual(self.depth(spec.dead_letter_queue), 0)

    def test_event_without_message_id_is_keyed_by_its_payload(self):
        flow, spec = self.bind_inbound()
        for _twice in range(2):
            self.publish(spec.exchange, body(SUPPLY_REQUEST))
        self.assertEqual(self.consume(expected=2), [ACK, ACK])
        [message] = self.messages(flow)
        self.assertEqual(
            message.idempotency_key, hashlib.sha256(body(SUPPLY_REQUEST)).hexdigest()
        )

    def test_invalid_payload_is_a_failed_message_and_dead_lettered(self):
        flow, spec = self.bind_inbound(
            schema_type="json",
            schema=json.dumps(
                {"type": "object", "required": ["resourceType", "quantity"]}
            ),
        )
        self.publish(
            spec.exchange, body({"resourceType": "SupplyRequest"}), message_id="SR-bad"
        )
        self.publish(spec.exchange, b"{not json", message_id="SR-garbled")
        self.assertEqual(self.consume(expected=2), [REJECT, REJECT])
        bad, garbled = self.messages(flow)
        self.assertEqual((bad.state, bad.error_class), ("dead", "validation"))
        self.assertIn("quantity", bad.error_text)
        self.assertIn("Invalid JSON", garbled.error_text)
        dead = self.get_all(spec.dead_letter_queue)
        self.assertEqual(
            [props.message_id for _method, props, _body in dead],
            ["SR-bad", "SR-garbled"],
        )
        self.assertEqual(dead[1][2], b"{not json", "kept on the broker as received")
        self.assertEqual(dead[0][1].headers["x-death"][0]["reason"], "rejected")

    def test_poison_event_is_dead_lettered_and_the_batch_goes_on(self):
        flow, spec = self.bind_inbound()
        self.publish(spec.exchange, body(SUPPLY_REQUEST), message_id="SR-before")
        # a NUL character cannot be stored in PostgreSQL text: storing it fails
        self.publish(
            spec.exchange,
            body(SUPPLY_REQUEST),
            message_id="SR-poison",
            correlation_id="bad\x00id",
        )
        self.publish(spec.exchange, body(SUPPLY_REQUEST) + b" ", message_id="SR-after")
        with (
            mute_logger("odoo.sql_db"),
            self.assertLogs(
                INBOUND_LOGGER,
                "WARNING",
            ) as logged,
        ):
            outcomes = self.consume(expected=3)
        self.assertEqual(outcomes, [ACK, REJECT, ACK])
        self.assertEqual(
            self.messages(flow).mapped("idempotency_key"), ["SR-before", "SR-after"]
        )
        [(_method, properties, _body)] = self.get_all(spec.dead_letter_queue)
        self.assertEqual(properties.message_id, "SR-poison")
        self.assertIn("SR-poison dead-lettered: cannot be stored", logged.output[-1])
        refusals = committed_refusals(self, self.broker.code, flow.code)
        self.assertEqual(
            [(code, count) for code, flow_code, count, _ex in refusals],
            [("unstorable", 1)],
        )
        self.assertEqual(refusals[0][1], flow.code)

    def test_oversized_or_foreign_events_are_refused_before_storage(self):
        self.broker.max_payload_kb = 1
        flow, spec = self.bind_inbound()
        self.publish(
            spec.exchange, b'{"pad": "' + b"x" * 2048 + b'"}', message_id="big"
        )
        self.publish(
            spec.exchange,
            b"<SupplyRequest/>",
            message_id="xml",
            content_type="application/xml",
        )
        with self.assertLogs(
            INBOUND_LOGGER,
            "WARNING",
        ):
            self.assertEqual(self.consume(expected=2), [REJECT, REJECT])
        self.assertFalse(self.messages(flow), "nothing of them is stored")
        self.assertEqual(self.depth(spec.dead_letter_queue, settles_at=2), 2)
        refusals = committed_refusals(self, self.broker.code, flow.code)
        self.assertEqual(
            sorted(code for code, *_rest in refusals), ["bad_content_type", "too_large"]
        )

    def test_signed_events_are_required_when_the_backend_says_so(self):
        self.broker.write(
            {"amqp_require_signature": True, "webhook_secret": "bus-signing-key"}
        )
        flow, spec = self.bind_inbound()
        payload = body(SUPPLY_REQUEST)
        self.publish(
            spec.exchange,
            payload,
            message_id="signed",
            headers=signing.signed_headers("bus-signing-key", payload),
        )
        self.publish(spec.exchange, payload, message_id="unsigned")
        self.publish(
            spec.exchange,
            payload,
            message_id="forged",
            headers=signing.signed_headers("another-key", payload),
        )
        with self.assertLogs(
            INBOUND_LOGGER,
            "WARNING",
        ):
            self.assertEqual(self.consume(expected=3), [ACK, REJECT, REJECT])
        [message] = self.messages(flow)
        self.assertEqual(message.idempotency_key, "signed")
        self.assertTrue(message.signature_digest)

    def test_redaction_rules_apply_before_the_event_is_stored(self):
        flow, spec = self.bind_inbound(
            redaction_ids=[(0, 0, {"path": "$.requester", "mode": "drop"})]
        )
        self.publish(spec.exchange, body(SUPPLY_REQUEST), message_id="SR-red")
        self.assertEqual(self.consume(expected=1), [ACK])
        stored = json.loads(self.messages(flow)._body())
        self.assertNotIn("requester", stored)
        self.assertEqual(stored["quantity"], {"value": 10})

    def test_batch_pull_flows_cannot_run_on_a_broker(self):
        with self.assertRaises(ValidationError):
            self.bind_inbound("flow_type_receive_pull")

    def test_one_queue_is_consumed_by_one_flow(self):
        flow, spec = self.bind_inbound()
        with self.assertRaises(ValidationError):
            self.bind_inbound(amqp_queue=spec.queue)
        self.assertIn(
            spec,
            self.env["hc.amqp.inbound"]._consumer_plan([self.broker.code])[
                self.broker.code
            ][2],
        )
        flow.active = False
        self.assertNotIn(
            self.broker.code,
            self.env["hc.amqp.inbound"]._consumer_plan(
                [f"{self.broker.code}/{flow.code}"]
            ),
        )

    def test_a_database_fault_is_not_blamed_on_the_events(self):
        """A module not updated yet: every insert fails; nothing is rejected."""
        flow, spec = self.bind_inbound()
        deliveries = [
            Delivery(
                tag=flow.id,
                delivery_tag=n,
                body=body(SUPPLY_REQUEST),
                queue=spec.queue,
                message_id=f"SR-{n}",
            )
            for n in (1, 2)
        ]
        self.env.cr.execute(
            "ALTER TABLE hc_message RENAME COLUMN payload_size TO payload_size_old"
        )
        try:
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.UndefinedColumn),
            ):
                self.env["hc.amqp.inbound"]._store_deliveries(deliveries)
        finally:
            self.env.cr.execute(
                "ALTER TABLE hc_message RENAME COLUMN payload_size_old TO payload_size"
            )

    def test_many_unstorable_events_in_a_row_stop_the_dead_lettering(self):
        runner = ConsumerRunner(self.env.cr.dbname)

        def batch(size, unstorable):
            stored = Stored()
            for n in range(size):
                delivery = Delivery(tag=0, delivery_tag=n, body=b"{}", queue="q")
                if n < unstorable:
                    stored.refuse(None, delivery, Refusal("unstorable", "boom"))
                else:
                    stored.outcomes.append(ACK)
            return stored

        below = UNSTORABLE_STREAK_LIMIT - 1
        runner._check_unstorable_streak("bus", below, batch(below, below))
        runner._check_unstorable_streak("bus", 3, batch(3, 1))  # one was stored
        runner._check_unstorable_streak("bus", below, batch(below, below))
        with (
            mute_logger("odoo.addons.healthcare_integration_broker.cli.hc_consumer"),
            self.assertRaises(StoreUnavailable),
        ):
            runner._check_unstorable_streak("bus", 1, batch(1, 1))
