# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError

from .common import BudgetCase
from .test_budget_check import gloves


class TestBudgetOrder(BudgetCase):
    """Purchase orders against the cost centre's budget at confirmation."""

    def order(self, quantity, price=10.0):
        supplier = self.env["res.partner"].create(
            {"name": "Test budget supplier", "is_company": True}
        )
        return self.env["purchase.order"].create(
            {
                "partner_id": supplier.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.products["gloves"].id,
                            "product_qty": quantity,
                            "price_unit": price,
                            "analytic_distribution": {str(self.cost_centre.id): 100},
                        }
                    )
                ],
            }
        )

    def approve(self, order, user, reason):
        wizard = (
            self.env["hc.budget.override"]
            .with_user(user)
            .with_context(default_order_id=order.id)
            .create({"reason": reason})
        )
        return wizard.action_approve()

    def test_order_over_budget_held_until_a_budget_holder_approves_it(self):
        order = self.order(120)  # 1,200 on a budget of 1,000
        self.assertIn(
            f"order {self.money(1200)}, available {self.money(1000)}",
            order.hc_budget_problems,
        )
        with self.assertRaisesRegex(UserError, "held for budget"):
            order.button_confirm()
        self.assertEqual(order.state, "draft")
        with self.assertRaises(AccessError):
            self.approve(order, self.requester, "I need them")
        self.approve(order, self.accountant, "Emergency stock for the outbreak")
        [entry] = self.env["hc.audit.log"].search(
            [
                ("action", "=", "budget_override"),
                ("res_model", "=", "purchase.order"),
                ("res_id", "=", order.id),
            ]
        )
        self.assertEqual(entry.user_id, self.accountant)
        self.assertIn("Emergency stock for the outbreak", entry.changes)
        self.assertIn("1,000.00", entry.changes)
        self.assertFalse(self.env["hc.audit.log"]._first_broken_entry())
        # the approval covers the amount approved, not more
        order.order_line.product_qty = 130
        with self.assertRaisesRegex(UserError, "held for budget"):
            order.button_confirm()
        order.order_line.product_qty = 120
        self.confirm(order)
        self.assertEqual(order.state, "purchase")
        self.assertEqual(self.position().committed_orders, 1200.0)

    def test_order_within_budget_is_confirmed(self):
        order = self.order(90)
        self.assertFalse(order.hc_budget_problems)
        self.confirm(order)
        self.assertEqual(order.state, "purchase")
        self.assertEqual(self.position().available, 100.0)

    def test_order_made_from_an_approved_requisition_uses_what_it_releases(self):
        request = self.receive_payload(
            self.flow_in, gloves(70, "REQ-B-7")
        )._linked_record()
        self.assertEqual(self.position().available, 300.0)
        order = self.make_order(request)
        order.order_line.price_unit = 10.0
        self.assertFalse(order.hc_budget_problems, "its own 700 are released")
        self.confirm(order)
        position = self.position()
        self.assertEqual(
            (position.committed_requisitions, position.committed_orders),
            (0.0, 700.0),
        )
        # another order of 400 does not fit the 300 left
        self.assertIn(f"available {self.money(300)}", self.order(40).hc_budget_problems)
