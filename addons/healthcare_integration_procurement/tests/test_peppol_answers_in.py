# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime as dt

from odoo.addons.healthcare_integration_core.tests.common import (
    load_simulator_module,
)

from .peppol import PeppolCase

LINES = [("gloves", 20, 8.75), ("syringe", 15, 14.20), ("mask", 30, 6.40)]


class TestPeppolAnswersIn(PeppolCase):
    """The supplier's Order Response (every response and line code) and
    Despatch Advice, built by the Peppol supplier simulator from the order the
    product sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.peppol = load_simulator_module("procurement_peppol.py")

    def sent_order(self, lines=None):
        order = self.order(self.supplier_json, lines or LINES)
        return order, self.sim.requests(path="/ubl/orders")[-1]["body"].encode()

    def respond(self, sent, code, lines=(), **kwargs):
        return self.receive_payload(
            self.flow("json", "ack_in_ubl"),
            self.peppol.order_response(sent, code, lines, **kwargs),
        )

    def open_quantities(self, order):
        moves = order.order_line.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
        )
        return sum(moves.mapped("product_uom_qty"))

    # ------------------------------------------------------------------ T76

    def test_accepted_without_lines_accepts_every_line(self):
        order, sent = self.sent_order()
        message = self.respond(sent, "AP")
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(order.hc_transmission_state, "acknowledged")
        self.assertEqual(set(order.order_line.mapped("hc_ack_state")), {"accepted"})
        self.assertEqual(order.order_line.mapped("product_qty"), [20, 15, 30])
        self.assertEqual(order.hc_ack_reference, f"SO-{order.name}")
        self.assertFalse(order.activity_ids, "nothing for the buyer to do")

    def test_rejected_without_lines_rejects_the_order(self):
        order, sent = self.sent_order()
        message = self.respond(sent, "RE")
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(order.hc_transmission_state, "rejected")
        self.assertEqual(set(order.order_line.mapped("hc_ack_state")), {"rejected"})
        self.assertEqual(self.open_quantities(order), 0, "nothing to receive")
        [activity] = order.activity_ids
        self.assertIn("rejected", activity.summary)
        self.assertEqual(activity.user_id, self.owner)

    def test_accepted_with_changes_line_by_line(self):
        order, sent = self.sent_order()
        message = self.respond(
            sent,
            "CA",
            [
                # accepted without a quantity: as ordered
                {"line": "1", "status": "5"},
                # quantity, delivery date and price changed
                {
                    "line": "2",
                    "status": "3",
                    "quantity": 10,
                    "date": dt.date(2026, 3, 18),
                    "price": 14.90,
                },
                {"line": "3", "status": "7"},
            ],
        )
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(
            [self.line(order, n).hc_ack_state for n in (1, 2, 3)],
            ["accepted", "changed", "rejected"],
        )
        self.assertEqual(self.line(order, 1).product_qty, 20)
        self.assertEqual(self.line(order, 2).product_qty, 10)
        self.assertEqual(self.line(order, 2).price_unit, 14.90)
        self.assertEqual(self.line(order, 2).hc_confirmed_date, dt.date(2026, 3, 18))
        self.assertEqual(self.line(order, 3).product_qty, 0)
        self.assertEqual(order.hc_transmission_state, "acknowledged")
        self.assertTrue(order.activity_ids, "the buyer reviews the changes")

    def test_changed_delivery_date_keeps_the_quantity(self):
        order, sent = self.sent_order(LINES[:1])
        self.respond(
            sent,
            "CA",
            [{"line": "1", "status": "3", "date": dt.date(2026, 4, 2)}],
        )
        line = self.line(order, 1)
        self.assertEqual((line.hc_ack_state, line.product_qty), ("changed", 20))
        self.assertEqual(line.date_planned.date(), dt.date(2026, 4, 2))

    def test_substitution_waits_for_the_buyer(self):
        order, sent = self.sent_order(LINES[2:])
        message = self.respond(
            sent,
            "CA",
            [
                {
                    "line": "1",
                    "status": "3",
                    "quantity": 30,
                    "substitute": {"code": "NBM-5003X", "name": "Mask FR"},
                }
            ],
        )
        self.assertEqual(message.exception_kind, "substitution")
        self.assertEqual(order.hc_substitution_ids.offered_code, "NBM-5003X")

    def test_response_of_another_supplier_is_refused(self):
        order, sent = self.sent_order(LINES[:1])
        forged = sent.replace(b"5400000000003", b"5400000000010")
        message = self.respond(forged, "AP")
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "unknown_order")
        )
        self.assertIn("5400000000010", message.error_text)
        self.assertFalse(
            any(order.order_line.mapped("hc_ack_state")), "nothing applied"
        )

    def test_unknown_response_code_is_a_validation_failure(self):
        order, sent = self.sent_order(LINES[:1])
        message = self.respond(sent, "ZZ")
        self.assertEqual((message.state, message.error_class), ("dead", "validation"))
        self.assertIn("OrderResponseCode", message.error_text)
        self.assertFalse(any(order.order_line.mapped("hc_ack_state")))

    # ------------------------------------------------------------------ T16

    def test_despatch_advice_keeps_serial_lot_and_dates_together(self):
        order, sent = self.sent_order([("pump", 2, 1450.0), ("gauze", 25, 5.10)])
        advice = self.peppol.despatch_advice(
            sent,
            "DESP-77",
            [
                {
                    "line": "1",
                    "quantity": 2,
                    "serials": ["NBP3K-1", "NBP3K-2"],
                    "lot": "PUMP-LOT-9",
                    "expiry": dt.date(2031, 1, 31),
                    "manufactured": dt.date(2026, 1, 15),
                },
                {
                    "line": "2",
                    "quantity": 25,
                    "lot": "GZ-2603",
                    "expiry": dt.date(2028, 3, 31),
                    "manufactured": dt.date(2026, 3, 1),
                },
            ],
        )
        message = self.receive_payload(self.flow("json", "asn_in_ubl"), advice)
        self.assertEqual(message.state, "done", message.error_text)
        pumps = self.line(order, 1).move_ids.move_line_ids
        self.assertEqual(
            sorted(
                (ml.lot_name, ml.hc_supplier_lot, ml.hc_manufacture_date)
                for ml in pumps
            ),
            [
                ("NBP3K-1", "PUMP-LOT-9", dt.date(2026, 1, 15)),
                ("NBP3K-2", "PUMP-LOT-9", dt.date(2026, 1, 15)),
            ],
        )
        [gauze] = self.line(order, 2).move_ids.move_line_ids
        self.assertEqual((gauze.lot_name, gauze.quantity), ("GZ-2603", 25))
        self.assertEqual(gauze.expiration_date.date(), dt.date(2028, 3, 31))
        self.assertEqual(gauze.hc_manufacture_date, dt.date(2026, 3, 1))
        # validated, the receipt's serial numbers keep the supplier's lot
        receipt = pumps.picking_id
        receipt.button_validate()
        self.assertEqual(set(pumps.lot_id.mapped("hc_supplier_lot")), {"PUMP-LOT-9"})
        self.assertEqual(gauze.lot_id.hc_manufacture_date, dt.date(2026, 3, 1))

    def test_despatch_advice_tells_what_is_still_to_come(self):
        order, sent = self.sent_order(LINES[:2])
        advice = self.peppol.despatch_advice(
            sent,
            "DESP-79",
            [
                {
                    "line": "1",
                    "quantity": 15,
                    "outstanding": 5,
                    "outstanding_reason": "Backordered, ships on 20 March",
                },
                {"line": "2", "quantity": 15, "outstanding": 0},
            ],
        )
        message = self.receive_payload(self.flow("json", "asn_in_ubl"), advice)
        self.assertEqual(message.state, "done", message.error_text)
        gloves, syringes = self.line(order, 1), self.line(order, 2)
        self.assertEqual(
            (gloves.hc_outstanding_qty, gloves.hc_outstanding_reason),
            (5, "Backordered, ships on 20 March"),
        )
        self.assertEqual(syringes.hc_outstanding_qty, 0)
        [asn] = order.hc_asn_ids
        self.assertIn("5 to follow: Backordered, ships on 20 March", asn.summary)
        self.assertIn("nothing more to come", asn.summary)
        # the receipt's chatter says it too, next to what was prefilled
        receipt = order.picking_ids
        self.assertTrue(
            receipt.message_ids.filtered(lambda m: "5 to follow" in (m.body or ""))
        )
        # a later notice that says nothing of it keeps what is known
        later = self.peppol.despatch_advice(
            sent, "DESP-80", [{"line": "1", "quantity": 5}]
        )
        self.receive_payload(self.flow("json", "asn_in_ubl"), later)
        self.assertEqual(gloves.hc_outstanding_qty, 5)

    def test_despatch_advice_for_another_company_is_refused(self):
        order, sent = self.sent_order(LINES[:1])
        advice = self.peppol.despatch_advice(
            sent.replace(b"0860001000016", b"0860009000018"),
            "DESP-78",
            [{"line": "1", "quantity": 20}],
        )
        message = self.receive_payload(self.flow("json", "asn_in_ubl"), advice)
        self.assertEqual(message.exception_kind, "unknown_order")
        self.assertIn("buyer", message.error_text)
        self.assertFalse(order.picking_ids.move_ids.hc_asn_qty, "nothing prefilled")

    def test_response_breaking_the_bis_names_element_and_rule(self):
        order, sent = self.sent_order(LINES[:2])
        response = self.peppol.order_response(
            sent, "CA", [{"line": "1", "status": "5"}, {"line": "2", "status": "7"}]
        ).replace(b"bis:advanced_ordering:3", b"bis:ordering:3")
        message = self.respond_raw(response)
        self.assertEqual((message.state, message.error_class), ("dead", "validation"))
        self.assertIn("cbc:ProfileID", message.error_text)
        self.assertIn("T116", message.error_text)
        self.assertFalse(any(order.order_line.mapped("hc_ack_state")), "no partial")
        self.assertEqual(order.order_line.mapped("product_qty"), [20, 15])

    def respond_raw(self, body):
        return self.receive_payload(self.flow("json", "ack_in_ubl"), body)
