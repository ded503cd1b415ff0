# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from .common import ProcurementHttpCase


@tagged("post_install", "-at_install")
class TestProcurementTour(ProcurementHttpCase):
    """A buyer confirms an order in the browser and opens its messages."""

    def test_confirm_order_and_open_its_messages(self):
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.supplier_json.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.products["gloves"].id,
                            "product_qty": 20,
                            "price_unit": 8.75,
                        }
                    )
                ],
            }
        )
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-purchase.purchase_rfq/{order.id}",
            "hc_procurement_confirm_order_tour",
            login="admin",
        )
        self.assertEqual(order.state, "purchase")
        [message] = self.env["hc.message"].search(
            [("res_model", "=", "purchase.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(message.flow_id, self.flows[("json", "po_out")])
        self.assertEqual(message.idempotency_key, f"{order.name}/rev1")
        self.assertEqual(message.state, "queued")
