# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError

from .common import BudgetCase
from .test_budget_check import gloves


class TestBudgetPlatformOrder(BudgetCase):
    """An order placed on the platform that Odoo holds for budget: the
    platform is told it is held, and why, until a budget holder releases it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier = cls.env["res.partner"].create(
            {
                "name": "Test budget distributor",
                "is_company": True,
                "vat": "DE811569869",
            }
        )

    def platform_order(self, price):
        return {
            "po_number": "EP-PO-B-1",
            "requisition_id": "REQ-B-9",
            "supplier": {"vat": "DE811569869"},
            "lines": [{"line": 1, "quantity": 70, "unit_price": price}],
        }

    def test_platform_order_over_budget_held_then_ordered_once_released(self):
        # 700 approved on a budget of 1,000; the platform orders them at 20
        # (1,400: the 700 it releases and the 300 left are not enough)
        request = self.receive_payload(
            self.flow_in, gloves(70, "REQ-B-9")
        )._linked_record()
        self.assertEqual(request.state, "approved")
        message = self.receive_payload(self.flows["po_in"], self.platform_order(20))
        self.assertEqual(message.state, "done", message.error_text)
        order = message._linked_record()
        self.assertEqual(request.state, "in_progress")
        last = self.sim.statuses("REQ-B-9")[-1]
        self.assertEqual(last["status"], "held", "not ordered: held for budget")
        self.assertEqual(last["hold"]["reason"], "budget")
        self.assertIn(
            f"order {self.money(1400)}, available {self.money(1000)}",
            last["hold"]["detail"],
        )
        [entry] = last["purchase_orders"]
        self.assertEqual((entry["po_number"], entry["state"]), (order.name, "draft"))
        self.assertIn(f"available {self.money(1000)}", entry["hold"]["detail"])
        with self.assertRaisesRegex(UserError, "held for budget"):
            order.button_confirm()
        # a budget holder releases it: ordered, then confirmed
        with self.jobs() as trap:
            self.env["hc.budget.override"].with_user(self.accountant).with_context(
                default_order_id=order.id
            ).create({"reason": "Outbreak stock"}).action_approve()
            self.run_jobs(trap)
        last = self.sim.statuses("REQ-B-9")[-1]
        self.assertEqual(last["status"], "ordered")
        self.assertNotIn("hold", last)
        self.assertNotIn("hold", last["purchase_orders"][0])
        self.confirm(order)
        last = self.sim.statuses("REQ-B-9")[-1]
        self.assertEqual(
            (last["status"], last["purchase_orders"][0]["state"]),
            ("ordered", "purchase"),
        )

    def test_platform_order_within_budget_is_ordered(self):
        self.receive_payload(self.flow_in, gloves(70, "REQ-B-9"))
        message = self.receive_payload(self.flows["po_in"], self.platform_order(10))
        self.assertEqual(message.state, "done", message.error_text)
        last = self.sim.statuses("REQ-B-9")[-1]
        self.assertEqual(last["status"], "ordered")
        self.assertNotIn("hold", last["purchase_orders"][0])
