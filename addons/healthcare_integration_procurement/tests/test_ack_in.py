# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime as dt

from .common import ProcurementCase

# the lines of the X12 855 sample: line, product, qty, price
SAMPLE_LINES = [
    ("gloves", 20, 8.75),
    ("syringe", 15, 14.20),
    ("iv_set", 4, 212.16),
    ("mask", 30, 6.40),
    ("alcohol_pads", 12, 3.95),
    ("gauze", 25, 5.10),
]


class TestAckIn(ProcurementCase):
    """Acknowledgements: accepted, backordered, rejected, changed, substituted."""

    def ack_855(self, order):
        return self.receive_payload(
            self.flow("x12", "ack_in_x12"),
            self.data("855_po_ack.edi", **{"{PO}": order.name}),
        )

    def test_855_with_every_kind_of_line_waits_for_the_substitution(self):
        order = self.order(self.supplier_x12, SAMPLE_LINES)
        receipt = order.picking_ids
        message = self.ack_855(order)
        # the substitution (line 4) holds the whole acknowledgement
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "substitution")
        )
        self.assertIn("NBM-5003X", message.error_text)
        self.assertEqual(order.order_line.mapped("hc_ack_state"), [False] * 6)
        self.assertEqual(self.line(order, 3).product_qty, 4, "nothing applied yet")
        [offer] = order.hc_substitution_ids
        self.assertEqual(
            (offer.state, offer.line_number, offer.offered_code, offer.quantity),
            ("pending", 4, "NBM-5003X", 30),
        )
        self.assertEqual(offer.offered_product_id, self.products["mask_fr"])
        self.assertTrue(
            order.activity_ids.filtered(
                lambda a: a.user_id == self.owner and "NBM-5003X" in str(a.note)
            ),
            "the buyer is told, with both items",
        )
        # the buyer accepts: the acknowledgement is replayed and applied
        with self.jobs() as trap:
            offer.action_accept()
            self.run_jobs(trap)
        replay = message.superseded_by_id
        self.assertEqual(replay.state, "done", replay.error_text)
        self.assertEqual(order.hc_transmission_state, "acknowledged")
        self.assertEqual(order.hc_ack_reference, "SO-778201")
        states = {n: self.line(order, n).hc_ack_state for n in range(1, 7)}
        self.assertEqual(
            states,
            {
                1: "accepted",
                2: "backordered",
                3: "rejected",
                4: "substituted",
                5: "changed",
                6: "accepted",
            },
        )
        # line 2: 10 confirmed for 03-13 in the receipt, 5 on a backorder for 03-22
        line2 = self.line(order, 2)
        self.assertEqual(line2.product_qty, 15)
        main = line2.move_ids.filtered(lambda m: not m.hc_ack_backorder)
        backorder = line2.move_ids.filtered("hc_ack_backorder")
        self.assertEqual((main.product_uom_qty, backorder.product_uom_qty), (10, 5))
        self.assertEqual(main.picking_id, receipt)
        self.assertEqual(backorder.picking_id.backorder_id, receipt)
        self.assertEqual(backorder.date.date(), dt.date(2024, 3, 22))
        self.assertEqual(line2.hc_backorder_date, dt.date(2024, 3, 22))
        # line 3 rejected: nothing left to receive
        self.assertEqual(self.line(order, 3).product_qty, 0)
        self.assertFalse(
            sum(
                self.line(order, 3)
                .move_ids.filtered(lambda m: m.state != "cancel")
                .mapped("product_uom_qty")
            )
        )
        # line 4 substituted by a new line 7 for the fluid-resistant mask
        self.assertEqual(self.line(order, 4).product_qty, 0)
        substitute = self.line(order, 7)
        self.assertEqual(substitute.product_id, self.products["mask_fr"])
        self.assertEqual(substitute.product_qty, 30)
        self.assertEqual(substitute.hc_substitute_for_id, self.line(order, 4))
        self.assertTrue(substitute.move_ids)
        # line 5 quantity changed to 10, line 6 rescheduled to 03-26
        self.assertEqual(self.line(order, 5).product_qty, 10)
        self.assertEqual(self.line(order, 6).hc_confirmed_date, dt.date(2024, 3, 26))
        self.assertEqual(self.line(order, 6).date_planned.date(), dt.date(2024, 3, 26))
        # the same acknowledgement sent again changes nothing
        again = self.receive_payload(
            self.flow("x12", "ack_in_x12"),
            self.data("855_po_ack.edi", **{"{PO}": order.name}),
            key="855-resent",
        )
        self.assertEqual(again.state, "done", again.error_text)
        self.assertEqual(len(line2.move_ids.filtered("hc_ack_backorder")), 1)
        self.assertEqual(len(order.order_line.filtered("hc_substitute_for_id")), 1)

    def test_refused_substitution_reduces_the_line(self):
        order = self.order(self.supplier_x12, SAMPLE_LINES)
        message = self.ack_855(order)
        order.hc_substitution_ids.decision_note = "Ward wants the FFP2 masks only"
        with self.jobs() as trap:
            order.hc_substitution_ids.action_refuse()
            self.run_jobs(trap)
        [entry] = self.env["hc.audit.log"].search(
            [
                ("action", "=", "substitution_refused"),
                ("res_model", "=", "hc.procurement.substitution"),
                ("res_id", "=", order.hc_substitution_ids.id),
            ]
        )
        self.assertIn("Ward wants the FFP2 masks only", entry.changes)
        self.assertIn(order.name, entry.changes)
        replay = message.child_ids.filtered(lambda m: m.parent_relation == "replay")
        self.assertEqual(replay.state, "done", replay.error_text)
        self.assertEqual(message.superseded_by_id, replay)
        self.assertEqual(self.line(order, 4).product_qty, 0)
        self.assertEqual(self.line(order, 4).hc_ack_state, "rejected")
        self.assertFalse(order.order_line.filtered("hc_substitute_for_id"))

    def test_json_ack_unknown_and_cancelled_orders(self):
        flow = self.flow("json", "ack_in")
        ack = {
            "po_number": "P-NOPE",
            "lines": [
                {
                    "line_number": 1,
                    "item": "NBG-4402M",
                    "status": "accepted",
                    "quantity": 1,
                }
            ],
        }
        message = self.receive_payload(flow, ack)
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "unknown_order")
        )
        order = self.order(self.supplier_json, SAMPLE_LINES[:1])
        order.button_cancel()
        message = self.receive_payload(flow, dict(ack, po_number=order.name))
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "cancelled_order")
        )
        # an order of another supplier is unknown to this backend
        other = self.order(self.supplier_x12, SAMPLE_LINES[:1])
        message = self.receive_payload(flow, dict(ack, po_number=other.name))
        self.assertEqual(message.exception_kind, "unknown_order")

    def test_json_ack_lines_by_number_and_item(self):
        flow = self.flow("json", "ack_in")
        order = self.order(self.supplier_json, SAMPLE_LINES[:2])
        wrong = {
            "po_number": order.name,
            "lines": [
                {
                    "line_number": 1,
                    "item": "NBS-1010LL",
                    "status": "accepted",
                    "quantity": 20,
                }
            ],
        }
        message = self.receive_payload(flow, wrong)
        self.assertEqual(message.exception_kind, "line_mismatch")
        good = {
            "po_number": order.name,
            "supplier_order_ref": "MD-SO-1",
            "lines": [
                {
                    "line_number": 1,
                    "item": "NBG-4402M",
                    "status": "accepted",
                    "quantity": 20,
                    "date": "2026-05-04",
                },
                {
                    "line_number": 2,
                    "gtin": "2000000000022",
                    "acks": [
                        {"status": "changed", "quantity": 12, "date": "2026-05-06"}
                    ],
                },
            ],
        }
        message = self.receive_payload(flow, good)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(message._linked_record(), order)
        self.assertEqual(self.line(order, 2).product_qty, 12)
        self.assertEqual(order.partner_ref, "MD-SO-1")
        over = {
            "po_number": order.name,
            "lines": [
                {
                    "line_number": 1,
                    "item": "NBG-4402M",
                    "status": "accepted",
                    "quantity": 25,
                }
            ],
        }
        message = self.receive_payload(flow, over)
        self.assertEqual(message.exception_kind, "over_confirmed")

    def test_ubl_order_response(self):
        order = self.order(
            self.supplier_json,
            [("gloves", 20, 8.75), ("syringe", 10, 14.2), ("mask", 5, 6.4)],
        )
        message = self.receive_payload(
            self.flow("json", "ack_in_ubl"),
            self.data("ubl_order_response.xml", **{"{PO}": order.name}),
        )
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(
            [self.line(order, n).hc_ack_state for n in (1, 2, 3)],
            ["accepted", "changed", "rejected"],
        )
        self.assertEqual(self.line(order, 2).product_qty, 8)
        self.assertEqual(self.line(order, 1).hc_confirmed_date, dt.date(2026, 3, 16))
        self.assertEqual(order.hc_ack_reference, "SO-9931")

    def test_bad_document_is_a_validation_failure(self):
        message = self.receive_payload(self.flow("json", "ack_in"), {"lines": []})
        self.assertEqual((message.state, message.error_class), ("dead", "validation"))

    def test_a_buyer_without_integration_rights_confirms_and_decides(self):
        buyer = self.env["res.users"].create(
            {
                "name": "Buyer",
                "login": "hc_buyer_test",
                "email": "buyer@hospital.example",
                "groups_id": [
                    (6, 0, [self.env.ref("purchase.group_purchase_user").id])
                ],
            }
        )
        order = self.order(self.supplier_x12, SAMPLE_LINES, confirm=False)
        order.user_id = buyer
        with self.jobs() as trap:
            order.with_user(buyer).button_confirm()
            self.run_jobs(trap)
        self.assertEqual(order.hc_transmission_state, "sent")
        message = self.ack_855(order)
        offer = order.hc_substitution_ids
        self.assertEqual(offer.user_id, buyer)
        self.assertTrue(order.activity_ids.filtered(lambda a: a.user_id == buyer))
        with self.jobs() as trap:
            offer.with_user(buyer).action_accept()
            self.run_jobs(trap)
        self.assertEqual(message.superseded_by_id.state, "done")
        self.assertEqual(offer.decided_by_id, buyer)
