# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .common import RequisitionCase, requisition


class TestRequisitionPo(RequisitionCase):
    """Orders placed on the platform: RFQs linked to their requisition."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow_po = cls.flows["po_in"]
        cls.supplier = cls.env["res.partner"].create(
            {"name": "Test MedDistrib", "is_company": True, "vat": "DE811569869"}
        )

    def platform_order(self, **values):
        document = {
            "po_number": "EP-PO-1",
            "requisition_id": "REQ-T-1",
            "supplier": {"vat": "DE 811 569 869"},
            "lines": [
                {"line": 1, "quantity": 20, "unit_price": 8.5},
                {"line": 2, "quantity": 10, "unit_price": 14.0},
            ],
        }
        document.update(values)
        return document

    def test_platform_order_becomes_a_linked_rfq(self):
        request = self.receive_payload(self.flow_in, requisition())._linked_record()
        message = self.receive_payload(self.flow_po, self.platform_order())
        self.assertEqual(message.state, "done", message.error_text)
        order = message._linked_record()
        self.assertEqual(
            (order.state, order.partner_id, order.hc_platform_po_ref),
            ("draft", self.supplier, "EP-PO-1"),
        )
        self.assertEqual(order.order_line.mapped("price_unit"), [8.5, 14.0])
        self.assertEqual(
            order.order_line.purchase_request_lines, request.line_ids, "linked"
        )
        self.assertEqual(
            order.order_line[0].analytic_distribution,
            {str(self.cost_centre.id): 100.0},
        )
        self.assertEqual(request.state, "in_progress")
        last = self.sim.statuses("REQ-T-1")[-1]
        self.assertEqual(
            (last["status"], last["purchase_orders"][0]["po_number"]),
            ("ordered", order.name),
        )
        # a second copy changes nothing; a changed one is refused
        again = self.receive_payload(self.flow_po, self.platform_order(), key="again")
        self.assertEqual(again._linked_record(), order)
        self.assertEqual(len(request.line_ids.purchase_lines.order_id), 1)
        changed = self.platform_order()
        changed["lines"][0]["quantity"] = 25
        refused = self.receive_payload(self.flow_po, changed)
        self.assertEqual(refused.exception_kind, "order_changed")
        self.assertIn(order.name, refused.error_text)

    def test_the_requisition_must_be_approved_in_odoo(self):
        self.receive_payload(
            self.flow_in,
            requisition(
                lines=[
                    {"line": 1, "item": "T300001", "quantity": 2, "unit_price": 1450}
                ]
            ),
        )
        message = self.receive_payload(self.flow_po, self.platform_order())
        self.assertEqual(message.exception_kind, "requisition_not_approved")
        unknown = self.receive_payload(
            self.flow_po, self.platform_order(po_number="EP-PO-2", requisition_id="X")
        )
        self.assertEqual(unknown.exception_kind, "unknown_requisition")

    def test_unknown_supplier_replayed_once_mapped(self):
        self.receive_payload(self.flow_in, requisition())
        message = self.receive_payload(
            self.flow_po, self.platform_order(supplier={"code": "EP-SUP-9"})
        )
        self.assertEqual((message.state, message.exception_kind), ("dead", "mapping"))
        self.env["hc.crosswalk"].create(
            {
                "backend_id": self.backend.id,
                "domain": "supplier",
                "external_code": "EP-SUP-9",
                "record_ref": f"res.partner,{self.supplier.id}",
            }
        )
        with self.jobs() as trap:
            replay = message._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done", replay.error_text)
        self.assertEqual(replay._linked_record().partner_id, self.supplier)
