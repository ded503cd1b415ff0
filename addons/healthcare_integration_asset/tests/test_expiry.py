# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields

from .common import AssetCase

ACTIVITY_TYPE = "healthcare_integration_asset.mail_activity_type_hc_expiry"


class TestExpiry(AssetCase):
    """The biomedical owner hears of warranties and contracts ending, once."""

    def activities(self, equipment):
        return equipment.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ACTIVITY_TYPE)
        )

    def test_warranty_and_contract_ending_within_the_notice_get_one_activity(self):
        self.company.hc_asset_expiry_notice_days = 45
        today = fields.Date.today()
        receipt = self.receive(self.order(quantity=2).picking_ids, ["EX-1", "EX-2"])
        soon, later = receipt.hc_equipment_ids.sorted("serial_no")
        soon.warranty_date = today + timedelta(days=30)
        later.warranty_date = today + timedelta(days=90)
        contract = self.env["hc.asset.service.contract"].create(
            {
                "name": "SC-77",
                "equipment_id": later.id,
                "partner_id": self.vendor.id,
                "date_start": today - timedelta(days=300),
                "date_end": today + timedelta(days=10),
                "yearly_cost": 900.0,
            }
        )
        self.assertEqual(
            self.env["maintenance.equipment"].search(
                [("hc_expiring_soon", "=", True), ("id", "in", (soon | later).ids)]
            ),
            soon | later,
        )
        self.assertTrue(contract.expiring_soon)
        self.env["hc.asset.expiry"]._cron_notify()
        [warranty] = self.activities(soon)
        self.assertEqual(warranty.user_id, self.biomed)
        self.assertEqual(warranty.date_deadline, soon.warranty_date)
        self.assertIn("Warranty ends", warranty.summary)
        [ending] = self.activities(later)
        self.assertIn("SC-77", ending.summary)
        # the next day's check announces nothing again, even once done
        warranty.action_feedback(feedback="Extended warranty quoted")
        self.env["hc.asset.expiry"]._cron_notify()
        self.assertFalse(self.activities(soon))
        self.assertEqual(len(self.activities(later)), 1)
        # an extension is a new end date: announced when it comes near
        soon.warranty_date = today + timedelta(days=40)
        self.env["hc.asset.expiry"]._cron_notify()
        self.assertEqual(len(self.activities(soon)), 1)
