# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import ProcurementCase

LINES = [("gloves", 20, 8.75), ("syringe", 10, 14.20)]


class TestInvoiceIn(ProcurementCase):
    """Supplier invoices: Odoo's UBL importer, X12 810, JSON; three-way match."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hc.procurement.tolerance"].search([]).unlink()
        cls.tolerance = cls.env["hc.procurement.tolerance"].create(
            {"company_id": cls.company.id, "price_percent": 2.0, "qty_percent": 0.0}
        )

    def receive(self, order, quantities=None):
        """Receive the order (all, or {line number: qty})."""
        receipt = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        for move in receipt.move_ids:
            number = move.purchase_line_id.hc_line_number
            move.quantity = (quantities or {}).get(number, move.product_uom_qty)
        with self.jobs() as trap:
            receipt.with_context(skip_backorder=True).button_validate()
            self.run_jobs(trap)

    def ubl(
        self,
        order,
        number="INV-U-1",
        price1="8.75",
        qty1=20,
        template="ubl_invoice.xml",
    ):
        amount1 = float(price1) * qty1
        return self.receive_payload(
            self.flow("json", "invoice_in_ubl"),
            self.data(
                template,
                **{
                    "{PO}": order.name,
                    "{NUMBER}": number,
                    "{CURRENCY}": self.company.currency_id.name,
                    "{PRICE1}": price1,
                    "{QTY1}": str(qty1),
                    "{AMOUNT1}": f"{amount1:.2f}",
                    "{PRICE2}": "14.20",
                    "{AMOUNT2}": "142.00",
                    "{TOTAL}": f"{amount1 + 142:.2f}",
                },
            ),
        )

    def test_ubl_invoice_within_tolerance_is_matched(self):
        order = self.order(self.supplier_json, LINES)
        self.receive(order)
        message = self.ubl(order, price1="8.80")  # +0.57 %, within 2 %
        self.assertEqual(message.state, "done", message.error_text)
        bill = message._linked_record()
        self.assertEqual(bill.partner_id, self.supplier_json)
        self.assertEqual((bill.move_type, bill.ref), ("in_invoice", "INV-U-1"))
        self.assertEqual(bill.invoice_line_ids.purchase_line_id, order.order_line)
        self.assertEqual(bill.hc_match_state, "matched")
        self.assertEqual(bill.payment_state, "not_paid")
        self.assertTrue(all(bill.hc_match_line_ids.mapped("ok")))
        self.assertIn(bill, order.invoice_ids)
        self.assertEqual(bill.hc_message_count, 1)
        bill.action_post()
        self.assertEqual(bill.payment_state, "not_paid")

    def test_ubl_invoice_outside_tolerance_blocks_the_payment(self):
        order = self.order(self.supplier_json, LINES)
        self.receive(order)
        message = self.ubl(order, number="INV-U-2", price1="9.63")  # +10 %
        bill = message._linked_record()
        self.assertEqual(bill.hc_match_state, "mismatch")
        self.assertEqual(bill.payment_state, "blocked")
        [failing] = bill.hc_match_line_ids.filtered(lambda ln: not ln.ok)
        self.assertEqual(failing.verdict, "price_variance")
        self.assertIn("9.63", failing.reason)
        self.assertIn("8.75", failing.reason)
        self.assertTrue(
            bill.activity_ids.filtered(lambda a: a.user_id == self.owner),
            "accounts payable is told",
        )
        self.assertIn("Price: ±2%", bill.hc_match_tolerance, "the bill shows it")
        with self.assertRaisesRegex(UserError, "Approve the variance"):
            bill.action_post()
        self.assertEqual(bill.state, "draft", "not confirmed without a word")
        clerk = self.env["res.users"].create(
            {
                "name": "AP clerk",
                "login": "ap_clerk_test",
                "groups_id": [
                    (6, 0, [self.env.ref("account.group_account_invoice").id])
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "three-way match"):
            bill.with_user(clerk).action_toggle_block_payment()
        with self.assertRaises(AccessError):
            self.decide(bill, "approve", "Agreed", user=clerk)
        self.decide(bill, "approve", "Price rise agreed with the supplier")
        self.assertEqual(bill.hc_match_state, "approved")
        self.assertEqual(bill.hc_match_approved_by_id, self.env.user)
        self.assertEqual(bill.payment_state, "not_paid", "the block is lifted")
        [entry] = self.env["hc.audit.log"].search(
            [
                ("action", "=", "match_variance_approved"),
                ("res_model", "=", "account.move"),
                ("res_id", "=", bill.id),
            ]
        )
        self.assertEqual(entry.user_id, self.env.user)
        self.assertIn("Price rise agreed with the supplier", entry.changes)
        self.assertFalse(self.env["hc.audit.log"]._first_broken_entry())
        bill.action_post()
        self.assertEqual((bill.state, bill.payment_state), ("posted", "not_paid"))
        bill._hc_rematch()
        self.assertEqual(bill.hc_match_state, "approved", "a decision stays")

    def bill_by_hand(self, order, gloves_price):
        """A bill entered with Odoo's own *Create Bill* on the order."""
        bill = self.env["account.move"].browse(order.action_create_invoice()["res_id"])
        bill.invoice_date = fields.Date.context_today(bill)
        gloves = bill.invoice_line_ids.filtered(
            lambda ln: ln.product_id == self.products["gloves"]
        )
        gloves.price_unit = gloves_price
        return bill

    def test_bill_entered_by_hand_is_matched_when_confirmed(self):
        order = self.order(self.supplier_json, LINES)
        self.receive(order)
        bill = self.bill_by_hand(order, 9.63)  # +10 %, tolerance 2 %
        self.assertFalse(bill.hc_match_state, "not matched while being entered")
        action = bill.action_post()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("9.63", action["params"]["message"])
        self.assertEqual(bill.state, "draft", "not confirmed")
        self.assertEqual(bill.hc_match_state, "mismatch", "the match is kept")
        self.assertEqual(bill.payment_state, "blocked")
        self.assertTrue(bill.activity_ids.filtered(lambda a: a.user_id == self.owner))
        with self.assertRaisesRegex(UserError, "Approve the variance") as refused:
            bill.action_post()
        self.assertEqual(
            refused.exception.args[0], action["params"]["message"], "one reason text"
        )
        # a bill at the order's prices is matched and confirmed at once
        second = self.order(self.supplier_json, LINES)
        self.receive(second)
        fair = self.bill_by_hand(second, 8.75)
        fair.action_post()
        self.assertEqual((fair.state, fair.hc_match_state), ("posted", "matched"))

    def test_payment_block_released_by_a_manager_is_audited(self):
        order = self.order(self.supplier_json, LINES)
        self.receive(order)
        bill = self.ubl(order, number="INV-U-9", price1="9.63")._linked_record()
        self.assertEqual(bill.payment_state, "blocked")
        bill.action_toggle_block_payment()
        self.assertNotEqual(bill.payment_state, "blocked")
        [entry] = self.env["hc.audit.log"].search(
            [
                ("action", "=", "payment_block_released"),
                ("res_model", "=", "account.move"),
                ("res_id", "=", bill.id),
            ]
        )
        self.assertEqual(entry.user_id, self.env.user)
        self.assertIn("9.63", entry.changes, "what the release overrides")
        self.assertFalse(self.env["hc.audit.log"]._first_broken_entry())

    def decide(self, bill, decision, reason, user=None):
        wizard = (
            self.env["hc.procurement.match.decision"]
            .with_user(user or self.env.user)
            .with_context(default_move_id=bill.id, default_decision=decision)
            .create({"reason": reason})
        )
        return wizard.action_confirm()

    def test_tolerance_amount_limits_are_switched_not_minus_one(self):
        tolerance = self.tolerance
        self.assertFalse(tolerance.price_amount_limited, "no amount limit")
        tolerance.write({"price_amount_limited": True, "price_amount": 0.5})
        self.assertEqual(tolerance.price_amount, 0.5)
        self.assertIn("at most 0.5 per unit", self.bill_tolerance_text())
        tolerance.price_amount_limited = False
        self.assertEqual(tolerance.price_amount, -1.0)
        self.assertIn("(no amount limit)", self.bill_tolerance_text())

    def bill_tolerance_text(self):
        bill = self.env["account.move"].new(
            {"move_type": "in_invoice", "partner_id": self.supplier_json.id}
        )
        bill.hc_match_state = "mismatch"
        return bill.hc_match_tolerance

    def test_credit_note_requested_from_a_blocked_bill(self):
        order = self.order(self.supplier_json, LINES)
        self.receive(order)
        bill = self.ubl(order, number="INV-U-CN", price1="9.63")._linked_record()
        wizard = self.env["hc.procurement.match.decision"].with_context(
            default_move_id=bill.id, default_decision="credit_note"
        )
        self.assertIn("9.63", wizard.default_get(["reason"])["reason"])
        self.decide(bill, "credit_note", "Please credit 0.88 per unit on line 1")
        self.assertTrue(bill.hc_credit_note_requested_at)
        self.assertEqual(bill.hc_match_state, "mismatch", "still blocked")
        request = bill.message_ids.filtered(
            lambda m: "Please credit 0.88" in (m.body or "")
        )
        self.assertIn(bill.commercial_partner_id, request.partner_ids)

    def test_duplicate_invoice_is_refused(self):
        order = self.order(self.supplier_json, LINES)
        self.receive(order)
        first = self.ubl(order, number="INV-U-3")
        second = self.ubl(order, number="INV-U-3", price1="8.76")
        self.assertEqual(first.state, "done")
        self.assertEqual(
            (second.state, second.exception_kind), ("dead", "duplicate_invoice")
        )
        self.assertIn(first._linked_record().display_name, second.error_text)
        bills = self.env["account.move"].search(
            [("ref", "=", "INV-U-3"), ("partner_id", "=", self.supplier_json.id)]
        )
        self.assertEqual(len(bills), 1)

    def test_810_invoiced_before_receipt_then_matched(self):
        order = self.order(self.supplier_x12, LINES)
        body = self.data(
            "810_invoice.edi",
            **{
                "{PO}": order.name,
                "{NUMBER}": "INV-X-1",
                "{QTY1}": "20",
                "{PRICE2}": "14.20",
                "{CURRENCY}": self.company.currency_id.name,
            },
        )
        message = self.receive_payload(self.flow("x12", "invoice_in_x12"), body)
        self.assertEqual(message.state, "done", message.error_text)
        bill = message._linked_record()
        self.assertEqual(bill.hc_match_state, "mismatch")
        self.assertEqual(
            set(bill.hc_match_line_ids.mapped("verdict")), {"qty_over_received"}
        )
        self.assertEqual(bill.payment_state, "blocked")
        self.receive(order)
        self.assertEqual(bill.hc_match_state, "matched", bill.hc_match_summary)
        self.assertEqual(bill.payment_state, "not_paid", "the block is lifted")

    def test_json_invoice_linked_by_supplier_and_lines(self):
        order = self.order(self.supplier_json, LINES)
        self.receive(order)
        invoice = {
            "invoice_number": "MD-INV-9",
            "date": "2026-03-20",
            "currency": self.company.currency_id.name,
            "lines": [
                {
                    "line_number": 1,
                    "item": "NBG-4402M",
                    "quantity": 20,
                    "unit_price": 8.75,
                },
                {
                    "line_number": 2,
                    "item": "NBS-1010LL",
                    "quantity": 12,
                    "unit_price": 14.20,
                },
            ],
        }
        message = self.receive_payload(self.flow("json", "invoice_in"), invoice)
        bill = message._linked_record()
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(bill.invoice_origin, order.name)
        self.assertEqual(bill.invoice_line_ids.purchase_line_id, order.order_line)
        self.assertEqual(bill.hc_match_state, "mismatch")
        reasons = bill.hc_match_line_ids.filtered(lambda ln: not ln.ok).mapped(
            "verdict"
        )
        self.assertEqual(sorted(reasons), ["qty_over_received"])

    def test_never_linked_by_amount_alone(self):
        order = self.order(self.supplier_json, [("gloves", 10, 10.0)])
        self.receive(order)
        invoice = {
            "invoice_number": "MD-INV-10",
            "currency": self.company.currency_id.name,
            "lines": [
                {
                    "line_number": 1,
                    "item": "NBZ-4412",
                    "quantity": 10,
                    "unit_price": 10.0,
                }
            ],
        }
        bill = self.receive_payload(
            self.flow("json", "invoice_in"), invoice
        )._linked_record()
        self.assertEqual(bill.amount_untaxed, order.amount_untaxed)
        self.assertFalse(bill.invoice_line_ids.purchase_line_id)
        self.assertEqual(bill.hc_match_state, "no_order")

    def test_ubl_credit_note(self):
        order = self.order(self.supplier_json, LINES)
        self.receive(order)
        message = self.ubl(order, number="CN-U-1", template="ubl_credit_note.xml")
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(message._linked_record().move_type, "in_refund")
