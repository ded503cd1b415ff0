# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A Peppol supplier configured as a user would, and the Peppol BIS 3 rules
the documents the product writes must keep, in our own words."""

from lxml import etree

from odoo.addons.healthcare_integration_core.lib import schema

from .common import ProcurementCase, ProcurementHttpCase

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ADVANCED_ORDERING = "urn:fdc:peppol.eu:poacc:bis:advanced_ordering:3"
BUYER_GLN = "0860001000016"
SELLER_GLN = "5400000000003"
BUYER_VAT = "BE0202239951"
# an order the invoices of the tests bill: (product key, quantity, price)
LINES = [("gloves", 20, 8.75), ("syringe", 10, 14.20)]

# UBL 2.1 element order (the schema's sequences) of what the product writes
ORDER_HEADER = (
    "CustomizationID ProfileID ID SalesOrderID IssueDate IssueTime "
    "OrderTypeCode Note DocumentCurrencyCode CustomerReference AccountingCost "
    "ValidityPeriod QuotationDocumentReference OrderDocumentReference "
    "OriginatorDocumentReference BuyerCustomerParty SellerSupplierParty "
    "Delivery PaymentTerms AllowanceCharge TaxTotal AnticipatedMonetaryTotal "
    "OrderLine"
).split()
CHANGE_HEADER = (
    "CustomizationID ProfileID ID SalesOrderID IssueDate IssueTime "
    "SequenceNumberID Note DocumentCurrencyCode CustomerReference AccountingCost "
    "ValidityPeriod OrderReference OriginatorDocumentReference "
    "BuyerCustomerParty SellerSupplierParty Delivery PaymentTerms "
    "AllowanceCharge TaxTotal AnticipatedMonetaryTotal OrderLine"
).split()
CANCELLATION_HEADER = (
    "CustomizationID ProfileID ID IssueDate IssueTime Note CancellationNote "
    "OrderReference BuyerCustomerParty SellerSupplierParty"
).split()
PARTY = (
    "EndpointID PartyIdentification PartyName PostalAddress PartyTaxScheme "
    "PartyLegalEntity Contact"
).split()
INVOICE_RESPONSE_HEADER = (
    "CustomizationID ProfileID ID IssueDate IssueTime Note SenderParty "
    "ReceiverParty DocumentResponse"
).split()
STATUS_REASONS = set("NON REF LEG REC QUA DEL PRI QTY ITM PAY PPD UNR FIN OTH".split())
STATUS_ACTIONS = set("NOA PIN NIN CNF CNP CNA OTH".split())
LINE_ITEM = (
    "ID Note LineStatusCode Quantity LineExtensionAmount Delivery "
    "AllowanceCharge Price Item"
).split()
ITEM = (
    "Description Name BuyersItemIdentification SellersItemIdentification "
    "StandardItemIdentification ClassifiedTaxCategory AdditionalItemProperty"
).split()


class PeppolMixin:
    """The JSON distributor reached over Peppol: its Peppol address and the
    hospital's are set on the contacts (Accounting tab), the Peppol order flow
    is the active order flow of its backend."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        belgium = cls.env.ref("base.be")
        cls.company.partner_id.write(
            {
                "name": "Riverside General Hospital",
                "street": "1 River Road",
                "city": "Brussels",
                "zip": "1000",
                "country_id": belgium.id,
                "state_id": False,
                "vat": BUYER_VAT,
                "peppol_eas": "0088",
                "peppol_endpoint": BUYER_GLN,
            }
        )
        cls.supplier_json.write(
            {
                "street": "Havenlaan 5",
                "city": "Antwerp",
                "zip": "2000",
                "country_id": belgium.id,
                "peppol_eas": "0088",
                "peppol_endpoint": SELLER_GLN,
            }
        )
        cls.flow("json", "po_out").active = False
        cls.flow("json", "po_out_ubl").active = True
        cls.sim.peppol_backend = cls.backend_json.code

    @classmethod
    def flow(cls, backend, name):
        return cls.flows[(backend, name)]

    # ------------------------------------------------------------------ reading

    def sent_documents(self):
        """The UBL documents the supplier received, oldest first."""
        return [
            schema.parse_xml(request["body"].encode()).getroot()
            for request in self.sim.requests(path="/ubl/orders")
        ]

    @staticmethod
    def text(node, path):
        return node.findtext(path, namespaces=NS)

    # ------------------------------------------------------------------ invoices

    def invoice(self, order, strip_lines=False, number="INV-P-1", price1=8.75):
        text = self.data(
            "ubl_invoice.xml",
            **{
                "{PO}": order.name,
                "{NUMBER}": number,
                "{CURRENCY}": self.company.currency_id.name,
                "{PRICE1}": f"{price1:.2f}",
                "{QTY1}": "20",
                "{AMOUNT1}": f"{price1 * 20:.2f}",
                "{PRICE2}": "14.20",
                "{AMOUNT2}": "142.00",
                "{TOTAL}": f"{price1 * 20 + 142:.2f}",
            },
        )
        if strip_lines:
            root = etree.fromstring(text)  # noqa: S320 (the test's own document)
            for line in root.findall("{*}InvoiceLine"):
                root.remove(line)
            text = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return text

    def receive_goods(self, order):
        receipt = order.picking_ids
        for move in receipt.move_ids:
            move.quantity = move.product_uom_qty
        with self.jobs() as trap:
            receipt.with_context(skip_backorder=True).button_validate()
            self.run_jobs(trap)

    def responses(self):
        return [
            etree.fromstring(r["body"].encode())  # noqa: S320 (what Odoo sent)
            for r in self.sim.requests(path="/ubl/invoice-responses")
        ]

    # ------------------------------------------------------------------ rules

    def assertSchemaOrder(self, node, sequence):
        """Children of ``node`` appear in the order of the UBL 2.1 schema."""
        names = [etree.QName(child).localname for child in node]
        unknown = [name for name in names if name not in sequence]
        self.assertFalse(unknown, f"unexpected in {etree.QName(node).localname}")
        positions = [sequence.index(name) for name in names]
        self.assertEqual(positions, sorted(positions), names)

    def assertPeppolParty(self, party, endpoint):
        """A Peppol party: electronic address with its scheme, legal name."""
        self.assertSchemaOrder(party, PARTY)
        node = party.find("cbc:EndpointID", NS)
        self.assertIsNotNone(node, "every party has its Peppol address")
        self.assertEqual((node.get("schemeID"), node.text), ("0088", endpoint))
        self.assertTrue(self.text(party, "cac:PartyLegalEntity/cbc:RegistrationName"))
        tax = party.find("cac:PartyTaxScheme", NS)
        if tax is not None:
            self.assertTrue(self.text(tax, "cbc:CompanyID"), "no empty tax scheme")
            self.assertEqual(self.text(tax, "cac:TaxScheme/cbc:ID"), "VAT")

    def assertInvoiceResponseRules(self, response):
        """Peppol BIS Invoice Response 3, in our words: the T111 specification
        identifier; a response under query, conditionally accepted or
        rejected says why (a status); each status code comes from its list
        (OPStatusReason: why, OPStatusAction: what the seller should do);
        "other" says what in words; "partially paid" only with "paid"; UBL
        2.1 element order. Returns (code, [(list, code, text)], note)."""
        self.assertSchemaOrder(response, INVOICE_RESPONSE_HEADER)
        self.assertRegex(self.text(response, "cbc:ID"), r"^IR-\d+-[A-Z]{2}-")
        self.assertTrue(
            self.text(response, "cbc:CustomizationID").startswith(
                "urn:fdc:peppol.eu:poacc:trns:invoice_response:3"
            )
        )
        path = "cac:DocumentResponse/cac:Response/"
        code = self.text(response, path + "cbc:ResponseCode")
        statuses = []
        listed = {"OPStatusReason": STATUS_REASONS, "OPStatusAction": STATUS_ACTIONS}
        for status in response.findall(path + "cac:Status", NS):
            node = status.find("cbc:StatusReasonCode", NS)
            self.assertIn(node.get("listID"), listed)
            self.assertIn(node.text, listed[node.get("listID")])
            reason = self.text(status, "cbc:StatusReason")
            if node.text == "OTH":
                self.assertTrue(reason, "other says what")
            if node.text == "PPD":
                self.assertEqual(code, "PD")
            statuses.append((node.get("listID"), node.text, reason))
        self.assertIn(code, ("AP", "UQ", "CA", "RE", "PD"))
        if code in ("UQ", "CA", "RE"):
            self.assertTrue(statuses, f"a response {code} says why")
        return code, statuses, self.text(response, "cbc:Note")

    def assertPeppolParties(self, document):
        buyer = document.find("cac:BuyerCustomerParty/cac:Party", NS)
        seller = document.find("cac:SellerSupplierParty/cac:Party", NS)
        self.assertPeppolParty(buyer, BUYER_GLN)
        self.assertPeppolParty(seller, SELLER_GLN)
        # the seller's postal address and its country are mandatory
        self.assertEqual(
            self.text(seller, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
            "BE",
        )

    def assertPeppolLines(self, document):
        """Line amounts are quantity x price less the line's allowance (two
        decimals) and add up to the total; a GTIN has the GS1 scheme."""
        total = 0.0
        for line in document.findall("cac:OrderLine/cac:LineItem", NS):
            self.assertSchemaOrder(line, LINE_ITEM)
            self.assertSchemaOrder(line.find("cac:Item", NS), ITEM)
            amount = float(self.text(line, "cbc:LineExtensionAmount"))
            self.assertEqual(round(amount, 2), amount, "two decimals at most")
            quantity = float(self.text(line, "cbc:Quantity"))
            price = float(self.text(line, "cac:Price/cbc:PriceAmount"))
            allowance = sum(
                float(node.text)
                for node in line.findall("cac:AllowanceCharge/cbc:Amount", NS)
            )
            self.assertAlmostEqual(
                amount, round(quantity * price - allowance, 2), places=2
            )
            gtin = line.find("cac:Item/cac:StandardItemIdentification/cbc:ID", NS)
            if gtin is not None:
                self.assertEqual(gtin.get("schemeID"), "0160", "GTIN scheme")
            total += amount
        totals = document.find("cac:AnticipatedMonetaryTotal", NS)
        self.assertAlmostEqual(
            float(self.text(totals, "cbc:LineExtensionAmount")), total, places=2
        )


class PeppolCase(PeppolMixin, ProcurementCase):
    pass


class PeppolHttpCase(PeppolMixin, ProcurementHttpCase):
    pass
