# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .peppol import PeppolHttpCase

LINES = [("gloves", 20, 8.75), ("iv_set", 4, 212.16), ("pump", 2, 1450.0)]


@tagged("post_install", "-at_install")
class TestPeppolOverHttp(PeppolHttpCase):
    """The demo's Peppol story over real HTTP: the order out, the supplier's
    Order Response and Despatch Advice back through signed webhooks."""

    def webhook(self, send, order):
        self.env.flush_all()
        status, answer = send(order.name)
        self.assertEqual(status, 202, answer)
        return self.process(answer["id"])

    def test_order_answered_by_the_peppol_supplier(self):
        order = self.order(self.supplier_json, LINES)
        self.assertEqual(self.sim.orders()[order.name]["format"], "peppol")
        # accepted with changes: line 2 halved, a week later
        ack = self.webhook(self.sim.send_order_response, order)
        self.assertEqual(ack.state, "done", ack.error_text)
        self.assertEqual(order.hc_transmission_state, "acknowledged")
        self.assertEqual(
            [self.line(order, n).hc_ack_state for n in (1, 2, 3)],
            ["accepted", "changed", "accepted"],
        )
        self.assertEqual(self.line(order, 2).product_qty, 2)
        # the despatch advice: lots with their dates, serials with their lot
        asn = self.webhook(self.sim.send_despatch_advice, order)
        self.assertEqual(asn.state, "done", asn.error_text)
        # a quarter of the gloves follows next week: the buyer sees it
        gloves = self.line(order, 1)
        self.assertEqual(sum(gloves.move_ids.mapped("hc_asn_qty")), 15)
        self.assertEqual(
            (gloves.hc_outstanding_qty, gloves.hc_outstanding_reason),
            (5, "Backordered, ships next week"),
        )
        [iv_line] = self.line(order, 2).move_ids.move_line_ids
        self.assertEqual(iv_line.quantity, 2, "what the supplier confirmed")
        self.assertTrue(iv_line.lot_name and iv_line.hc_manufacture_date)
        self.assertTrue(iv_line.expiration_date)
        pumps = self.line(order, 3).move_ids.move_line_ids
        self.assertEqual(len(pumps), 2)
        self.assertEqual(len(set(pumps.mapped("hc_supplier_lot"))), 1)
        self.assertTrue(all(pumps.mapped("hc_supplier_lot")))

    def test_line_added_by_the_peppol_supplier_waits_for_the_buyer(self):
        order = self.order(self.supplier_json, LINES[:2])
        ack = self.webhook(self.sim.send_order_response_with_added_line, order)
        self.assertEqual((ack.state, ack.exception_kind), ("dead", "substitution"))
        [offer] = order.hc_substitution_ids
        self.assertEqual((offer.kind, offer.offered_code), ("addition", "HMB-AP200"))
        self.assertFalse(any(order.order_line.mapped("hc_ack_state")), "no partial")
