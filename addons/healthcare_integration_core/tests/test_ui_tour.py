# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestMessageTours(HttpCase):
    """What integration staff do in the browser, in Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Tour partner",
                "code": "tour_partner",
                "base_url": "http://127.0.0.1:9",
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "name": "Tour orders out",
                "code": "tour_out",
                "backend_id": cls.backend.id,
                "direction": "outbound",
                "endpoint": "/api/orders",
                "test_payload": '{"order": "TOUR-1"}',
            }
        )

    def test_replay_a_dead_message(self):
        dead = self.env["hc.message"].create(
            {
                "name": "TOUR-DEAD-1",
                "flow_id": self.flow.id,
                "backend_id": self.backend.id,
                "direction": "outbound",
                "state": "dead",
                "error_class": "technical",
                "error_text": "HTTP 503: partner down",
                "idempotency_key": "tour-1",
                "request_payload": self.env["hc.message"]._b64(b'{"order": "TOUR-1"}'),
            }
        )
        self.env.flush_all()
        self.start_tour("/odoo", "hc_message_replay_tour", login="admin")
        replay = self.env["hc.message"].search([("parent_id", "=", dead.id)])
        self.assertEqual(replay.parent_relation, "replay")
        self.assertEqual(replay.state, "queued")
        self.assertEqual(replay.idempotency_key, "tour-1")

    def test_send_a_test_message(self):
        self.env.flush_all()
        self.start_tour("/odoo", "hc_flow_test_message_tour", login="admin")
        message = self.env["hc.message"].search([("flow_id", "=", self.flow.id)])
        self.assertEqual(len(message), 1)
        self.assertEqual(message._body(), b'{"order": "TOUR-1"}')
