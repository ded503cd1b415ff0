# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo import Command, _, models
from odoo.tools import html2plaintext

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_core.lib import schema

from ..lib import documents as docs
from ..lib import x12_documents

INVOICE_DOCUMENTS = ("Invoice", "CreditNote", "CrossIndustryInvoice")


def _article(word):
    return "An" if word[:1].upper() in "AEIOU" else "A"


class HcHandlerProcurementInvoice(models.AbstractModel):
    """Supplier invoices in: JSON, X12 810, or UBL/CII through Odoo's importer.

    The bill is created in the backend's company for the supplier the backend
    trades with; an invoice number already billed by that supplier is refused
    as a duplicate. The bill is linked to its order by the order reference,
    else by supplier and lines (never by amount alone), then goes through the
    three-way match: within tolerance it is marked matched; outside, its
    payment is blocked and the flow's business owner (accounts payable) gets
    an activity with the reason of each failing line.
    """

    _name = "hc.handler.procurement.invoice"
    _inherit = "hc.handler"
    _description = "Procurement handler: supplier invoice in"
    _hc_directions = ("inbound",)

    def decode(self, message, body):
        fmt = message.flow_id._job_settings().payload_format
        try:
            if fmt == "x12":
                return x12_documents.read_810(body)
            if fmt == "xml":
                return [self._invoice_tree(schema.parse_xml(body))]
            return [docs.read_invoice_json(schema.load_json(body))]
        except docs.DocumentError as exc:
            raise schema.PayloadValidationError([str(exc)]) from None

    @staticmethod
    def _invoice_tree(tree):
        """The tree of a UBL Invoice or CreditNote or a CII invoice; any other
        document (an Order posted to the invoice flow) is refused by name."""
        kind = etree.QName(tree.getroot()).localname
        if kind not in INVOICE_DOCUMENTS:
            raise docs.DocumentError(
                f"{_article(kind)} {kind} is not an invoice: this flow reads UBL "
                "Invoice and CreditNote (Peppol BIS Billing 3) and CII "
                "CrossIndustryInvoice documents"
            )
        return tree

    def process(self, message, document):
        bills = self.env["account.move"]
        for invoice in document:
            if message.flow_id._job_settings().payload_format == "xml":
                bills |= self._import_ubl(message, invoice)
            else:
                bills |= self._create_bill(message, invoice)
        return bills

    # ------------------------------------------------------------------ checks

    def _check_duplicate(self, supplier, number):
        # The processor is no accountant: bills are looked up and created as
        # superuser, for the supplier of this backend, in its company.
        duplicate = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "in", ("in_invoice", "in_refund")),
                    ("commercial_partner_id", "=", supplier.commercial_partner_id.id),
                    ("ref", "=", number),
                    ("state", "!=", "cancel"),
                ],
                limit=1,
            )
        )
        if duplicate:
            raise HcBusinessError(
                _(
                    "Invoice %(number)s of %(supplier)s is a duplicate of bill "
                    "%(bill)s: refused.",
                    number=number,
                    supplier=supplier.display_name,
                    bill=duplicate.display_name,
                ),
                kind="duplicate_invoice",
                records=duplicate,
            )

    def _journal(self, company):
        journal = (
            self.env["account.journal"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("type", "=", "purchase")], limit=1
            )
        )
        if not journal:
            raise HcBusinessError(
                _("Company %s has no purchase journal.", company.name),
                kind="configuration",
            )
        return journal

    # ------------------------------------------------------------------ JSON, 810

    def _create_bill(self, message, invoice):
        backend = message.backend_id
        resolver = self.env["hc.procurement.resolver"]
        supplier = resolver._supplier(backend, invoice["supplier"])
        self._check_duplicate(supplier, invoice["invoice_number"])
        company = backend.company_id
        order = self._order_by_reference(supplier, company, invoice["po_number"])
        currency = self.env["res.currency"].search(
            [("name", "=", invoice["currency"] or company.currency_id.name)], limit=1
        )
        lines = [
            Command.create(self._line_values(backend, supplier, order, doc_line))
            for doc_line in invoice["lines"]
        ]
        bill = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "in_refund"
                    if invoice["credit_note"]
                    else "in_invoice",
                    "journal_id": self._journal(company).id,
                    "partner_id": supplier.id,
                    "ref": invoice["invoice_number"],
                    "invoice_date": invoice["date"],
                    "invoice_date_due": invoice["due_date"],
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_origin": invoice["po_number"] or False,
                    "invoice_line_ids": lines,
                }
            )
        )
        return self._after_import(message, bill, supplier, invoice["po_number"])

    def _line_values(self, backend, supplier, order, doc_line):
        resolver = self.env["hc.procurement.resolver"]
        po_line = self.env["purchase.order.line"]
        if order:
            po_line = order.order_line.filtered(
                lambda ln: str(ln.hc_line_number)
                == str(doc_line["line_number"]).lstrip("0")
                and ln._hc_item_matches(doc_line["item_code"], doc_line["gtin"])
            )[:1]
        product = po_line.product_id or resolver._product(
            supplier, backend, doc_line["item_code"], doc_line["gtin"]
        )
        uom = resolver._uom(
            backend, doc_line["uom"], po_line.product_uom or product.uom_po_id
        )
        values = {
            "name": doc_line["description"]
            or po_line.name
            or doc_line["item_code"]
            or _("Line %s", doc_line["line_number"]),
            "quantity": float(doc_line["quantity"]),
            "price_unit": float(doc_line["unit_price"]),
            "purchase_line_id": po_line.id or False,
        }
        if product:
            values["product_id"] = product.id
        if uom:
            values["product_uom_id"] = uom.id
        if po_line:
            values["tax_ids"] = [Command.set(po_line.taxes_id.ids)]
        return values

    # ------------------------------------------------------------------ UBL / CII

    def _import_ubl(self, message, tree):
        backend = message.backend_id
        root = tree.getroot()
        supplier_info = self._ubl_supplier(root)
        supplier = self.env["hc.procurement.resolver"]._supplier(backend, supplier_info)
        number = root.findtext("{*}ID") or root.findtext("{*}ExchangedDocument/{*}ID")
        if not number:
            raise schema.PayloadValidationError(["The invoice has no number (cbc:ID)"])
        self._check_duplicate(supplier, number.strip())
        company = backend.company_id
        moves = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .with_context(
                default_move_type="in_invoice",
                hc_procurement_supplier_id=supplier.id,
            )
        )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{number.strip()}.xml",
                    "raw": message._body(),
                    "mimetype": "application/xml",
                }
            )
        )
        bill = moves.create(
            {"move_type": "in_invoice", "journal_id": self._journal(company).id}
        )
        bill._extend_with_attachments(attachment, new=True)
        if not bill.invoice_line_ids:
            raise HcBusinessError(
                _(
                    "Odoo's UBL/CII importer could not read invoice %(number)s; "
                    "it said: %(said)s",
                    number=number,
                    said=self._importer_said(bill) or _("nothing"),
                ),
                kind="unreadable_invoice",
            )
        self.env["hc.procurement.resolver"]._note(
            bill, _("Received through %s.", message.name), attachment_ids=attachment.ids
        )
        order_ref = root.findtext("{*}OrderReference/{*}ID")
        return self._after_import(message, bill, supplier, order_ref, tree=root)

    @staticmethod
    def _importer_said(bill):
        """What Odoo's importer wrote on the bill while reading it (its errors
        and remarks are posted in the chatter), oldest first."""
        notes = [
            " ".join(html2plaintext(note.body).split())
            for note in bill.sudo().message_ids.sorted("id")
            if note.body
        ]
        return " / ".join(notes)[:2000]

    @staticmethod
    def _ubl_supplier(root):
        party = root.find("{*}AccountingSupplierParty/{*}Party")
        if party is None:
            return {}
        vat = party.findtext("{*}PartyTaxScheme/{*}CompanyID")
        endpoint = party.find("{*}EndpointID")
        gln = None
        if endpoint is not None and endpoint.get("schemeID") == "0088":
            gln = (endpoint.text or "").strip()
        return {"vat": vat, "gln": gln or None, "code": None}

    # ------------------------------------------------------------------ linking

    def _order_by_reference(self, supplier, company, reference):
        if not reference:
            return self.env["purchase.order"]
        orders = (
            self.env["purchase.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "child_of", supplier.commercial_partner_id.id),
                    ("state", "in", ("purchase", "done")),
                    "|",
                    ("name", "=", reference),
                    ("partner_ref", "=", reference),
                ]
            )
        )
        return orders[:1]

    def _order_by_lines(self, bill, supplier):
        """The one open order of the supplier holding every product billed."""
        products = bill.invoice_line_ids.product_id
        if not products:
            return self.env["purchase.order"]
        candidates = (
            self.env["purchase.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", bill.company_id.id),
                    ("partner_id", "child_of", supplier.commercial_partner_id.id),
                    ("state", "in", ("purchase", "done")),
                    ("invoice_status", "=", "to invoice"),
                ]
            )
        )
        matching = candidates.filtered(lambda o: products <= o.order_line.product_id)
        return matching if len(matching) == 1 else self.env["purchase.order"]

    def _link_lines(self, bill, order, tree=None):
        references = self._ubl_line_references(tree) if tree is not None else []
        free = order.order_line.filtered(lambda ln: not ln.display_type)
        used = bill.invoice_line_ids.purchase_line_id
        product_lines = bill.invoice_line_ids.filtered(
            lambda ln: ln.display_type == "product" and not ln.purchase_line_id
        )
        for index, line in enumerate(product_lines):
            wanted = references[index] if index < len(references) else None
            candidates = (free - used).filtered(
                lambda ln, p=line.product_id: ln.product_id == p
            )
            if wanted:
                candidates = (
                    candidates.filtered(
                        lambda ln, w=wanted: str(ln.hc_line_number) == w
                    )
                    or candidates
                )
            chosen = candidates[:1]
            if chosen:
                line.purchase_line_id = chosen
                used |= chosen

    @staticmethod
    def _ubl_line_references(root):
        return [
            (line.findtext("{*}OrderLineReference/{*}LineID") or "").strip()
            for line in root.findall("{*}InvoiceLine")
            + root.findall("{*}CreditNoteLine")
        ]

    def _after_import(self, message, bill, supplier, order_ref, tree=None):
        order = self._order_by_reference(supplier, bill.company_id, order_ref)
        if not order:
            order = self._order_by_lines(bill, supplier)
        if order:
            self._link_lines(bill, order, tree)
            bill.invoice_origin = order.name
        bill.hc_invoice_flow_id = message.flow_id
        if tree is not None:
            # the invoice being read, for the Peppol invoice response
            bill = bill.with_context(hc_received_invoice=tree)
        bill._hc_run_three_way_match(owner=message.flow_id._business_owner())
        return bill
