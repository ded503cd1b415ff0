# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The EHR story of readme/USAGE.md, clicked in the browser."""

from odoo.tests import HttpCase, tagged

from .common import EhrFixtures, supply_request


@tagged("post_install", "-at_install")
class TestEhrTour(EhrFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ehr()

    def run_queued(self):
        """Run the messages' queued jobs as their user (no job runner in tests)."""
        Message = self.env["hc.message"]
        for _round in range(5):
            self.env.invalidate_all()
            queued = Message.search(
                [
                    ("state", "in", ("queued", "retrying")),
                    ("backend_id", "=", self.backend.id),
                ]
            )
            if not queued:
                return
            for message in queued:
                job = self.env["queue.job"].search([("uuid", "=", message.job_uuid)])
                message.with_user(job.user_id)._run_job()

    def test_supply_request_to_the_ward_and_an_item_to_map(self):
        self.stock(self.kit, 3)
        # the EHR sends a SupplyRequest for two hip kits to ward 3A (step 1)
        message = self.receive(supply_request(id="sr-tour"), key="sr-tour")
        self.assertEqual(message.state, "done", message.error_text)
        request = self.request_of("sr-tour")
        # and one for an item the crosswalk does not know (step 4)
        unknown = supply_request(id="sr-tour-knee")
        unknown["itemCodeableConcept"] = {"coding": [{"code": "KIT-KNEE-07"}]}
        failed = self.receive(unknown, key="sr-tour-knee")
        self.assertEqual((failed.state, failed.unmapped_codes), ("dead", "KIT-KNEE-07"))
        self.env.flush_all()
        self.start_tour(
            "/odoo/action-healthcare_integration_ehr.hc_ehr_supply_request_action",
            "hc_ehr_supply_tour",
            login="admin",
        )
        picking = request.picking_ids
        self.assertEqual(picking.state, "done")
        self.run_queued()
        [delivery] = self.env["hc.message"].search(
            [("flow_id", "=", self.flows["ehr.supply_delivery_out"].id)]
        )
        self.assertEqual(delivery.state, "done", delivery.error_text)
        puts = [r for r in self.sim.requests() if "/SupplyDelivery/" in r["path"]]
        self.assertTrue(puts, "the EHR received the SupplyDelivery")
        replay = failed.superseded_by_id
        self.assertEqual(failed.state, "done", "resolved by its replay")
        self.assertEqual(replay.state, "done", replay.error_text)
        self.assertEqual(self.request_of("sr-tour-knee").product_id, self.kit)
