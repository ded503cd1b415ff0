# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib

from odoo import fields, models

from ..lib import peppol_invoice_response as responses

REJECTION_REASONS = [
    (code, label)
    for code, label in responses.STATUS_REASONS.items()
    if code not in ("NON", "PPD")  # no issue, partially paid: not a rejection
]
RESPONSE_ACTIONS = list(responses.STATUS_ACTIONS.items())


class AccountMove(models.Model):
    """Vendor bills read from a Peppol invoice: what the supplier is told of
    them (Peppol Invoice Response, T111) and the AP clerk's words to it."""

    _inherit = "account.move"

    hc_invoice_response_sent = fields.Char(
        string="Invoice response sent",
        readonly=True,
        copy=False,
        help="The last Peppol invoice response code sent to the supplier.",
    )
    hc_invoice_response_note = fields.Text(
        string="Told the supplier",
        readonly=True,
        copy=False,
        help="The AP clerk's words to the supplier with the last decision "
        "(credit note requested, invoice rejected).",
    )
    hc_rejection_reason = fields.Selection(
        REJECTION_REASONS,
        string="Rejection reason",
        readonly=True,
        copy=False,
        help="Why the supplier's invoice was rejected (Peppol status reason).",
    )
    hc_rejection_action = fields.Selection(
        RESPONSE_ACTIONS,
        string="Supplier to",
        readonly=True,
        copy=False,
        help="What the supplier is asked to do about the rejected invoice.",
    )

    def action_hc_reject_invoice(self):
        return self._hc_match_decision_wizard("reject")

    def _hc_send_invoice_response(self):
        """Tell a Peppol supplier what became of its invoice (Invoice Response,
        T111), once per answer: accepted, under query, conditionally accepted,
        rejected, paid. Nothing when the supplier's backend has no active
        ``procurement.invoice_response_out`` flow."""
        self.ensure_one()
        if self.hc_invoice_flow_id.flow_type_id.code != "procurement.invoice_in_ubl":
            return
        handler = self.env["hc.handler.procurement.invoice.response"]
        code = handler.response_code(self)
        if code == self.hc_invoice_response_sent:
            return
        messages = self._hc_send(
            "procurement.invoice_response_out",
            idempotency_key=self._hc_invoice_response_id(code).replace("-", "/"),
        )
        if messages:
            self.sudo().hc_invoice_response_sent = code

    def _hc_invoice_response_id(self, code):
        """One answer per bill, code and match result: the response's
        identifier (a draft bill has no number yet), e.g. IR-34-UQ-3f2a9c1b."""
        self.ensure_one()
        digest = hashlib.sha1(
            (self.hc_match_summary or "").encode(), usedforsecurity=False
        ).hexdigest()[:8]
        return f"IR-{self.id}-{code}-{digest}"
