# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The asset story of readme/USAGE.md, clicked in the browser: three pumps
received, their equipment and draft assets, the EAM's asset ids."""

from odoo.tests import HttpCase, tagged

from .common import AssetCase

SERIALS = ("STORY-SN-1", "STORY-SN-2", "STORY-SN-3")


@tagged("post_install", "-at_install")
class TestAssetStoryTour(HttpCase, AssetCase):
    def run_queued(self):
        """Run the messages' queued jobs as their user (no job runner in tests)."""
        Message = self.env["hc.message"]
        for _round in range(5):
            self.env.flush_all()
            self.env.invalidate_all()
            queued = Message.search([("state", "in", ("queued", "retrying"))])
            if not queued:
                return
            for message in queued:
                job = self.env["queue.job"].search([("uuid", "=", message.job_uuid)])
                message.with_user(job.user_id)._run_job()

    def test_three_pumps_received_to_equipment_assets_and_the_eam(self):
        receipt = self.order(quantity=3).picking_ids
        # into the biomedical store, as the demo's capital equipment receipts;
        # the serial numbers are the storekeeper's (readme step 1: the tour)
        receipt.location_dest_id = self.icu_store
        receipt.move_ids.move_line_ids.unlink()
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "hc_asset_story_receive_tour",
            login="admin",
        )
        equipment = receipt.hc_equipment_ids
        self.assertEqual(sorted(equipment.mapped("serial_no")), list(SERIALS))
        self.assertEqual(set(equipment.hc_asset_id.mapped("state")), {"draft"})
        self.run_queued()  # the EAM gets each pump (readme step 2)
        pump = self.equipment("STORY-SN-1")
        self.assertTrue(pump.hc_eam_ref, "the EAM answered its asset id")
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-healthcare_integration_asset.hc_asset_equipment_action/{pump.id}",
            "hc_asset_story_eam_tour",
            login="admin",
        )
