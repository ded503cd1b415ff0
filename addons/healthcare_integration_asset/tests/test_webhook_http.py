# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from odoo.addons.healthcare_integration_core.tests.common import SimulatorMixin

from .common import load_asset_simulator


@tagged("post_install", "-at_install")
class TestWorkOrderWebhook(SimulatorMixin, HttpCase):
    """The EAM signed webhook over real HTTP, processed by the least-privileged user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        simulators = load_asset_simulator()
        cls.sim = simulators.EamSimulator(
            host="127.0.0.1", port=0, name="eam-http", webhook_secret="hook-secret"
        )
        cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        cls.simulators = simulators
        cls.env["hc.flow"].search([("domain", "=", "asset")]).active = False
        cls.backend = cls.env["hc.backend"].create(
            {
                "name": "EAM (http)",
                "code": "eam_http",
                "base_url": cls.sim.url,
                "auth_type": "none",
                "webhook_secret": "hook-secret",
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_asset.flow_type_work_order_in"
                ).id,
                "backend_id": cls.backend.id,
            }
        )
        cls.equipment = cls.env["maintenance.equipment"].create(
            {"name": "Defibrillator", "serial_no": "DEF-HTTP-1"}
        )

    def send(self, **kwargs):
        self.env.flush_all()
        return self.sim.send_event(
            "work_order",
            {"serial": "DEF-HTTP-1", "work_order_id": "WO-HTTP-1"},
            odoo_url=self.base_url(),
            backend_code="eam_http",
            **kwargs,
        )

    def test_signed_work_order_is_stored_then_processed_by_the_processor(self):
        status, body = self.send(idempotency_key="wo-http-1")
        self.assertEqual(status, 202, body)
        message = self.env["hc.message"].browse(body["id"])
        job = self.env["queue.job"].search([("uuid", "=", message.job_uuid)])
        self.assertEqual(job.user_id.login, "hc_integration_bot")
        message.with_user(job.user_id).with_company(message.company_id)._run_job()
        self.assertEqual(message.state, "done", message.error_text)
        request = message._linked_record()
        self.assertEqual(request.equipment_id, self.equipment)
        self.assertEqual(request.hc_eam_ref, "WO-HTTP-1")
        status, body = self.send(idempotency_key="wo-http-1")
        self.assertEqual((status, body.get("duplicate")), (200, True))

    def test_unsigned_work_order_is_refused(self):
        status, _body = self.send(secret="not-the-secret")
        self.assertEqual(status, 401)
        self.assertFalse(
            self.env["hc.message"].search([("flow_id", "=", self.flow.id)])
        )
