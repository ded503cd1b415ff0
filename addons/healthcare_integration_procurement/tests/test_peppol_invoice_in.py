# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from .peppol import PeppolCase

LINES = [("gloves", 20, 8.75), ("syringe", 10, 14.20)]


class TestPeppolInvoiceIn(PeppolCase):
    """What the Peppol invoice flow refuses, and how it says so."""

    def invoice(self, order, strip_lines=False):
        text = self.data(
            "ubl_invoice.xml",
            **{
                "{PO}": order.name,
                "{NUMBER}": "INV-P-1",
                "{CURRENCY}": self.company.currency_id.name,
                "{PRICE1}": "8.75",
                "{QTY1}": "20",
                "{AMOUNT1}": "175.00",
                "{PRICE2}": "14.20",
                "{AMOUNT2}": "142.00",
                "{TOTAL}": "317.00",
            },
        )
        if strip_lines:
            root = etree.fromstring(text)  # noqa: S320 (the test's own document)
            for line in root.findall("{*}InvoiceLine"):
                root.remove(line)
            text = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return text

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
