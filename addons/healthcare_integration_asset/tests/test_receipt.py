# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import ValidationError

from .common import AssetCase

SERIALS = ["VIP-0001", "VIP-0002", "VIP-0003"]


class TestReceipt(AssetCase):
    """Capital items received: one equipment and one draft asset per serial."""

    def test_three_serials_make_three_equipment_and_draft_assets(self):
        order = self.order(quantity=3, price=1000.0)
        receipt = self.receive(order.picking_ids, SERIALS)
        equipments = receipt.hc_equipment_ids
        self.assertEqual(sorted(equipments.mapped("serial_no")), SERIALS)
        line = order.order_line
        today = fields.Date.context_today(receipt)
        for equipment in equipments:
            self.assertRecordValues(
                equipment,
                [
                    {
                        "name": "Volumetric infusion pump",
                        "model": "VIP-200 Plus",
                        "partner_id": self.vendor.id,
                        "partner_ref": "IS-VIP200",
                        "hc_purchase_id": order.id,
                        "hc_purchase_line_id": line.id,
                        "hc_receipt_id": receipt.id,
                        "hc_product_id": self.product.id,
                        # 1000 EUR at 0.5 EUR per USD
                        "cost": 2000.0,
                        # the vendor's 24 months, not the category's 12
                        "warranty_date": today + relativedelta(months=24),
                        "location": self.icu_store.complete_name,
                        "department_id": self.department.id,
                        "hc_cost_center_id": self.icu.id,
                        "category_id": self.equipment_category.id,
                        "technician_user_id": self.biomed.id,
                    }
                ],
            )
            self.assertEqual(equipment.hc_lot_id.name, equipment.serial_no)
            asset = equipment.hc_asset_id
            self.assertRecordValues(
                asset,
                [
                    {
                        "state": "draft",
                        "profile_id": self.profile.id,
                        "purchase_value": 2000.0,
                        "partner_id": self.vendor.id,
                        "hc_equipment_id": equipment.id,
                        "hc_purchase_line_id": line.id,
                        "company_id": self.company.id,
                    }
                ],
            )
            self.assertEqual(asset.analytic_distribution, {str(self.icu.id): 100})
            self.assertEqual(equipment.hc_book_value, 2000.0)
        self.assertEqual(line.hc_asset_ids, equipments.hc_asset_id)
        self.assertEqual(order.hc_equipment_count, 3)
        self.assertEqual(receipt.hc_equipment_count, 3)

    def test_validating_again_and_backorders_never_duplicate(self):
        order = self.order(quantity=3)
        receipt = self.receive(order.picking_ids, SERIALS[:2], backorder=True)
        backorder = order.picking_ids - receipt
        self.assertEqual(len(receipt.hc_equipment_ids), 2)
        receipt.action_hc_create_equipment()
        receipt._hc_sync_capital_equipment()
        self.assertEqual(len(order.order_line.hc_equipment_ids), 2)
        self.receive(backorder, SERIALS[2:])
        (receipt | backorder).action_hc_create_equipment()
        equipments = order.order_line.hc_equipment_ids
        self.assertEqual(sorted(equipments.mapped("serial_no")), SERIALS)
        self.assertEqual(len(order.order_line.hc_asset_ids), 3)
        self.assertEqual(backorder.hc_equipment_ids.serial_no, SERIALS[2])

    def test_return_cancels_the_draft_asset_and_archives_the_equipment(self):
        order = self.order(quantity=3)
        receipt = self.receive(order.picking_ids, SERIALS)
        returned = self.return_serials(receipt, SERIALS[:1])
        self.assertEqual(returned.state, "done")
        gone = self.equipment(SERIALS[0])
        self.assertFalse(gone.active)
        self.assertTrue(gone.hc_returned)
        asset = gone.hc_asset_id.with_context(active_test=False)
        self.assertEqual(asset.state, "draft")
        self.assertFalse(asset.active, "the draft asset is cancelled")
        self.assertIn(returned.name, asset.message_ids[:1].body)
        self.assertIn(returned.name, gone.message_ids[:1].body)
        self.assertEqual(gone.hc_book_value, 0.0)
        kept = self.equipment(SERIALS[1]) | self.equipment(SERIALS[2])
        self.assertTrue(all(kept.mapped("active")))
        self.assertEqual(set(kept.hc_asset_id.mapped("active")), {True})
        # creating the receipt's equipment again does not bring it back
        receipt.action_hc_create_equipment()
        self.assertFalse(self.equipment(SERIALS[0]).active)

    def test_capital_products_are_tracked_by_serial(self):
        with self.assertRaisesRegex(ValidationError, "unique serial number"):
            self.env["product.product"].create(
                {
                    "name": "Untracked monitor",
                    "type": "consu",
                    "is_storable": True,
                    "categ_id": self.category.id,
                }
            )

    def test_vendor_bill_of_received_equipment_creates_no_second_asset(self):
        self.profile.account_asset_id.asset_profile_id = self.profile
        self.product.property_account_expense_id = self.account_asset
        order = self.order(quantity=1)
        self.receive(order.picking_ids, SERIALS[:1])
        order.action_create_invoice()
        bill = order.invoice_ids
        bill.invoice_date = fields.Date.today()
        bill.action_post()
        self.assertEqual(
            self.env["account.asset"].search_count(
                [("profile_id", "=", self.profile.id)]
            ),
            1,
        )
