# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import fields
from odoo.exceptions import UserError

from .common import HcCase


class TestOutbound(HcCase):
    def test_delivered_with_headers_and_link(self):
        partner = self.env["res.partner"].create({"name": "Ward 3"})
        with self.jobs() as trap:
            message = self.send(
                {"order": "PO-7"}, record=partner, correlation_id="corr-7"
            )
            self.assertEqual(message.state, "queued")
            self.assertFalse(self.received(), "nothing is sent before the commit")
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.http_status, 200)
        self.assertEqual(message._linked_record(), partner)
        [request] = self.received()
        self.assertEqual(json.loads(request["body"]), {"order": "PO-7"})
        self.assertEqual(request["headers"]["Idempotency-Key"], message.idempotency_key)
        self.assertEqual(request["headers"]["X-Correlation-ID"], "corr-7")
        self.assertEqual(request["headers"]["X-API-Key"], "partner-api-key")
        stored = json.loads(message.request_headers)
        self.assertEqual(stored["X-API-Key"], "***", "secrets are masked in the log")
        self.assertEqual(message.attempt_ids.outcome, "done")

    def test_retry_then_success(self):
        self.sim.fail_next("/api/orders", count=2, status=503)
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.attempt_count, 3)
        self.assertEqual(
            message.attempt_ids.mapped("outcome"), ["retry", "retry", "done"]
        )
        self.assertEqual(len(self.received()), 3)

    def test_job_of_a_deleted_message_ends(self):
        with self.jobs():
            message = self.send()
        gone = message.id
        message.unlink()
        # not "locked by another transaction", retried every second forever
        result = self.env["hc.message"].browse(gone)._run_job()
        self.assertEqual(result, "nothing to do: message deleted")
        self.assertFalse(self.received(), "nothing sent")

    def test_dead_after_last_attempt(self):
        self.sim.fail_next("/api/orders", count=5, status=500)
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.attempt_count, 3)
        self.assertEqual(message.error_class, "technical")
        self.assertIn("gave up after 3 attempts", message.error_text)

    def test_429_retry_after_is_honoured(self):
        self.flow_out.backoff_max = 600
        self.sim.rate_limit_next("/api/orders", retry_after=120)
        with self.jobs() as trap:
            message = self.send()
            trap.perform_enqueued_jobs()
            self.assertEqual(message.state, "retrying")
            delay = message.next_attempt_at - fields.Datetime.now()
            self.assertGreaterEqual(delay.total_seconds(), 110)
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")

    def test_business_error_not_retried(self):
        self.sim.script(
            "/api/orders", [{"status": 409, "json": {"error": "closed PO"}}]
        )
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.error_class, "business")
        self.assertEqual(message.attempt_count, 1)
        self.assertIn("closed PO", message.response_preview)

    def test_garbage_and_dropped_connections_are_retried(self):
        self.sim.drop_next("/api/orders")
        self.sim.fail_next("/api/orders", count=1, status=502)
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.attempt_ids[0].error_class, "technical")

    def test_slow_partner_times_out_and_is_retried(self):
        self.sim.slow_next("/api/orders", 1.5)
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")
        self.assertIn("Timeout", message.attempt_ids[0].error_text)

    def test_invalid_payload_is_failed_not_sent(self):
        self.flow_out.write(
            {
                "schema_type": "json",
                "schema": json.dumps(
                    {
                        "type": "object",
                        "required": ["order"],
                        "properties": {"order": {"type": "string"}},
                    }
                ),
            }
        )
        with self.jobs() as trap:
            message = self.send({"order": 12})
            self.assertFalse(trap.enqueued_jobs)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.error_class, "validation")
        self.assertIn("order", message.error_text)
        self.assertFalse(self.received())

    def test_same_key_is_one_message(self):
        with self.jobs() as trap:
            first = self.send(idempotency_key="K-1")
            second = self.send(idempotency_key="K-1")
            self.run_jobs(trap)
        self.assertEqual(first, second)
        self.assertEqual(len(self.received()), 1)

    def test_done_message_is_never_delivered_again(self):
        # a replay queued, then its original retried by hand and delivered
        self.sim.fail_next("/api/orders", count=3, status=503)
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
            replay = message._replay()
            message.action_retry()
            trap.enqueued_jobs.sort(key=lambda job: job.recordset.ids != message.ids)
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")
        self.assertEqual(replay.state, "duplicate")
        self.assertEqual(replay.parent_id, message)
        self.assertEqual(len(self.received()), 4, "three failures, one delivery")

    def test_replay_of_dead_message_delivers(self):
        self.sim.fail_next("/api/orders", count=3, status=503)
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
            self.assertEqual(message.state, "dead")
            replay = message._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done")
        self.assertEqual(replay.idempotency_key, message.idempotency_key)
        self.assertEqual(replay.correlation_id, message.correlation_id)

    def test_manual_retry_gets_fresh_attempts(self):
        self.sim.fail_next("/api/orders", count=3, status=503)
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
            self.assertEqual(message.state, "dead")
            message.action_retry()
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.attempt_count, 4)

    def test_cancel_and_resolve(self):
        self.backend.paused = True
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
            message.action_cancel()
        self.assertEqual(message.state, "cancelled")
        with self.assertRaises(UserError):
            message.action_mark_resolved()

    def test_connection_test_is_recorded(self):
        self.backend.health_path = "/api/health"
        self.backend.action_test_connection()
        message = self.env["hc.message"].search(
            [("backend_id", "=", self.backend.id), ("flow_id", "=", False)], limit=1
        )
        self.assertEqual(message.state, "done")
        self.sim.fail_next("/api/health", count=1, status=503)
        result = self.backend.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
