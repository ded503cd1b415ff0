# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import AssetCase


@tagged("post_install", "-at_install")
class TestReceiveCapitalItemTour(HttpCase, AssetCase):
    """A storekeeper receives a capital item and opens the new equipment."""

    def test_receive_a_pump_and_open_its_equipment(self):
        receipt = self.order(quantity=1).picking_ids
        move = receipt.move_ids
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": receipt.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_uom.id,
                "location_id": move.location_id.id,
                "location_dest_id": self.icu_store.id,
                "lot_name": "TOUR-SN-1",
                "quantity": 1,
            }
        )
        move.picked = True
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "hc_asset_receive_capital_item_tour",
            login="admin",
        )
        self.assertEqual(receipt.state, "done")
        equipment = receipt.hc_equipment_ids
        self.assertEqual(equipment.serial_no, "TOUR-SN-1")
        self.assertEqual(equipment.hc_asset_id.state, "draft")
