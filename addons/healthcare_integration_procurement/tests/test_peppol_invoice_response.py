# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .peppol import LINES, PeppolCase


class TestPeppolInvoiceResponse(PeppolCase):
    """The AP clerk's decisions on a Peppol invoice outside the three-way
    match, told to the supplier as Peppol Invoice Responses (T111)."""

    def setUp(self):
        super().setUp()
        self.flow("json", "invoice_response_out").active = True

    def bill_over_price(self, number):
        """A bill read from a Peppol invoice 10 % over the order's price."""
        order = self.order(self.supplier_json, LINES)
        self.receive_goods(order)
        message = self.receive_payload(
            self.flow("json", "invoice_in_ubl"),
            self.invoice(order, number=number, price1=9.63),
        )
        self.assertEqual(message.state, "done", message.error_text)
        bill = message._linked_record()
        self.assertEqual(bill.hc_match_state, "mismatch")
        return bill

    def decide(self, bill, decision, reason, **values):
        wizard = (
            self.env["hc.procurement.match.decision"]
            .with_context(default_move_id=bill.id, default_decision=decision)
            .create({"reason": reason, **values})
        )
        with self.jobs() as trap:
            wizard.action_confirm()
            self.run_jobs(trap)

    def last_response(self):
        return self.assertInvoiceResponseRules(self.responses()[-1])

    def test_credit_note_requested_is_conditionally_accepted(self):
        bill = self.bill_over_price("INV-CA-1")
        code, statuses, _note = self.last_response()
        self.assertEqual(code, "UQ", "outside the match: under query first")
        self.decide(bill, "credit_note", "Please credit 0.88 per glove box.")
        code, statuses, note = self.last_response()
        # paid as ordered once the variance is credited: conditionally accepted,
        # the prices are why, a partial credit note is what to do
        self.assertEqual(code, "CA")
        self.assertIn("OPStatusReason", [s[0] for s in statuses])
        self.assertIn(("OPStatusReason", "PRI"), [s[:2] for s in statuses])
        self.assertIn(("OPStatusAction", "CNP"), [s[:2] for s in statuses])
        self.assertEqual(note, "Please credit 0.88 per glove box.")
        self.assertEqual(bill.hc_invoice_response_sent, "CA")
        self.assertEqual(bill.hc_match_state, "mismatch", "still blocked")
        # the same decision again tells the supplier nothing new
        count = len(self.responses())
        bill._hc_rematch()
        self.assertEqual(len(self.responses()), count)

    def test_rejected_invoice(self):
        bill = self.bill_over_price("INV-RE-1")
        wizard = self.env["hc.procurement.match.decision"].with_context(
            default_move_id=bill.id, default_decision="reject"
        )
        # the match suggests the reason: the prices
        self.assertEqual(
            wizard.default_get(["rejection_reason"])["rejection_reason"], "PRI"
        )
        self.decide(
            bill,
            "reject",
            "Prices above the framework agreement; credit it and invoice again.",
            rejection_reason="PRI",
            rejection_action="NIN",
        )
        self.assertEqual(bill.state, "cancel", "no longer processed")
        self.assertEqual(bill.hc_match_state, "rejected")
        self.assertNotEqual(bill.payment_state, "blocked")
        code, statuses, _note = self.last_response()
        self.assertEqual(code, "RE")
        # the clerk's reason and words first, then what the match found
        self.assertEqual(
            statuses[0],
            (
                "OPStatusReason",
                "PRI",
                "Prices above the framework agreement; credit it and invoice again.",
            ),
        )
        self.assertIn(("OPStatusAction", "NIN", None), statuses)
        log = self.env["hc.audit.log"].search(
            [("action", "=", "match_invoice_rejected"), ("res_id", "=", bill.id)]
        )
        self.assertIn('"reason_code": "PRI"', log.changes)

    def test_variance_approved_is_accepted(self):
        bill = self.bill_over_price("INV-AP-1")
        self.decide(bill, "approve", "Price rise agreed by phone on 3 March.")
        code, statuses, _note = self.last_response()
        self.assertEqual((code, statuses), ("AP", []))

    def test_nothing_told_without_the_flow(self):
        self.flow("json", "invoice_response_out").active = False
        bill = self.bill_over_price("INV-NO-1")
        self.decide(bill, "credit_note", "Please credit the difference.")
        self.assertFalse(self.responses())
        self.assertFalse(bill.hc_invoice_response_sent)
