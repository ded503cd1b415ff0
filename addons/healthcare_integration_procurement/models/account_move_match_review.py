# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from .account_move import MATCH_BLOCKING


class AccountMove(models.Model):
    """Vendor bills: what a person does about a three-way match (the match
    itself is in ``account_move.py``): confirm only a bill that passed or
    whose variance was approved, approve a variance or request a credit note
    (``hc.procurement.match.decision``), match again, release a payment block
    (accounting managers; audited)."""

    # the review actions apart from the match: one job per file
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def action_post(self):
        # EXTENDS account: a vendor bill of purchase order lines is matched when
        # it is confirmed, however it was entered (a supplier's 810, UBL or
        # JSON bill was matched when it came in); a bill outside the three-way
        # match is not confirmed until its variance is approved or the supplier
        # corrects it
        unmatched = self.filtered(
            lambda m: m.move_type == "in_invoice"
            and not m.hc_match_state
            and m.invoice_line_ids.purchase_line_id
        )
        unmatched._hc_run_three_way_match()
        blocked = self.filtered(lambda m: m.hc_match_state in MATCH_BLOCKING)
        if blocked - unmatched:
            raise UserError(blocked._hc_match_failure_text())
        if not blocked:
            return super().action_post()
        # matched just now: keep the match (its lines, the payment block, the
        # activity) instead of rolling it back with an error, and say so
        if self - blocked:
            super(AccountMove, self - blocked).action_post()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": _("Three-way match failed: not confirmed"),
                "message": blocked._hc_match_failure_text(),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _hc_match_failure_text(self):
        """Why these bills are not confirmed and the ways out, as the error of
        a confirmation refused and the notice of one just matched say it."""
        return _(
            "%(bills)s failed the three-way match (%(reason)s). Approve the "
            "variance with a reason, or request a credit note from the "
            "supplier, before confirming.",
            bills=", ".join(self.mapped("display_name")),
            reason=(self[:1].hc_match_summary or "").replace("\n", " ").strip(),
        )

    def action_hc_approve_variance(self):
        return self._hc_match_decision_wizard("approve")

    def action_hc_request_credit_note(self):
        return self._hc_match_decision_wizard("credit_note")

    def _hc_match_decision_wizard(self, decision):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hc.procurement.match.decision",
            "view_mode": "form",
            "target": "new",
            "name": dict(self.env["hc.procurement.match.decision"]._DECISIONS)[
                decision
            ],
            "context": {"default_move_id": self.id, "default_decision": decision},
        }

    def action_hc_rematch(self):
        self._hc_rematch()
        return True

    def action_toggle_block_payment(self):
        # EXTENDS account: a block set by a failed three-way match is lifted by
        # an accounting manager only (or by a match that passes)
        for bill in self:
            if (
                bill.payment_state == "blocked"
                and bill.hc_blocked_by_match
                and bill.hc_match_state != "matched"
                and not self.env.user.has_group("account.group_account_manager")
            ):
                raise UserError(
                    _(
                        "The payment of %s is blocked by the three-way match; an "
                        "accounting manager may release it.",
                        bill.display_name,
                    )
                )
        res = super().action_toggle_block_payment()
        released = self.filtered(
            lambda b: b.hc_blocked_by_match and b.payment_state != "blocked"
        )
        for bill in released:
            bill.message_post(
                body=_(
                    "Payment block of the three-way match released by %s.",
                    self.env.user.name,
                )
            )
            self.env["hc.audit.log"].sudo()._log(
                "payment_block_released",
                bill,
                {
                    "by": self.env.user.name,
                    "at": fields.Datetime.to_string(fields.Datetime.now()),
                    "match_state": bill.hc_match_state,
                    # the match's findings the release overrides
                    "reason": bill.hc_match_summary or None,
                    "amount_total": bill.amount_total,
                },
            )
        released.hc_blocked_by_match = False
        return res
