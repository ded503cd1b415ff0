# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import time

from odoo.tests import HttpCase, tagged

from odoo.addons.healthcare_integration_core.lib import signing

from .common import SimulatorMixin


@tagged("post_install", "-at_install")
class TestWebhook(SimulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = cls.start_simulator(name="webhook-test")
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "EHR",
                "code": "ehr_test",
                "base_url": cls.sim.url,
                "webhook_secret": "hook-secret",
                "max_payload_kb": 1,
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "name": "Supply demand",
                "code": "demand",
                "backend_id": cls.backend.id,
                "schema_type": "json",
                "schema": json.dumps(
                    {
                        "type": "object",
                        "required": ["item"],
                        "properties": {"item": {"type": "string"}},
                    }
                ),
            }
        )

    def url(self, flow_code="demand", backend_code="ehr_test"):
        return f"{self.base_url()}/hc/webhook/{backend_code}/{flow_code}"

    def post(self, payload, secret="hook-secret", key=None, **kwargs):
        self.env.flush_all()
        return self.sim.call_webhook(
            self.url(), payload, secret=secret, idempotency_key=key, **kwargs
        )

    def refusals(self, reason_code):
        self.env["hc.webhook.refusal"]._write_counts()
        return self.env["hc.webhook.refusal"].search(
            [("backend_code", "=", "ehr_test"), ("reason_code", "=", reason_code)],
            limit=1,
        )

    def messages(self):
        return self.env["hc.message"].search([("flow_id", "=", self.flow.id)])

    def test_signed_delivery_is_accepted_and_queued(self):
        status, body = self.post({"item": "GLOVE-M"}, key="evt-1", correlation_id="c-1")
        self.assertEqual(status, 202)
        message = self.env["hc.message"].browse(body["id"])
        self.assertEqual(message.name, body["message_id"])
        self.assertEqual(body["correlation_id"], "c-1")
        self.assertEqual(message.state, "queued")
        self.assertTrue(message.job_uuid)
        job = self.env["queue.job"].search([("uuid", "=", message.job_uuid)])
        self.assertEqual(
            job.user_id.login,
            "hc_integration_bot",
            "processing runs as the least-privilege user",
        )
        job_result = message.with_user(job.user_id)._run_job()
        self.assertEqual(job_result, "done")
        self.assertEqual(message.state, "done")

    def test_duplicate_answers_200_without_reprocessing(self):
        status, first = self.post({"item": "GLOVE-M"}, key="evt-2")
        self.assertEqual(status, 202)
        status, second = self.post({"item": "GLOVE-M"}, key="evt-2")
        self.assertEqual(status, 200)
        self.assertTrue(second["duplicate"])
        self.assertEqual(second["id"], first["id"])
        self.assertEqual(len(self.messages()), 1)

    def test_bad_signature_refused_and_recorded(self):
        status, _body = self.post({"item": "X"}, signature="sha256=" + "0" * 64)
        self.assertEqual(status, 401)
        self.assertFalse(self.messages(), "refusals are not stored as messages")
        self.env["hc.webhook.refusal"]._write_counts()
        refusal = self.env["hc.webhook.refusal"].search(
            [("backend_code", "=", "ehr_test"), ("reason_code", "=", "unauthenticated")]
        )
        self.assertEqual(refusal.status, 401)
        self.assertEqual(refusal.backend_id, self.backend)
        self.assertGreaterEqual(refusal.count, 1)
        self.assertNotIn("GLOVE", refusal.examples or "", "bodies are not kept")

    def test_wrong_secret_refused(self):
        status, _body = self.post({"item": "X"}, secret="not-the-secret")
        self.assertEqual(status, 401)

    def test_stale_timestamp_refused(self):
        status, body = self.post({"item": "X"}, timestamp=int(time.time()) - 3600)
        self.assertEqual(status, 401)
        self.assertIn("timestamp", json.dumps(body).lower())
        self.assertFalse(self.messages())
        self.assertIn("timestamp", self.refusals("unauthenticated").reason.lower())

    def test_too_large_refused(self):
        status, _body = self.post({"item": "X" * 2048})
        self.assertEqual(status, 413)
        self.assertTrue(self.refusals("too_large"))

    def test_wrong_content_type_refused(self):
        body = b"item=X"
        ts = str(int(time.time()))
        response = self.url_open(
            self.url(),
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                signing.TIMESTAMP_HEADER: ts,
                signing.SIGNATURE_HEADER: signing.compute_signature(
                    "hook-secret", ts, body
                ),
            },
        )
        self.assertEqual(response.status_code, 415)

    def test_schema_violation_is_422_and_failed_on_record(self):
        status, body = self.post({"qty": 3}, key="evt-bad")
        self.assertEqual(status, 422)
        self.assertTrue(any("item" in d for d in body["details"]))
        message = self.messages()
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.error_class, "validation")

    def test_unknown_flow_is_404(self):
        status, _body = self.sim.call_webhook(
            self.url(flow_code="nope"), {"item": "X"}, secret="hook-secret"
        )
        self.assertEqual(status, 404)

    def test_api_key_authentication(self):
        self.backend.write(
            {"inbound_auth": "api_key", "api_key_header": "X-Partner-Key"}
        )
        status, _body = self.post(
            {"item": "X"}, secret=None, headers={"X-Partner-Key": "hook-secret"}
        )
        self.assertEqual(status, 202)
        status, _body = self.post(
            {"item": "X"}, secret=None, headers={"X-Partner-Key": "guess"}
        )
        self.assertEqual(status, 401)

    def test_backend_of_another_company(self):
        company = self.env["res.company"].create({"name": "Hospital North"})
        backend = self.env["hc.backend"].create(
            {
                "name": "North EHR",
                "code": "north_ehr",
                "company_id": company.id,
                "webhook_secret": "north-secret",
            }
        )
        self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "name": "North events",
                "code": "events",
                "backend_id": backend.id,
            }
        )
        self.env.flush_all()
        status, body = self.sim.call_webhook(
            self.url(flow_code="events", backend_code="north_ehr"),
            {"event": "x"},
            secret="north-secret",
        )
        self.assertEqual(status, 202)
        message = self.env["hc.message"].browse(body["id"])
        self.assertEqual(message.company_id, company)
