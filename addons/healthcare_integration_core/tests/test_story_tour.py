# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The runtime story of the README's "Try it" (step 1), clicked in the
browser: Send test message, Queued then Done; the partner down, retried then
Dead; the partner back, Replay, and the dead message resolved by its replay.
The test runs the jobs (no job runner in tests) and plays the simulator's
*Partner down* between the tour's phases."""

from odoo.tests import HttpCase, tagged

from .common import HcTestMixin, SimulatorMixin

FLOW = "Send order to partner (story)"
ANY_PATH = "*"


@tagged("post_install", "-at_install")
class TestRuntimeStoryTour(HcTestMixin, SimulatorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = cls.start_simulator(name="story-partner")
        backend = cls.env["hc.backend"].create(
            {
                "name": "Story partner",
                "code": "story_partner",
                "base_url": cls.sim.url,
                "auth_type": "none",
                "connect_timeout": 1,
                "read_timeout": 2,
                "breaker_threshold": 0,
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": FLOW,
                "code": "story_order_out",
                "backend_id": backend.id,
                "endpoint": "/api/orders",
                "test_payload": '{"order": "STORY-1"}',
                "max_attempts": 3,
                "backoff_base": 1,
                "backoff_max": 2,
            }
        )

    def run_message(self, message):
        """Run the message's jobs as the job runner would, its retries
        without waiting for them; its last state."""
        for _attempt in range(10):
            self.env.flush_all()
            self.env.invalidate_all()
            if message.state not in ("queued", "retrying"):
                break
            job = self.env["queue.job"].search([("uuid", "=", message.job_uuid)])
            message.with_user(job.user_id or self.env.user)._run_job()
        return message.state

    def send_test_message(self):
        before = self.env["hc.message"].search([("flow_id", "=", self.flow.id)])
        self.env.flush_all()
        self.start_tour(
            "/odoo/action-healthcare_integration_core.hc_flow_action",
            "hc_runtime_story_send_tour",
            login="admin",
        )
        [message] = (
            self.env["hc.message"].search([("flow_id", "=", self.flow.id)]) - before
        )
        return message

    def tour_on(self, message, name):
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-healthcare_integration_core.hc_message_action/{message.id}",
            name,
            login="admin",
        )

    def test_send_fail_replay(self):
        # Send test message: Queued, then Done; the simulator lists the call
        sent = self.send_test_message()
        self.assertEqual(self.run_message(sent), "done", sent.error_text)
        self.assertEqual(len(self.sim.requests("/api/orders")), 1)
        self.tour_on(sent, "hc_runtime_story_done_tour")
        # Partner down, send again: retried with backoff, then Dead
        self.sim.set_mode(ANY_PATH, 503)
        failed = self.send_test_message()
        self.assertEqual(self.run_message(failed), "dead")
        self.assertEqual(failed.attempt_count, 3)
        # the partner back: Replay; the replay delivered resolves the original
        self.sim.set_mode(ANY_PATH, None)
        self.tour_on(failed, "hc_runtime_story_replay_tour")
        replay = failed.superseded_by_id or self.env["hc.message"].search(
            [("parent_id", "=", failed.id)]
        )
        self.assertEqual(self.run_message(replay), "done", replay.error_text)
        self.assertEqual(failed.superseded_by_id, replay)
        self.tour_on(failed, "hc_runtime_story_resolved_tour")
