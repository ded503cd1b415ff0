# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command

from .common import RequisitionCase, requisition


def pumps(quantity, ref="REQ-T-P"):
    return requisition(
        ref,
        lines=[
            {
                "line": 1,
                "item": "T300001",
                "quantity": quantity,
                "uom": "EA",
                "unit_price": 1450,
            }
        ],
    )


class TestRequisitionApproval(RequisitionCase):
    """Tiers by amount and company, decisions to the platform and the audit log."""

    def audit(self, request):
        return self.env["hc.audit.log"].search(
            [
                ("res_model", "=", "purchase.request"),
                ("res_id", "=", request.id),
                ("action", "like", "approval_%"),
            ],
            order="id",
        )

    def test_two_tiers_in_sequence_then_approved(self):
        request = self.receive_payload(self.flow_in, pumps(6))._linked_record()
        self.assertEqual(request.state, "draft")
        reviews = request.review_ids.sorted("sequence")
        self.assertEqual(
            reviews.definition_id.ids, [self.tier_head.id, self.tier_director.id]
        )
        self.assertTrue(request.with_user(self.head).can_review)
        self.assertFalse(
            request.with_user(self.director).can_review, "the head decides first"
        )
        self.assertEqual(self.statuses("REQ-T-P"), ["pending_approval"])
        self.decide(request, self.head)
        self.assertEqual(request.state, "draft")
        self.decide(request, self.director, comment="Within the capital plan")
        self.assertEqual(request.state, "approved")
        documents = self.sim.statuses("REQ-T-P")
        self.assertEqual(
            [doc["status"] for doc in documents],
            ["pending_approval", "pending_approval", "approved"],
            "each decision goes back once",
        )
        approvals = documents[-1]["approvals"]
        self.assertEqual(
            [(a["name"], a["status"], a["by"], a["comment"]) for a in approvals],
            [
                ("Department head", "approved", "Test department head", None),
                (
                    "Finance director",
                    "approved",
                    "Test finance director",
                    "Within the capital plan",
                ),
            ],
        )
        # each decision is in the audit chain: who, when, what and why
        entries = self.audit(request)
        self.assertEqual(
            [(e.action, e.user_id) for e in entries],
            [("approval_approved", self.head), ("approval_approved", self.director)],
        )
        why = json.loads(entries[-1].changes)
        self.assertEqual(
            (why["tier"], why["comment"], why["by"]),
            ("Finance director", "Within the capital plan", "Test finance director"),
        )
        self.assertTrue(why["at"])
        self.assertFalse(self.env["hc.audit.log"]._first_broken_entry())

    def test_rejected_by_a_tier(self):
        request = self.receive_payload(self.flow_in, pumps(2))._linked_record()
        self.assertEqual(request.review_ids.definition_id, self.tier_head)
        self.decide(request, self.head, approve=False)
        self.assertEqual(request.validation_status, "rejected")
        self.assertEqual(self.statuses("REQ-T-P"), ["pending_approval", "rejected"])
        [entry] = self.audit(request)
        self.assertEqual(
            (entry.action, entry.user_id), ("approval_rejected", self.head)
        )
        self.assertEqual(entry.action_label, "Approval tier rejected", "readable")
        self.assertEqual(entry.display_name, "Approval tier rejected")

    def test_thresholds_are_per_company(self):
        other = self.env["res.company"].create({"name": "Test Northside Clinic"})
        self.env["tier.definition"].create(
            {
                "name": "Clinic manager",
                "model_id": self.env.ref("purchase_request.model_purchase_request").id,
                "review_type": "individual",
                "reviewer_id": self.head.id,
                "definition_domain": "[('estimated_cost', '>=', 100)]",
                "company_id": other.id,
            }
        )
        request = self.receive_payload(self.flow_in, requisition())._linked_record()
        self.assertEqual(request.state, "approved", "317.00 is under this company's")
        clinic_request = self.env["purchase.request"].create(
            {
                "company_id": other.id,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.products["gloves"].id,
                            "product_qty": 20,
                            "estimated_cost": 175,
                        }
                    )
                ],
            }
        )
        self.assertTrue(clinic_request.need_validation, "but over the clinic's 100")

    def test_order_numbers_go_back_to_the_platform(self):
        request = self.receive_payload(self.flow_in, requisition())._linked_record()
        order = self.make_order(request, "Test MedDistrib")
        self.assertEqual(len(order), 1)
        self.confirm(order)
        documents = self.sim.statuses("REQ-T-1")
        self.assertEqual(
            [doc["status"] for doc in documents], ["approved", "ordered", "ordered"]
        )
        [ordered] = documents[-1]["purchase_orders"]
        self.assertEqual(
            (ordered["po_number"], ordered["state"], ordered["supplier"]),
            (order.name, "purchase", "Test MedDistrib"),
        )
        self.assertEqual(
            sorted((ln["line"], ln["quantity"]) for ln in ordered["lines"]),
            [(1, 20.0), (2, 10.0)],
        )
        # received (by a warehouse user, who cannot read requisitions): told too
        storekeeper = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Test storekeeper",
                    "login": "req.store",
                    "email": "req.store@hospital.example",
                    "groups_id": [(6, 0, self.env.ref("stock.group_stock_user").ids)],
                }
            )
        )
        picking = order.picking_ids.with_user(storekeeper)
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        with self.jobs() as trap:
            picking.button_validate()
            self.run_jobs(trap)
        [received] = self.sim.statuses("REQ-T-1")[-1]["purchase_orders"]
        self.assertEqual(
            sorted(
                (ln["line"], ln["received"], ln["invoiced"]) for ln in received["lines"]
            ),
            [(1, 20.0, 0.0), (2, 10.0, 0.0)],
        )
