# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_core.lib import schema

from ..lib import documents as docs


class HcHandlerProcurementPaymentOut(models.AbstractModel):
    """Payment status out: a supplier's bill paid, partly paid or reversed."""

    _name = "hc.handler.procurement.payment.out"
    _inherit = "hc.handler"
    _description = "Procurement handler: payment status out"
    _hc_directions = ("outbound",)

    def select_flows(self, record, flows):
        backend = record.commercial_partner_id._hc_procurement_backend()
        return flows.filtered(lambda flow: flow.backend_id == backend)

    def build_payload(self, record, flow):
        status = {
            "in_payment": "paid",
            "paid": "paid",
            "partial": "partial",
            "reversed": "reversed",
        }[record._hc_payment_status()]
        return {
            "invoice_number": record.ref or None,
            "bill": record.name,
            "supplier": {
                "code": record.commercial_partner_id.hc_supplier_code or None,
                "vat": record.commercial_partner_id.vat or None,
            },
            "status": status,
            "amount_total": record.amount_total,
            "amount_residual": record.amount_residual,
            "currency": record.currency_id.name,
            "po_numbers": sorted(
                set(record.invoice_line_ids.purchase_line_id.order_id.mapped("name"))
            ),
            "date": fields.Date.to_string(fields.Date.context_today(record)),
        }


class HcHandlerProcurementPaymentIn(models.AbstractModel):
    """Payment status in: what an external finance system says of a bill.

    The status is kept on the bill, with the system it came from, and posted
    in its chatter; Odoo's own payment state (from reconciliation) is left
    untouched.
    """

    _name = "hc.handler.procurement.payment.in"
    _inherit = "hc.handler"
    _description = "Procurement handler: payment status in"
    _hc_directions = ("inbound",)

    def decode(self, message, body):
        try:
            return docs.read_payment_status_json(schema.load_json(body))
        except docs.DocumentError as exc:
            raise schema.PayloadValidationError([str(exc)]) from None

    def process(self, message, document):
        backend = message.backend_id
        domain = [
            ("move_type", "in", ("in_invoice", "in_refund")),
            ("company_id", "=", backend.company_id.id),
            ("ref", "=", document["invoice_number"]),
            ("state", "!=", "cancel"),
        ]
        supplier = document["supplier"]
        if any(supplier.values()):
            partner = self.env["hc.procurement.resolver"]._supplier_by_keys(supplier)
            domain.append(("commercial_partner_id", "in", partner.ids))
        # The processor is no accountant: the status is recorded on the bill
        # of this backend's company as superuser.
        bills = self.env["account.move"].sudo().search(domain)
        if len(bills) != 1:
            raise HcBusinessError(
                _(
                    "%(n)s bills match invoice %(number)s: the payment status "
                    "cannot be recorded.",
                    n=len(bills),
                    number=document["invoice_number"],
                ),
                kind="unknown_invoice",
            )
        bills._hc_record_external_payment(backend, document)
        return bills
