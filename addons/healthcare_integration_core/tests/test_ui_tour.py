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

    def test_business_exception_mapped_and_replayed_from_its_form(self):
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_core.flow_type_crosswalk_check"
                ).id,
                "name": "Tour codes in",
                "code": "tour_codes_in",
                "backend_id": self.backend.id,
            }
        )
        message = self.env["hc.message"].create(
            {
                "name": "TOUR-MAP-1",
                "flow_id": flow.id,
                "backend_id": self.backend.id,
                "direction": "inbound",
                "state": "dead",
                "error_class": "business",
                "exception_kind": "mapping",
                "error_text": "No crosswalk for CC-9 and BX.",
                "unmapped_domain": "cost_center",
                "unmapped_codes": "CC-9, BX",
                "unmapped_entries": [["cost_center", "CC-9"], ["uom", "BX"]],
                "request_payload": base64.b64encode(b'{"codes": []}'),
            }
        )
        self.env.flush_all()
        self.start_tour(
            "/odoo/action-healthcare_integration_core.hc_message_action_failed",
            "hc_business_exception_mapping_tour",
            login="admin",
        )
        entries = self.env["hc.crosswalk"].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(
            sorted((e.domain, e.external_code, e.odoo_value) for e in entries),
            [("cost_center", "CC-9", "Ward 9"), ("uom", "BX", "Box of 10")],
        )
        replay = self.env["hc.message"].search([("parent_id", "=", message.id)])
        self.assertEqual((replay.parent_relation, replay.state), ("replay", "queued"))

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
