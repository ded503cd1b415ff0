# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestMessageReplayTour(HttpCase):
    """Replay a dead message from the failed list; send a flow's test message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Tour replay partner",
                "code": "tour_partner",
                "base_url": "http://127.0.0.1:9",
                "auth_type": "none",
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": "Tour replay orders out",
                "code": "tour_out",
                "backend_id": cls.backend.id,
                "endpoint": "/api/orders",
                "test_payload": '{"order": "TOUR-TEST"}',
            }
        )
        cls.dead = cls.env["hc.message"].create(
            {
                "name": "TOUR-REPLAY-DEAD-1",
                "flow_id": cls.flow.id,
                "backend_id": cls.backend.id,
                "direction": "outbound",
                "state": "dead",
                "error_class": "technical",
                "error_text": "HTTP 503: partner down",
                "idempotency_key": "tour-key-1",
                "request_payload": base64.b64encode(b'{"order": "TOUR-1"}'),
            }
        )

    def test_replay_dead_message_from_failed_list(self):
        self.env.flush_all()
        self.start_tour(
            "/odoo/action-healthcare_integration_core.hc_message_action_failed",
            "hc_failed_message_replay_tour",
            login="admin",
        )
        replay = self.env["hc.message"].search([("parent_id", "=", self.dead.id)])
        self.assertEqual(len(replay), 1)
        self.assertEqual(replay.parent_relation, "replay")
        self.assertEqual(replay.state, "queued")
        self.assertEqual(replay.idempotency_key, "tour-key-1")
        self.assertEqual(replay._body(), b'{"order": "TOUR-1"}')
        self.assertEqual(self.dead.state, "dead")

    def test_send_test_message_from_flow(self):
        Message = self.env["hc.message"]
        before = Message.search([("flow_id", "=", self.flow.id)])
        self.env.flush_all()
        self.start_tour(
            "/odoo/action-healthcare_integration_core.hc_flow_action",
            "hc_flow_send_test_message_tour",
            login="admin",
        )
        sent = Message.search([("flow_id", "=", self.flow.id)]) - before
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.state, "queued")
        self.assertFalse(sent.parent_id)
        self.assertEqual(sent._body(), b'{"order": "TOUR-TEST"}')
