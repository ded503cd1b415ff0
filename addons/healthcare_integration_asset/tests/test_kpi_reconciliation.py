# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import AssetCase


@tagged("post_install", "-at_install")
class TestAssetOnboardingKpi(AssetCase):
    """Receipt to equipment registered in the EAM, once per equipment."""

    def test_onboarding_time_per_vendor(self):
        with self.jobs() as trap:
            receipt = self.receive(self.order(quantity=2).picking_ids, ["S-1", "S-2"])
            self.run_jobs(trap)
        self.env["hc.kpi.daily"]._compact()
        [row] = self.env["hc.kpi.daily"].search([("kpi", "=", "asset_onboarding")])
        self.assertEqual(row.count, 2)
        self.assertEqual(row.partner_id, receipt.partner_id.commercial_partner_id)
        self.assertGreaterEqual(row.total, 0)
        # a later change of an equipment is no new onboarding
        equipment = receipt.hc_equipment_ids[0]
        with self.jobs() as trap:
            equipment.location = "ICU bed 4"
            self.run_jobs(trap)
        self.assertEqual(equipment.hc_message_count, 2)
        self.assertEqual(row.count, 2)
