# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What an anonymous or replaying sender can make the webhook route do."""

import json
import time

import requests

from odoo.tests import HttpCase, tagged

from odoo.addons.healthcare_integration_core.lib import signing
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import SimulatorMixin


@tagged("post_install", "-at_install")
class TestWebhookSecurity(SimulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = cls.start_simulator(name="webhook-security")
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "EHR security",
                "code": "ehr_sec",
                "base_url": cls.sim.url,
                "webhook_secret": "sec-secret",
                "max_payload_kb": 1,
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "name": "Demand",
                "code": "demand",
                "backend_id": cls.backend.id,
            }
        )

    def url(self):
        return f"{self.base_url()}/hc/webhook/ehr_sec/demand"

    def signed(self, body, headers=None, timestamp=None):
        ts = str(timestamp or int(time.time()))
        sent = {
            "Content-Type": "application/json",
            signing.TIMESTAMP_HEADER: ts,
            signing.SIGNATURE_HEADER: signing.compute_signature("sec-secret", ts, body),
        }
        sent.update(headers or {})
        return sent

    def post(self, body, headers):
        self.env.flush_all()
        response = requests.post(self.url(), data=body, headers=headers, timeout=10)
        return response.status_code, response.json()

    def messages(self):
        return self.env["hc.message"].search([("flow_id", "=", self.flow.id)])

    def refusals(self):
        self.env["hc.webhook.refusal"]._write_counts()
        return self.env["hc.webhook.refusal"].search([("backend_code", "=", "ehr_sec")])

    def test_captured_request_replayed_with_another_key_is_a_duplicate(self):
        body = b'{"event": "ward-3 demand"}'
        headers = self.signed(body, {"Idempotency-Key": "evt-1"})
        status, first = self.post(body, headers)
        self.assertEqual(status, 202)
        for key in ("evt-2", None, "evt-3"):
            replayed = {k: v for k, v in headers.items() if k != "Idempotency-Key"}
            if key:
                replayed["Idempotency-Key"] = key
            status, again = self.post(body, replayed)
            self.assertEqual(status, 200, f"replayed with key {key}")
            self.assertTrue(again["duplicate"])
            self.assertEqual(again["id"], first["id"])
        self.assertEqual(len(self.messages()), 1, "processed once")

    def test_a_thousand_unsigned_requests_cost_a_few_rows(self):
        session = requests.Session()
        self.env.flush_all()
        for n in range(1000):
            response = session.post(
                self.url(),
                data=json.dumps({"n": n}),
                headers={"Content-Type": "application/json"},
                timeout=10,
            )
            self.assertEqual(response.status_code, 401)
        refusals = self.refusals()
        self.assertLessEqual(len(refusals), 3, "one row per reason and minute")
        self.assertEqual(sum(refusals.mapped("count")), 1000)
        self.assertFalse(self.messages())
        self.assertLessEqual(len(json.loads(refusals[0].examples)), 3)

    def test_long_headers_are_refused_with_a_reason(self):
        body = b'{"event": "x"}'
        status, answer = self.post(
            body, self.signed(body, {"Idempotency-Key": "K" * 9216})
        )
        self.assertEqual(status, 400)
        self.assertIn("Idempotency-Key", answer["error"])
        status, answer = self.post(
            body, {"Content-Type": "application/json", "X-Correlation-ID": "C" * 9216}
        )
        self.assertEqual(status, 400)
        self.assertIn("X-Correlation-ID", answer["error"])
        self.assertFalse(self.messages())

    def test_chunked_body_is_refused_before_it_is_read(self):
        sent = []

        def chunks():
            for _n in range(4096):  # 16 MiB if it were all read
                sent.append(1)
                yield b"x" * 4096

        headers = {"Content-Type": "application/json"}
        try:
            response = requests.post(
                self.url(), data=chunks(), headers=headers, timeout=10
            )
            status = response.status_code
        except requests.ConnectionError:
            status = 411  # the server answered and closed before the upload ended
        self.assertEqual(status, 411, "a body without Content-Length is refused")
        self.assertLess(len(sent), 4096, "the server did not read it")

    def test_unauthenticated_garbage_is_refused_before_validation(self):
        status, _answer = self.post(b"{not json", {"Content-Type": "application/json"})
        self.assertEqual(status, 401)
        self.assertFalse(self.messages())


@tagged("post_install", "-at_install")
class TestTraceContext(SimulatorMixin, HttpCase):
    """A W3C traceparent received on a webhook reaches the outbound calls its
    processing makes, and finds every message of the chain."""

    TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = cls.start_simulator(name="trace")
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Traced EHR",
                "code": "ehr_trace",
                "base_url": cls.sim.url,
                "webhook_secret": "trace-secret",
            }
        )
        ref = cls.env.ref
        cls.flow_in = cls.env["hc.flow"].create(
            {
                "flow_type_id": ref("healthcare_integration_core.flow_type_receive").id,
                "code": "demand",
                "backend_id": cls.backend.id,
            }
        )
        cls.flow_out = cls.env["hc.flow"].create(
            {
                "flow_type_id": ref("healthcare_integration_core.flow_type_send").id,
                "code": "confirm",
                "backend_id": cls.backend.id,
                "endpoint": "/api/confirm",
            }
        )

    def test_traceparent_goes_from_webhook_to_the_outbound_call(self):
        flow_out = self.flow_out

        def process_and_confirm(handler, message, document):
            flow_out.with_env(handler.env)._send({"confirmed": document["event"]})

        self.patch(type(self.env["hc.handler"]), "process", process_and_confirm)
        body = b'{"event": "case-42"}'
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            signing.TIMESTAMP_HEADER: ts,
            signing.SIGNATURE_HEADER: signing.compute_signature(
                "trace-secret", ts, body
            ),
            "traceparent": self.TRACE,
        }
        self.env.flush_all()
        answer = requests.post(
            f"{self.base_url()}/hc/webhook/ehr_trace/demand",
            data=body,
            headers=headers,
            timeout=10,
        ).json()
        received = self.env["hc.message"].browse(answer["id"])
        with trap_jobs() as trap:
            received.with_user(received._processing_user())._run_job()
            trap.perform_enqueued_jobs()
        self.assertEqual(received.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736")
        self.assertEqual(received.traceparent, self.TRACE)
        [call] = self.sim.requests(path="/api/confirm")
        sent = call["headers"]["traceparent"]
        self.assertTrue(sent.startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-"))
        self.assertNotEqual(sent, self.TRACE, "a new span for the outbound call")
        chain = self.env["hc.message"].search(
            [("trace_id", "=", "4bf92f3577b34da6a3ce929d0e0e4736")]
        )
        self.assertEqual(chain.flow_id, self.flow_in | self.flow_out)
        found = self.env["hc.message"].name_search("4bf92f3577b34da6a3ce929d0e0e4736")
        self.assertEqual(len(found), 2)
