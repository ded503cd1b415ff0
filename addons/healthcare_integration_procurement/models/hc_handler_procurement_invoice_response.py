# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_core.lib import schema

from ..lib import peppol_invoice_response as responses


class HcHandlerProcurementInvoiceResponse(models.AbstractModel):
    """Peppol Invoice Response (T111) out: what became of a supplier's invoice.

    Flow type ``procurement.invoice_response_out``, active on the backend of
    the Peppol suppliers that want it. After the three-way match of a bill read
    from a Peppol invoice: matched is accepted (``AP``); outside tolerance or
    without an order it is under query (``UQ``), with the reason of each line
    (prices, quantity, delivery, items, references) and what the supplier should
    do. Then the AP clerk's decision: a variance approved is accepted (``AP``),
    a credit note requested is conditionally accepted (``CA``: paid as ordered
    once the variance is credited, the request as the note), an invoice rejected
    is ``RE`` with the clerk's reason and action. Paid is ``PD``. Each answer
    goes out once per bill.
    """

    _name = "hc.handler.procurement.invoice.response"
    _inherit = "hc.handler"
    _description = "Procurement handler: Peppol invoice response out"
    _hc_directions = ("outbound",)

    def select_flows(self, record, flows):
        backend = record.commercial_partner_id._hc_procurement_backend()
        flows = flows.filtered(lambda flow: flow.backend_id == backend)
        if flows and not self._answerable(record):
            # an invoice without Peppol addresses cannot be answered over Peppol
            self.env["hc.procurement.resolver"]._note(
                record,
                self.env._(
                    "No Peppol invoice response: the invoice gives no Peppol "
                    "address for its buyer and seller."
                ),
            )
            return flows.browse()
        return flows

    def _answerable(self, bill):
        invoice = self._received_invoice(bill)
        return all(
            invoice.find(f"{{*}}{party}/{{*}}Party/{{*}}EndpointID") is not None
            for party in ("AccountingCustomerParty", "AccountingSupplierParty")
        )

    def build_payload(self, record, flow):
        code, reasons, actions, note = self._outcome(record)
        return responses.invoice_response(
            self._received_invoice(record),
            code,
            record._hc_invoice_response_id(code),
            fields.Date.context_today(record),
            reasons=reasons,
            actions=actions,
            note=note,
        )

    def _outcome(self, bill):
        """(response code, [(reason, text)], [action], note) of the bill as it
        is: the three-way match's verdict, then the AP clerk's decision."""
        if bill.payment_state in ("paid", "in_payment"):
            return responses.PAID, [], [], None
        note = bill.hc_invoice_response_note or None
        if bill.hc_match_state == "rejected":
            # the clerk's reason first, then what the match found
            reasons = [(bill.hc_rejection_reason or "OTH", note)]
            reasons += self._line_reasons(bill)[0]
            actions = [bill.hc_rejection_action or "CNF"]
            return responses.REJECTED, reasons, actions, None
        if bill.hc_match_state in ("matched", "approved"):
            # a variance approved is the invoice accepted as invoiced
            return responses.ACCEPTED, [], [], None
        if bill.hc_match_state == "no_order":
            reason, action = responses.NO_ORDER
            text = self.env._("No order of ours matches the invoice's order reference.")
            reasons, actions = [(reason, text)], [action]
        else:
            reasons, actions = self._line_reasons(bill)
        if bill.hc_credit_note_requested_at and bill.hc_match_state == "mismatch":
            # paid as ordered once the supplier credits the variance
            return responses.CONDITIONALLY_ACCEPTED, reasons, actions, note
        return responses.UNDER_QUERY, reasons, actions, None

    def _line_reasons(self, bill):
        """([(reason, text)], [action]) of the lines outside the match."""
        reasons, actions = [], []
        for line in bill.hc_match_line_ids.filtered(lambda ml: not ml.ok):
            reason, action = responses.MATCH_REASONS.get(line.verdict, ("OTH", "OTH"))
            text = " ".join((line.reason or line.description or "").split())
            reasons.append((reason, text))
            actions.append(action)
        return reasons, actions

    def _received_invoice(self, bill):
        """The supplier's invoice the bill was read from: the one being read
        (``hc_received_invoice`` in the context), else the payload of the
        message that brought it."""
        received = bill.env.context.get("hc_received_invoice")
        if received is not None:
            return received
        message = (
            self.env["hc.message"]
            .sudo()
            .search(
                [
                    ("res_model", "=", bill._name),
                    ("res_id", "=", bill.id),
                    ("direction", "=", "inbound"),
                ],
                order="id desc",
                limit=1,
            )
        )
        if not message:
            raise HcBusinessError(
                self.env._("Bill %s was not read from a Peppol invoice.", bill.name),
                kind="configuration",
                records=bill,
            )
        return schema.parse_xml(message._body()).getroot()

    def response_code(self, bill):
        """The response code the bill's state calls for (see ``_outcome``)."""
        return self._outcome(bill)[0]
