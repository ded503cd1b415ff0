# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import peppol_invoice_response as responses
from ..models.account_move import MATCH_BLOCKING
from ..models.account_move_invoice_response import REJECTION_REASONS, RESPONSE_ACTIONS


class HcProcurementMatchDecision(models.TransientModel):
    """The way out of a bill blocked by the three-way match.

    *Approve variance*: an accounting manager accepts the bill as it is, with a
    reason; the bill may then be confirmed and paid, and the approval (who,
    why, which lines) is written to the integration's hash-chained audit log.
    *Request credit note*: the supplier is asked, in the bill's chatter (and by
    e-mail), for a credit note covering the variance; the bill stays blocked.
    *Reject invoice*: the bill is cancelled, with the Peppol reason and what
    the supplier should do (credit fully, issue a new invoice...).
    A Peppol supplier whose invoice response flow is active is told each
    decision as an Invoice Response: accepted, conditionally accepted (the
    request as its note), rejected.
    """

    _name = "hc.procurement.match.decision"
    _description = "Three-way Match Decision"
    _DECISIONS = [
        ("approve", "Approve variance"),
        ("credit_note", "Request credit note"),
        ("reject", "Reject invoice"),
    ]

    move_id = fields.Many2one(
        "account.move", string="Bill", required=True, readonly=True
    )
    decision = fields.Selection(_DECISIONS, required=True, readonly=True)
    match_summary = fields.Text(related="move_id.hc_match_summary")
    tolerance = fields.Char(related="move_id.hc_match_tolerance")
    reason = fields.Text(
        required=True,
        help="Why the variance is accepted, what the supplier should credit, or "
        "why the invoice is rejected (sent to a Peppol supplier).",
    )
    rejection_reason = fields.Selection(
        REJECTION_REASONS,
        help="The Peppol reason of the rejection, as the supplier receives it.",
    )
    rejection_action = fields.Selection(
        RESPONSE_ACTIONS,
        string="Supplier to",
        default="CNF",
        help="What the supplier should do about the rejected invoice.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        move = self.env["account.move"].browse(
            values.get("move_id") or context.get("default_move_id")
        )
        decision = values.get("decision") or context.get("default_decision")
        if "rejection_reason" in fields_list and decision == "reject":
            values.setdefault("rejection_reason", self._default_rejection(move))
        if (
            "reason" in fields_list
            and decision == "credit_note"
            and move.hc_match_summary
        ):
            values.setdefault(
                "reason",
                _(
                    "Please send a credit note for the difference on:\n%s",
                    move.hc_match_summary,
                ),
            )
        return values

    def action_confirm(self):
        self.ensure_one()
        bill = self.move_id
        if bill.hc_match_state not in MATCH_BLOCKING:
            raise UserError(
                _("%s is not blocked by the three-way match.", bill.display_name)
            )
        if self.decision == "approve":
            self._approve(bill)
        elif self.decision == "reject":
            self._reject(bill)
        else:
            self._request_credit_note(bill)
        return {"type": "ir.actions.act_window_close"}

    def _approve(self, bill):
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                _("Only an accounting manager may approve a three-way match variance.")
            )
        lines = bill.hc_match_line_ids.filtered(lambda line: not line.ok)
        bill.sudo().write(
            {
                "hc_match_state": "approved",
                "hc_match_approved_by_id": self.env.uid,
                "hc_match_approval_reason": self.reason,
            }
        )
        if bill.payment_state == "blocked" and bill.hc_blocked_by_match:
            bill.sudo().payment_state = "not_paid"
            self.env.add_to_compute(bill._fields["payment_state"], bill.sudo())
        bill.sudo().hc_blocked_by_match = False
        bill.activity_ids.filtered(
            lambda a: a.res_model == "account.move"
        ).action_feedback(feedback=_("Variance approved: %s", self.reason))
        bill.message_post(
            body=Markup("%s<br/>%s")
            % (
                _(
                    "Three-way match variance approved by %s; payment block lifted.",
                    self.env.user.name,
                ),
                self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.env["hc.audit.log"].sudo()._log(
            "match_variance_approved",
            bill,
            {
                "approved_by": self.env.user.login,
                "reason": self.reason,
                "lines": [
                    {"line": line.description, "verdict": line.verdict}
                    for line in lines
                ],
                "amount_total": bill.amount_total,
            },
        )
        bill._hc_send_invoice_response()

    @staticmethod
    def _default_rejection(bill):
        """The reason the match suggests: no order is wrong references, else
        the first line's verdict."""
        if bill.hc_match_state == "no_order":
            return responses.NO_ORDER[0]
        for line in bill.hc_match_line_ids.filtered(lambda ml: not ml.ok):
            return responses.MATCH_REASONS.get(line.verdict, ("OTH",))[0]
        return "OTH"

    def _reject(self, bill):
        if not self.rejection_reason:
            raise UserError(_("Say why the invoice is rejected (Rejection reason)."))
        if bill.state == "posted":
            # a rejected invoice is no entry of the books
            raise UserError(
                _("Reset %s to draft before rejecting it.", bill.display_name)
            )
        bill.sudo().write(
            {
                "hc_match_state": "rejected",
                "hc_rejection_reason": self.rejection_reason,
                "hc_rejection_action": self.rejection_action or "CNF",
                "hc_invoice_response_note": self.reason,
                "hc_blocked_by_match": False,
            }
        )
        if bill.payment_state == "blocked":
            bill.sudo().payment_state = "not_paid"
        if bill.state == "draft":
            bill.button_cancel()
        bill.activity_ids.filtered(
            lambda a: a.res_model == "account.move"
        ).action_feedback(feedback=_("Invoice rejected: %s", self.reason))
        labels = dict(REJECTION_REASONS)
        bill.message_post(
            body=Markup("%s<br/>%s")
            % (
                _(
                    "Invoice rejected by %(user)s (%(reason)s).",
                    user=self.env.user.name,
                    reason=labels[self.rejection_reason],
                ),
                self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.env["hc.audit.log"].sudo()._log(
            "match_invoice_rejected",
            bill,
            {
                "rejected_by": self.env.user.login,
                "reason_code": self.rejection_reason,
                "action_code": self.rejection_action,
                "reason": self.reason,
            },
        )
        bill._hc_send_invoice_response()

    def _request_credit_note(self, bill):
        bill.sudo().hc_credit_note_requested_at = fields.Datetime.now()
        bill.message_post(
            body=self.reason,
            subject=_("Credit note requested for %s", bill.ref or bill.display_name),
            partner_ids=bill.commercial_partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        bill.sudo().hc_invoice_response_note = self.reason
        self.env["hc.audit.log"].sudo()._log(
            "match_credit_note_requested", bill, {"request": self.reason}
        )
        bill._hc_send_invoice_response()
