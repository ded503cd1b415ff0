# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from types import SimpleNamespace

from odoo.addons.healthcare_integration_requisition.tests.common import requisition

from .common import BudgetCase


def gloves(quantity, ref):
    return requisition(
        ref,
        lines=[{"line": 1, "item": "T100234", "quantity": quantity, "unit_price": 10}],
    )


class TestBudgetCheck(BudgetCase):
    """Requisitions against the cost centre's budget: commitments, holds."""

    def test_within_budget_then_held_then_approved_by_the_budget_holder(self):
        first = self.receive_payload(
            self.flow_in, gloves(60, "REQ-B-1")
        )._linked_record()
        self.assertEqual((first.state, first.hc_budget_held), ("approved", False))
        position = self.position()
        self.assertEqual(
            (position.budget, position.committed_requisitions, position.available),
            (1000.0, 600.0, 400.0),
        )
        # 500 more than the 400 left: held for the budget holder's tier
        second = self.receive_payload(
            self.flow_in, gloves(50, "REQ-B-2")
        )._linked_record()
        self.assertEqual((second.state, second.hc_budget_held), ("draft", True))
        self.assertIn(f"available {self.money(400)}", second.hc_budget_note)
        self.assertEqual(
            second.review_ids.definition_id,
            self.env.ref("healthcare_integration_budget.tier_definition_over_budget"),
        )
        self.assertTrue(
            second.activity_ids.filtered(lambda a: a.user_id == self.accountant)
        )
        [status] = self.sim.statuses("REQ-B-2")
        self.assertEqual(
            (status["status"], status["hold"]["reason"]), ("pending_approval", "budget")
        )
        self.decide(second, self.accountant, comment="Moved from the Q4 reserve")
        self.assertEqual(second.state, "approved")
        self.assertEqual(self.position().available, -100.0)
        self.assertNotIn("hold", self.sim.statuses("REQ-B-2")[-1])

    def test_commitments_move_from_requisition_to_order(self):
        request = self.receive_payload(
            self.flow_in, gloves(30, "REQ-B-3")
        )._linked_record()
        order = self.make_order(request)
        order.order_line.price_unit = 9.0
        self.assertEqual(
            self.position().committed_requisitions,
            300.0,
            "a draft RFQ leaves the requisition committed",
        )
        self.confirm(order)
        position = self.position()
        self.assertEqual(
            (position.committed_requisitions, position.committed_orders),
            (0.0, 270.0),
        )
        self.assertEqual(position.available, 730.0)

    def test_a_cost_centre_without_budget_is_not_controlled(self):
        request = self.receive_payload(
            self.flow_in, gloves(500, "REQ-B-4") | {"cost_centre": "TCC-4200"}
        )._linked_record()
        self.assertFalse(request.hc_budget_held)
        self.assertFalse(request.hc_budget_note)

    def test_a_page_is_checked_in_order_as_if_each_came_alone(self):
        page = SimpleNamespace(flow_id=self.flow_pull, backend_id=self.backend)
        result = self.env["hc.handler.requisition.in"].process_items(
            page,
            [gloves(60, "REQ-B-P1"), gloves(50, "REQ-B-P2"), gloves(30, "REQ-B-P3")],
        )
        self.assertEqual(result["created"], 3)
        first, second, third = (
            self.request_of(ref) for ref in ("REQ-B-P1", "REQ-B-P2", "REQ-B-P3")
        )
        self.assertEqual((first.state, first.hc_budget_held), ("approved", False))
        # 500 over the 400 the first one left: held, never dropped
        self.assertEqual((second.state, second.hc_budget_held), ("draft", True))
        self.assertIn(f"available {self.money(400)}", second.hc_budget_note)
        self.assertEqual(
            second.review_ids.definition_id,
            self.env.ref("healthcare_integration_budget.tier_definition_over_budget"),
        )
        # 300 fits in the 400 left beside the held one
        self.assertEqual((third.state, third.hc_budget_held), ("approved", False))
        self.assertEqual(self.position().available, 100.0)
