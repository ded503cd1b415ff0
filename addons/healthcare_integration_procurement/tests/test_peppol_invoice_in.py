# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from .peppol import LINES, NS, PeppolCase


class TestPeppolInvoiceIn(PeppolCase):
    """What the Peppol invoice flow refuses, and how it says so."""

    def test_an_order_is_not_an_invoice(self):
        order = self.order(self.supplier_json, LINES)
        sent = self.sim.requests(path="/ubl/orders")[-1]["body"].encode()
        message = self.receive_payload(self.flow("json", "invoice_in_ubl"), sent)
        self.assertEqual((message.state, message.error_class), ("dead", "validation"))
        self.assertIn("An Order is not an invoice", message.error_text)
        self.assertFalse(order.invoice_ids, "no bill")

    def test_what_odoos_importer_said_is_quoted(self):
        order = self.order(self.supplier_json, LINES)
        message = self.receive_payload(
            self.flow("json", "invoice_in_ubl"), self.invoice(order, strip_lines=True)
        )
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "unreadable_invoice")
        )
        self.assertIn("could not read invoice INV-P-1; it said:", message.error_text)
        # the importer's own words: the format it recognised
        self.assertIn("UBL BIS Billing", message.error_text)
        self.assertFalse(order.invoice_ids, "no bill left behind")

    # ------------------------------------------------------------------ T111

    def test_invoice_response_tells_the_match(self):
        self.flow("json", "invoice_response_out").active = True
        order = self.order(self.supplier_json, LINES)
        self.receive_goods(order)
        matched = self.receive_payload(
            self.flow("json", "invoice_in_ubl"), self.invoice(order)
        )
        self.assertEqual(matched.state, "done", matched.error_text)
        other = self.order(self.supplier_json, LINES)
        self.receive_goods(other)
        outside = self.receive_payload(
            self.flow("json", "invoice_in_ubl"),
            self.invoice(other, number="INV-P-2", price1=9.63),  # +10 %
        )
        self.assertEqual(outside.state, "done", outside.error_text)
        accepted, query = self.responses()
        for response, number in ((accepted, "INV-P-1"), (query, "INV-P-2")):
            self.assertEqual(etree.QName(response).localname, "ApplicationResponse")
            self.assertInvoiceResponseRules(response)
            self.assertEqual(
                self.text(response, "cbc:ProfileID"),
                "urn:fdc:peppol.eu:poacc:bis:invoice_response:3",
            )
            reference = "cac:DocumentResponse/cac:DocumentReference/cbc:ID"
            self.assertEqual(self.text(response, reference), number)
            # from the invoice's buyer to its seller, by Peppol address
            sender = response.find("cac:SenderParty/cbc:EndpointID", NS)
            receiver = response.find("cac:ReceiverParty/cbc:EndpointID", NS)
            self.assertEqual(sender.get("schemeID"), "0184")
            self.assertEqual(
                (receiver.get("schemeID"), receiver.text), ("0208", "0477472701")
            )
        path = "cac:DocumentResponse/cac:Response/"
        self.assertEqual(self.text(accepted, path + "cbc:ResponseCode"), "AP")
        self.assertEqual(self.text(query, path + "cbc:ResponseCode"), "UQ")
        statuses = [
            (node.get("listID"), node.text)
            for node in query.findall(path + "cac:Status/cbc:StatusReasonCode", NS)
        ]
        self.assertIn(("OPStatusReason", "PRI"), statuses)
        self.assertIn(("OPStatusAction", "CNP"), statuses)
        bill = outside._linked_record()
        self.assertEqual(bill.hc_invoice_response_sent, "UQ")
        # matched again (nothing changed): no second answer
        bill._hc_rematch()
        self.assertEqual(len(self.responses()), 2)
        # the accepted bill paid: the supplier hears it
        paid = matched._linked_record()
        paid.action_post()
        with self.jobs() as trap:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=paid.ids
            ).create({}).action_create_payments()
            self.env.cr.flush()  # what a commit does first: precommit hooks run
            self.run_jobs(trap)
        last = self.responses()[-1]
        self.assertEqual(self.text(last, path + "cbc:ResponseCode"), "PD")
        self.assertEqual(len(self.responses()), 3)
