# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo import Command

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from .peppol import (
    ADVANCED_ORDERING,
    BUYER_VAT,
    CANCELLATION_HEADER,
    CHANGE_HEADER,
    NS,
    ORDER_HEADER,
    PeppolCase,
)

LINES = [("gloves", 20, 8.75), ("syringe", 15, 14.20), ("iv_set", 4, 212.16)]


class TestPeppolOrderOut(PeppolCase):
    """Order (T01), Order Change (T114) and Order Cancellation (T115) out, as
    Peppol BIS Advanced Ordering 3 requires them."""

    def test_order_is_a_peppol_order(self):
        order = self.order(self.supplier_json, LINES)
        [document] = self.sent_documents()
        self.assertEqual(etree.QName(document).localname, "Order")
        self.assertEqual(
            self.text(document, "cbc:CustomizationID"),
            "urn:fdc:peppol.eu:poacc:trns:order:3",
        )
        self.assertEqual(self.text(document, "cbc:ProfileID"), ADVANCED_ORDERING)
        self.assertEqual(self.text(document, "cbc:ID"), order.name)
        self.assertSchemaOrder(document, ORDER_HEADER)
        self.assertPeppolParties(document)
        # the buyer's VAT number, in its tax scheme
        self.assertEqual(
            self.text(
                document,
                "cac:BuyerCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
            ),
            BUYER_VAT,
        )
        self.assertPeppolLines(document)
        items = [
            (
                self.text(line, "cbc:ID"),
                self.text(line, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
                self.text(line, "cac:Item/cac:StandardItemIdentification/cbc:ID"),
                self.text(line, "cac:Item/cac:BuyersItemIdentification/cbc:ID"),
            )
            for line in document.findall("cac:OrderLine/cac:LineItem", NS)
        ]
        self.assertEqual(
            items,
            [
                ("1", "NBG-4402M", "2000000000015", "T100234"),
                ("2", "NBS-1010LL", "2000000000022", "T100871"),
                ("3", "NBI-2060", "2000000000039", "T101552"),
            ],
        )
        self.assertEqual(order.hc_transmission_state, "sent")
        # valid until the supplier's acknowledgement is due (its SLA)
        self.assertEqual(
            self.text(document, "cac:ValidityPeriod/cbc:EndDate"),
            str(order.hc_ack_due.date()),
        )

    def test_order_not_over_peppol_is_odoos_own(self):
        """A supplier ordered from otherwise: the order Odoo writes (Odoo's
        profile and element order, no Peppol addresses) stays Odoo's."""
        order = self.order(self.supplier_x12, LINES[:1])
        builder = self.env["purchase.edi.xml.ubl_bis3"]
        document = etree.fromstring(builder._export_order(order))  # noqa: S320
        self.assertEqual(
            self.text(document, "cbc:ProfileID"),
            "urn:fdc:peppol.eu:poacc:bis:ordering:3",
        )
        self.assertIsNone(document.find(".//cbc:EndpointID", NS))
        self.assertIsNone(document.find("cac:ValidityPeriod", NS))
        item = document.find("cac:OrderLine/cac:LineItem/cac:Item", NS)
        self.assertEqual(
            [etree.QName(child).localname for child in item][:2],
            ["Name", "Description"],
        )
        # the Peppol supplier's order, downloaded from Odoo, is the Peppol one
        peppol = self.order(self.supplier_json, LINES[:1])
        document = etree.fromstring(builder._export_order(peppol))  # noqa: S320
        self.assertEqual(self.text(document, "cbc:ProfileID"), ADVANCED_ORDERING)
        self.assertPeppolParties(document)

    def test_origin_follows_the_currency(self):
        # UBL 2.1 puts the originator's reference after the document currency
        order = self.order(self.supplier_json, LINES[:1], confirm=False)
        order.origin = "REQ-2026-118"
        with self.jobs() as trap:
            order.button_confirm()
            self.run_jobs(trap)
        [document] = self.sent_documents()
        self.assertSchemaOrder(document, ORDER_HEADER)
        self.assertEqual(
            self.text(document, "cac:OriginatorDocumentReference/cbc:ID"),
            "REQ-2026-118",
        )

    def test_barcode_that_is_no_gtin_stays_out(self):
        self.products["gloves"].barcode = "GLOVES-M"
        self.order(self.supplier_json, LINES[:1])
        [document] = self.sent_documents()
        line = document.find("cac:OrderLine/cac:LineItem", NS)
        self.assertIsNone(line.find("cac:Item/cac:StandardItemIdentification", NS))
        self.assertEqual(
            self.text(line, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
            "NBG-4402M",
        )

    def test_discount_is_the_lines_allowance(self):
        order = self.order(self.supplier_json, LINES[:2], confirm=False)
        order.order_line[0].discount = 10
        with self.jobs() as trap:
            order.button_confirm()
            self.run_jobs(trap)
        [document] = self.sent_documents()
        self.assertPeppolLines(document)
        line = document.find("cac:OrderLine/cac:LineItem", NS)
        self.assertEqual(self.text(line, "cac:Price/cbc:PriceAmount"), "8.75")
        self.assertEqual(
            self.text(line, "cac:AllowanceCharge/cbc:ChargeIndicator"), "false"
        )
        self.assertEqual(float(self.text(line, "cbc:LineExtensionAmount")), 157.5)

    def test_partner_without_peppol_address_is_refused_before_sending(self):
        self.supplier_json.peppol_endpoint = False
        order = self.order(self.supplier_json, LINES[:1], confirm=False)
        with self.assertRaises(HcBusinessError) as caught:
            order.button_confirm()
        self.assertIn("Test MedDistrib has no Peppol address", str(caught.exception))
        self.assertEqual(order.state, "draft", "nothing confirmed")
        self.assertFalse(self.sim.requests(path="/ubl/orders"), "nothing sent")

    def test_invalid_gln_endpoint_is_refused(self):
        self.supplier_json.peppol_endpoint = "5400000000004"
        order = self.order(self.supplier_json, LINES[:1], confirm=False)
        with self.assertRaisesRegex(HcBusinessError, "no valid GLN"):
            order.button_confirm()

    def test_revision_goes_out_as_an_order_change(self):
        order = self.order(self.supplier_json, LINES)
        self.line(order, 1).product_qty = 25
        order.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.products["mask"].id,
                            "product_qty": 10,
                            "price_unit": 6.40,
                        }
                    )
                ]
            }
        )
        with self.jobs() as trap:
            order.action_hc_resend()
            self.run_jobs(trap)
        first, change = self.sent_documents()
        self.assertEqual(etree.QName(change).localname, "OrderChange")
        self.assertEqual(
            self.text(change, "cbc:CustomizationID"),
            "urn:fdc:peppol.eu:poacc:trns:order_change:3",
        )
        self.assertEqual(
            self.text(change, "cbc:ProfileID"), self.text(first, "cbc:ProfileID")
        )
        self.assertEqual(self.text(change, "cac:OrderReference/cbc:ID"), order.name)
        self.assertEqual(self.text(change, "cbc:ID"), f"{order.name}-rev2")
        self.assertEqual(self.text(change, "cbc:SequenceNumberID"), "1")
        self.assertSchemaOrder(change, CHANGE_HEADER)
        self.assertTrue(self.text(change, "cac:ValidityPeriod/cbc:EndDate"))
        self.assertPeppolParties(change)
        self.assertPeppolLines(change)
        statuses = {
            self.text(line, "cbc:ID"): self.text(line, "cbc:LineStatusCode")
            for line in change.findall("cac:OrderLine/cac:LineItem", NS)
        }
        # UNCL 1229: 3 changed, 4 no action, 1 added
        self.assertEqual(statuses, {"1": "3", "2": "4", "3": "4", "4": "1"})

    def test_cancellation_has_the_orders_profile_and_parties(self):
        order = self.order(self.supplier_json, LINES[:2])
        with self.jobs() as trap:
            order.button_cancel()
            self.run_jobs(trap)
        first, cancel = self.sent_documents()
        self.assertEqual(etree.QName(cancel).localname, "OrderCancellation")
        self.assertEqual(
            self.text(cancel, "cbc:CustomizationID"),
            "urn:fdc:peppol.eu:poacc:trns:order_cancellation:3",
        )
        self.assertEqual(
            self.text(cancel, "cbc:ProfileID"), self.text(first, "cbc:ProfileID")
        )
        self.assertEqual(self.text(cancel, "cac:OrderReference/cbc:ID"), order.name)
        self.assertTrue(self.text(cancel, "cbc:CancellationNote"))
        self.assertSchemaOrder(cancel, CANCELLATION_HEADER)
        self.assertPeppolParties(cancel)
        self.assertEqual(order.hc_transmission_state, "cancel_sent")
