# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import timedelta

from odoo import fields

from .common import HcCase


class TestBreaker(HcCase):
    def setUp(self):
        super().setUp()
        self.backend.write({"breaker_threshold": 2, "breaker_cooldown": 60})

    def age_attempts(self, seconds):
        """Move the backend's attempt history back in time."""
        self.env["hc.message.attempt"].flush_model()
        self.env.cr.execute(
            """UPDATE hc_message_attempt
                  SET started_at = started_at - %s * interval '1 second',
                      ended_at = ended_at - %s * interval '1 second'
                WHERE backend_id = %s""",
            (seconds, seconds, self.backend.id),
        )
        self.env["hc.message.attempt"].invalidate_model()

    def test_opens_then_half_opens_and_closes(self):
        self.sim.fail_next("/api/orders", count=2, status=503)
        self.flow_out.max_attempts = 10
        with self.jobs() as trap:
            message = self.send()
            trap.perform_enqueued_jobs()  # attempt 1 fails
            trap.perform_enqueued_jobs()  # attempt 2 fails: the breaker opens
            self.assertEqual(self.backend.breaker_state, "open")
            self.assertEqual(message.attempt_count, 2)
            trap.perform_enqueued_jobs()  # deferred: no attempt is spent
            self.assertEqual(message.attempt_count, 2)
            self.assertEqual(message.waiting_reason, "circuit breaker open")
            self.assertEqual(len(self.received()), 2)
            self.age_attempts(61)
            self.backend.invalidate_recordset(["breaker_state"])
            self.assertEqual(self.backend.breaker_state, "half_open")
            self.run_jobs(trap)  # the trial call succeeds
        self.assertEqual(message.state, "done")
        self.backend.invalidate_recordset(["breaker_state"])
        self.assertEqual(self.backend.breaker_state, "closed")

    def test_failed_trial_reopens(self):
        self.sim.fail_next("/api/orders", count=3, status=503)
        self.flow_out.max_attempts = 10
        with self.jobs() as trap:
            self.send()
            trap.perform_enqueued_jobs()
            trap.perform_enqueued_jobs()
            self.age_attempts(61)
            trap.perform_enqueued_jobs()  # trial fails
            self.backend.invalidate_recordset(["breaker_state"])
            self.assertEqual(self.backend.breaker_state, "open")

    def test_business_errors_do_not_open_it(self):
        self.sim.script(
            "/api/orders", [{"status": 422}, {"status": 422}, {"status": 422}]
        )
        with self.jobs() as trap:
            for n in range(3):
                self.send({"order": f"PO-{n}"})
            self.run_jobs(trap)
        self.assertEqual(self.backend.breaker_state, "closed")


class TestRateLimit(HcCase):
    def test_over_the_limit_waits_without_spending_attempts(self):
        self.backend.rate_limit_per_minute = 2
        with self.jobs() as trap:
            messages = [self.send({"order": f"PO-{n}"}) for n in range(3)]
            trap.perform_enqueued_jobs()
        self.assertEqual([m.state for m in messages], ["done", "done", "queued"])
        self.assertEqual(messages[2].attempt_count, 0)
        self.assertEqual(messages[2].waiting_reason, "rate limit")
        wait = messages[2].next_attempt_at - fields.Datetime.now()
        self.assertGreater(wait.total_seconds(), 30)


class TestOAuth2(HcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.write(
            {
                "auth_type": "oauth2",
                "username": "demo-client",
                "credential_secret": "demo-secret",
                "token_url": f"{cls.sim.url}/oauth/token",
            }
        )

    def test_token_fetched_once_and_reused(self):
        self.sim.require_bearer = True
        self.addCleanup(setattr, self.sim, "require_bearer", False)
        with self.jobs() as trap:
            for n in range(3):
                self.send({"order": f"PO-{n}"})
            self.run_jobs(trap)
        self.assertEqual(self.sim.tokens_issued, 1)
        auth = {r["headers"]["Authorization"] for r in self.received()}
        self.assertEqual(len(auth), 1)
        self.assertTrue(auth.pop().startswith("Bearer "))

    def test_expired_token_is_renewed(self):
        with self.jobs() as trap:
            self.send({"order": "PO-1"})
            self.run_jobs(trap)
            secret = (
                self.env["hc.backend.secret"]
                .sudo()
                .search(
                    [("backend_id", "=", self.backend.id), ("slot", "=", "oauth_token")]
                )
            )
            secret.expires_at = time.time() - 1
            self.send({"order": "PO-2"})
            self.run_jobs(trap)
        self.assertEqual(self.sim.tokens_issued, 2)

    def test_wrong_client_secret_is_an_authentication_error(self):
        self.backend.credential_secret = "wrong"
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.error_class, "authentication")
        self.assertNotIn("wrong", message.error_text)

    def test_sla_deadline(self):
        self.flow_out.sla_minutes = 5
        with self.jobs():
            message = self.send()
        self.assertFalse(message.is_late)
        message.sla_deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.assertTrue(message.is_late)
        self.assertIn(message, self.env["hc.message"].search([("is_late", "=", True)]))
