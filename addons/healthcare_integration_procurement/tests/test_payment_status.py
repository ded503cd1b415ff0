# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command

from .common import ProcurementCase


class TestPaymentStatus(ProcurementCase):
    """Payment status out to the supplier portal; in from a finance system."""

    def bill(self, number="B-1", price=100.0):
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.supplier_json.id,
                "ref": number,
                "invoice_date": "2026-03-01",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Gloves",
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        bill.action_post()
        return bill

    def pay(self, bill, amount):
        with self.jobs() as trap:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=bill.ids
            ).create({"amount": amount}).action_create_payments()
            self.env.cr.flush()  # what a commit does first: precommit hooks run
            self.run_jobs(trap)

    def sent(self):
        return [
            json.loads(r["body"]) for r in self.sim.requests(path="/payment-status")
        ]

    def test_paid_partly_then_fully_goes_out(self):
        bill = self.bill()
        self.pay(bill, 40.0)
        self.pay(bill, 60.0)
        statuses = [
            (s["invoice_number"], s["status"], s["amount_residual"])
            for s in self.sent()
        ]
        self.assertEqual(statuses[0], ("B-1", "partial", 60.0))
        self.assertIn(statuses[-1][1], ("paid",))
        self.assertEqual(statuses[-1][2], 0.0)
        self.assertEqual(bill.hc_message_count, len(statuses))

    def test_reversed_goes_out(self):
        bill = self.bill("B-2")
        with self.jobs() as trap:
            bill._reverse_moves([{"invoice_date": bill.invoice_date}], cancel=True)
            self.env.cr.flush()
            self.run_jobs(trap)
        self.assertEqual([s["status"] for s in self.sent()], ["reversed"])

    def test_status_from_finance_is_kept_with_its_source(self):
        bill = self.bill("B-3")
        message = self.receive_payload(
            self.flows[("json", "payment_status_in")],
            {
                "invoice_number": "B-3",
                "status": "paid",
                "amount_paid": 100.0,
                "date": "2026-03-15",
                "reference": "PAYRUN-77",
                "supplier": {"vat": "BE 0477.472.701"},
            },
        )
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(message._linked_record(), bill)
        self.assertEqual(
            (bill.hc_external_payment_state, bill.hc_external_payment_ref),
            ("paid", "PAYRUN-77"),
        )
        self.assertEqual(bill.hc_external_payment_backend_id, self.backend_json)
        self.assertEqual(
            bill.payment_state, "not_paid", "Odoo's own state is untouched"
        )
        self.assertIn("PAYRUN-77", bill.message_ids[0].body)
        unknown = self.receive_payload(
            self.flows[("json", "payment_status_in")],
            {"invoice_number": "NOPE", "status": "paid"},
        )
        self.assertEqual(unknown.exception_kind, "unknown_invoice")
