# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from .common import BudgetHttpCase


@tagged("post_install", "-at_install")
class TestBudgetTour(BudgetHttpCase):
    """An order over budget in the browser: held, approved with a reason by
    the budget holder, confirmed; the approval in the audit chain."""

    def test_order_over_budget_approved_in_the_browser(self):
        supplier = self.env["res.partner"].create(
            {"name": "Test tour supplier", "is_company": True}
        )
        order = self.env["purchase.order"].create(
            {
                "partner_id": supplier.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.products["gloves"].id,
                            "product_qty": 150,
                            "price_unit": 10.0,
                            "analytic_distribution": {str(self.cost_centre.id): 100},
                        }
                    )
                ],
            }
        )
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-purchase.purchase_rfq/{order.id}",
            "hc_budget_order_tour",
            login="admin",
        )
        self.assertEqual(order.state, "purchase")
        admin = self.env.ref("base.user_admin")
        self.assertEqual(order.hc_budget_approved_by_id, admin)
        entry = self.env["hc.audit.log"].search(
            [
                ("action", "=", "budget_override"),
                ("res_model", "=", "purchase.order"),
                ("res_id", "=", order.id),
            ]
        )
        self.assertEqual(entry.user_id, admin)
        self.assertIn("Outbreak stock for Ward 4", entry.changes)
