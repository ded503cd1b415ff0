# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime as dt

from odoo.addons.healthcare_integration_core.tests.common import (
    load_simulator_module,
)

from .peppol import PeppolCase

LINES = [("gloves", 20, 8.75), ("syringe", 15, 14.20)]
# the supplier adds alcohol pads (its item NBA-0200) to the order
ADDED = {
    "line": "3",
    "status": "1",
    "quantity": 4,
    "price": 3.10,
    "date": dt.date(2026, 3, 20),
    "item": {"code": "NBA-0200", "name": "Alcohol prep pads"},
}


class TestPeppolAddedLinesIn(PeppolCase):
    """A line the supplier adds in its Order Response (line status 1) is an
    offer for the buyer: nothing of the answer applies until the buyer adds
    it to the order or declines it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.peppol = load_simulator_module("procurement_peppol.py")

    def respond(self, lines):
        order = self.order(self.supplier_json, LINES)
        sent = self.sim.requests(path="/ubl/orders")[-1]["body"].encode()
        message = self.receive_payload(
            self.flow("json", "ack_in_ubl"),
            self.peppol.order_response(sent, "CA", lines),
        )
        return order, message

    def decide(self, offer, accept):
        with self.jobs() as trap:
            (offer.action_accept if accept else offer.action_refuse)()
            self.run_jobs(trap)

    def test_added_line_waits_then_joins_the_order(self):
        order, message = self.respond(
            [
                {"line": "1", "status": "5"},
                {"line": "2", "status": "3", "quantity": 10},
                ADDED,
            ]
        )
        # no partial update: the buyer's lines stay as ordered
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "substitution")
        )
        self.assertIn("line 3 added, NBA-0200", message.error_text)
        self.assertFalse(any(order.order_line.mapped("hc_ack_state")))
        self.assertEqual(order.order_line.mapped("product_qty"), [20, 15])
        # recorded on the order, for its buyer
        [offer] = order.hc_substitution_ids
        self.assertEqual(
            (offer.kind, offer.offered_product_id, offer.quantity, offer.offered_price),
            ("addition", self.products["alcohol_pads"], 4, 3.10),
        )
        self.assertEqual(offer.offered_date, dt.date(2026, 3, 20))
        activity = order.activity_ids.filtered(
            lambda a: a.summary == "Line added by the supplier to decide"
        )
        self.assertEqual(activity.user_id, self.owner)
        # the buyer adds it to the order: the answer applies, with the line
        self.decide(offer, accept=True)
        self.assertEqual(message.superseded_by_id.state, "done")
        added = self.line(order, 3)
        self.assertEqual(added, offer.result_line_id)
        self.assertEqual(
            (added.product_id, added.product_qty, added.price_unit),
            (self.products["alcohol_pads"], 4, 3.10),
        )
        self.assertEqual(added.hc_ack_state, "accepted")
        self.assertEqual(added.date_planned.date(), dt.date(2026, 3, 20))
        self.assertEqual(sum(added.move_ids.mapped("product_uom_qty")), 4)
        self.assertEqual(self.line(order, 2).product_qty, 10)
        self.assertEqual(order.hc_transmission_state, "acknowledged")
        # the same answer again adds nothing more
        self.receive_payload(self.flow("json", "ack_in_ubl"), message._body())
        self.assertEqual(len(order.order_line), 3)

    def test_declined_added_line_stays_out(self):
        order, message = self.respond([{"line": "1", "status": "5"}, ADDED])
        self.decide(order.hc_substitution_ids, accept=False)
        self.assertEqual(message.superseded_by_id.state, "done")
        self.assertEqual(len(order.order_line), 2)
        self.assertEqual(self.line(order, 1).hc_ack_state, "accepted")
        note = order.message_ids.filtered(
            lambda m: "declined by the buyer" in (m.body or "")
        )
        self.assertTrue(note, "the order's chatter says so")

    def test_added_line_without_item_or_quantity_is_refused(self):
        no_item = dict(ADDED, item={"name": "Something"})
        order, message = self.respond([no_item])
        self.assertEqual((message.state, message.error_class), ("dead", "validation"))
        self.assertIn("names no item", message.error_text)
        self.assertFalse(order.hc_substitution_ids)
