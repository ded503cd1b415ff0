# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound flows on a broker backend: publish with confirm, retry, dead letter."""

import json
import uuid

from odoo.exceptions import ValidationError

from .test_broker_common import BROKER, BrokerCase, closed_port


class TestBrokerPublish(BrokerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.send_type = cls.env.ref("healthcare_integration_core.flow_type_send")

    def bind_outbound(self, backend=None, **values):
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.send_type.id,
                "backend_id": (backend or self.broker).id,
                "code": f"out_{uuid.uuid4().hex[:6]}",
                "amqp_exchange": self.name(f"orders.{uuid.uuid4().hex[:6]}"),
                "amqp_routing_key": "supply.order.confirmed",
                "max_attempts": 2,
                "backoff_base": 1,
                "backoff_max": 2,
                **values,
            }
        )
        if flow.amqp_exchange:
            self.exchanges.add(flow.amqp_exchange)
        return flow

    def test_event_is_published_persistent_with_its_keys_once_confirmed(self):
        flow = self.bind_outbound()
        queue = self.capture(flow.amqp_exchange, "supply.order.#")
        with self.jobs() as trap:
            message = flow._send(
                {"order": "PO-7", "lines": [{"item": "GLOVE-M", "qty": 20}]},
                idempotency_key="PO-7/rev1",
                correlation_id="chain-7",
            )
            self.run_jobs(trap)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(message.attempt_count, 1)
        [(method, properties, body)] = self.get_all(queue)
        self.assertEqual(
            json.loads(body),
            {"order": "PO-7", "lines": [{"item": "GLOVE-M", "qty": 20}]},
        )
        self.assertEqual(method.exchange, flow.amqp_exchange)
        self.assertEqual(method.routing_key, "supply.order.confirmed")
        self.assertEqual(properties.delivery_mode, 2, "persistent")
        self.assertEqual(properties.message_id, "PO-7/rev1")
        self.assertEqual(properties.correlation_id, "chain-7")
        self.assertEqual(properties.content_type, "application/json")
        self.assertEqual(properties.type, "core.send")
        self.assertEqual(properties.headers["X-HC-Message"], message.name)
        self.assertEqual(properties.headers["traceparent"], message.traceparent)
        self.assertIn(message.trace_id, message.traceparent)
        recorded = json.loads(message.sudo().request_headers)
        self.assertEqual(recorded["Routing-Key"], "supply.order.confirmed")
        self.assertEqual(recorded["Message-Id"], "PO-7/rev1")
        self.assertNotIn(BROKER["password"], message.sudo().request_headers.lower())

    def test_routing_key_defaults_to_the_flow_type_code(self):
        flow = self.bind_outbound(amqp_routing_key=False)
        queue = self.capture(flow.amqp_exchange, "core.#")
        with self.jobs() as trap:
            message = flow._send({"order": "PO-8"})
            self.run_jobs(trap)
        self.assertEqual(message.state, "done", message.error_text)
        [(method, _properties, _body)] = self.get_all(queue)
        self.assertEqual(method.routing_key, "core.send")

    def test_broker_down_is_retried_with_backoff_then_dead(self):
        down = self.env["hc.backend"].create(
            self.broker_values("broker_down", amqp_port=closed_port())
        )
        flow = self.bind_outbound(down)
        with self.jobs() as trap:
            message = flow._send({"order": "PO-9"})
            trap.perform_enqueued_jobs()
            self.assertEqual(message.state, "retrying")
            self.assertEqual(message.error_class, "technical")
            self.assertIn("unreachable", message.error_text)
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.attempt_count, 2)
        self.assertIn("gave up after 2 attempts", message.error_text)
        self.assertEqual(len(message.attempt_ids), 2)

    def test_breaker_opens_on_a_broker_that_is_down(self):
        down = self.env["hc.backend"].create(
            self.broker_values(
                "broker_breaker",
                amqp_port=closed_port(),
                breaker_threshold=2,
                breaker_cooldown=60,
            )
        )
        flow = self.bind_outbound(down, max_attempts=10)
        with self.jobs() as trap:
            message = flow._send({"order": "PO-10"})
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
            down.invalidate_recordset(["breaker_state"])
            self.assertEqual(down.breaker_state, "open")
            trap.perform_enqueued_jobs()
        self.assertEqual(message.attempt_count, 2, "deferred without an attempt")
        self.assertEqual(message.waiting_reason, "circuit breaker open")

    def test_unroutable_event_is_retried_not_dropped(self):
        flow = self.bind_outbound()
        with self.jobs() as trap:
            message = flow._send({"order": "PO-11"})
            trap.perform_enqueued_jobs()
        self.assertEqual(message.state, "retrying")
        self.assertIn("no queue is bound", message.error_text)
        flow.amqp_mandatory = False
        with self.jobs() as trap:
            dropped = flow._send({"order": "PO-12"})
            self.run_jobs(trap)
        self.assertEqual(dropped.state, "done", "the broker may drop it when allowed")

    def test_wrong_password_fails_at_once_without_revealing_it(self):
        backend = self.env["hc.backend"].create(
            self.broker_values("broker_badpw", credential_secret="not-the-password")
        )
        flow = self.bind_outbound(backend, max_attempts=5)
        with self.jobs() as trap:
            message = flow._send({"order": "PO-13"})
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.attempt_count, 1, "retrying cannot fix a login")
        self.assertIn("refused the login", message.error_text)
        self.assertNotIn("not-the-password", message.error_text)

    def test_missing_exchange_that_odoo_may_not_declare_is_a_final_failure(self):
        flow = self.bind_outbound(amqp_declare=False, max_attempts=5)
        with self.jobs() as trap:
            message = flow._send({"order": "PO-14"})
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.attempt_count, 1)
        self.assertIn("no exchange", message.error_text)

    def test_connection_test_logs_in_to_the_broker(self):
        result = self.broker.action_test_connection()
        self.assertEqual(result["params"]["type"], "success", result["params"])
        down = self.env["hc.backend"].create(
            self.broker_values("broker_test_down", amqp_port=closed_port())
        )
        result = down.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("unreachable", result["params"]["message"])

    def test_broker_backend_settings_are_checked(self):
        with self.assertRaises(ValidationError):
            self.env["hc.backend"].create(
                self.broker_values("broker_nohost", amqp_host=False)
            )
        with self.assertRaises(ValidationError):
            self.env["hc.backend"].create(
                self.broker_values("broker_oauth", auth_type="oauth2")
            )
        self.assertEqual(
            self.broker.amqp_url, f"amqp://{BROKER['host']}:{BROKER['port']}/%2F"
        )
