# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestOpsDashboardTour(HttpCase):
    """The dashboard opens from the Integration app; a figure opens its list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "Tour ops partner",
                "code": "tour_ops",
                "base_url": "http://127.0.0.1:9",
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": "Tour ops orders out",
                "code": "tour_ops_out",
                "backend_id": cls.backend.id,
            }
        )
        for number in (1, 2):
            cls.env["hc.message"].create(
                {
                    "name": f"TOUR-OPS-DEAD-{number}",
                    "flow_id": cls.flow.id,
                    "backend_id": cls.backend.id,
                    "direction": "outbound",
                    "state": "dead",
                    "error_class": "technical",
                    "error_text": "HTTP 503",
                }
            )
        cls.env["hc.message"].create(
            {
                "name": "TOUR-OPS-DONE-1",
                "flow_id": cls.flow.id,
                "backend_id": cls.backend.id,
                "direction": "outbound",
                "state": "done",
            }
        )

    def test_dashboard_is_the_landing_page(self):
        root = self.env.ref("healthcare_integration_core.menu_hc_root")
        dashboard = self.env.ref("healthcare_integration_ops.hc_ops_dashboard_action")
        self.assertEqual(root.action, dashboard)
        self.assertEqual(
            root.child_id.sorted("sequence")[:1],
            self.env.ref("healthcare_integration_ops.menu_hc_ops_dashboard"),
        )

    def test_follow_a_figure_to_its_list(self):
        self.env.flush_all()
        self.start_tour(
            "/odoo/action-healthcare_integration_ops.hc_ops_dashboard_action",
            "hc_ops_dashboard_tour",
            login="admin",
        )
