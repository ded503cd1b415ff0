# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import models

from odoo.addons.healthcare_integration_reconciliation.lib import reconcile as lib


class HcReconciliationHandlerProcurementOrders(models.AbstractModel):
    """Orders sent to a supplier against the supplier's daily order report.

    An order is a document of type ``order``, by its name (the PO number the
    supplier knows), at its total; its cancellations are not orders. A
    revision sent again is still one order, at its last total.
    """

    _name = "hc.reconciliation.handler.procurement.orders"
    _inherit = "hc.reconciliation.handler"
    _description = "Reconcile orders sent with the supplier's report"

    _hc_doc_type = "order"
    _hc_res_model = "purchase.order"

    # EXTENDS hc.reconciliation.handler
    def exchanged_documents(self, reconciliation, start, end):
        messages = self._exchanged_messages(reconciliation.flow_id, start, end)
        messages = messages.filtered(
            lambda m: m.res_model == self._hc_res_model
            and not (m.idempotency_key or "").endswith("/cancel")
        )
        # one browse of every record: their fields are read in one query
        records = self.env[self._hc_res_model].sudo().browse(messages.mapped("res_id"))
        by_id = {record.id: record for record in records.exists()}
        documents = {}
        for message in messages:
            record = by_id.get(message.res_id)
            if record:
                document = self._document(message, record)
                documents[document.reference] = document
        return list(documents.values())

    def _document(self, message, record):
        return lib.Document(
            message.done_at.date(),
            self._hc_doc_type,
            record.name,
            Decimal(str(record.amount_total)),
            self.origin_of(message, record),
        )


class HcReconciliationHandlerProcurementInvoices(models.AbstractModel):
    """Supplier invoices received against the supplier's daily invoice report:
    a bill by the supplier's invoice number, at its total."""

    _name = "hc.reconciliation.handler.procurement.invoices"
    _inherit = "hc.reconciliation.handler.procurement.orders"
    _description = "Reconcile invoices received with the supplier's report"

    _hc_doc_type = "invoice"
    _hc_res_model = "account.move"

    # EXTENDS hc.reconciliation.handler.procurement.orders
    def _document(self, message, record):
        document = super()._document(message, record)
        return lib.Document(
            document.day,
            document.doc_type,
            record.ref or record.name,
            document.amount,
            document.origin,
        )
