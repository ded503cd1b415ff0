# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import ProcurementHttpCase

LINES = [
    ("gloves", 20, 8.75),
    ("syringe", 16, 14.20),
    ("iv_set", 4, 212.16),
    ("pump", 2, 1450.0),
]


@tagged("post_install", "-at_install")
class TestOverHttp(ProcurementHttpCase):
    """The demo story over real HTTP: 850 out, 855/856/810 back through webhooks."""

    def webhook(self, send, order):
        self.env.flush_all()
        status, answer = send(order.name)
        self.assertEqual(status, 202, answer)
        return self.process(answer["id"])

    def test_order_answered_by_the_x12_supplier(self):
        order = self.order(self.supplier_x12, LINES)
        self.assertEqual(len(self.sim.orders()), 1, "the 850 reached the supplier")
        # the supplier's 855: line 2 half now, half backordered
        ack = self.webhook(self.sim.send_855, order)
        self.assertEqual(ack.state, "done", ack.error_text)
        self.assertEqual(order.hc_transmission_state, "acknowledged")
        line2 = self.line(order, 2)
        self.assertEqual(
            (line2.hc_ack_state, line2.hc_backorder_qty), ("backordered", 8)
        )
        self.assertEqual(len(order.picking_ids), 2, "a backorder receipt for the rest")
        # its 856: lots and serial numbers on the receipt
        asn = self.webhook(self.sim.send_856, order)
        self.assertEqual(asn.state, "done", asn.error_text)
        pump_moves = self.line(order, 4).move_ids
        self.assertEqual(len(pump_moves.move_line_ids.filtered("lot_name")), 2)
        self.assertTrue(self.line(order, 3).move_ids.move_line_ids.lot_name)
        # receive, then its 810 with line 1 10 % above the order price
        receipt = order.picking_ids.filtered(lambda p: not p.backorder_id)
        with self.jobs() as trap:
            receipt.with_context(skip_backorder=True).button_validate()
            self.run_jobs(trap)
        invoice = self.webhook(self.sim.send_810, order)
        self.assertEqual(invoice.state, "done", invoice.error_text)
        bill = invoice._linked_record()
        self.assertEqual(bill.hc_match_state, "mismatch")
        self.assertEqual(bill.payment_state, "blocked")
        self.assertIn("price_variance", bill.hc_match_line_ids.mapped("verdict"))

    def test_csv_price_file_over_http(self):
        body = (
            b"id,item,price,currency,uom\n"
            b"H1,NBG-4402M,8.80,USD,BX\n"
            b"H2,NOT-A-PRODUCT,1.00,USD,BX\n"
        )
        url = f"{self.base_url()}/hc/webhook/t_meddistrib/procurement.catalog_file"
        self.env.flush_all()
        status, answer = self.sim.call_webhook(
            url, body, headers={"Content-Type": "text/csv"}
        )
        self.assertEqual(status, 202, answer)
        run = self.process(answer["id"])._linked_record()
        self.assertEqual((run.count_created, run.issue_ids.code), (1, "NOT-A-PRODUCT"))
