# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from decimal import Decimal

from odoo import _, api, fields, models

from ..lib import matching

_logger = logging.getLogger(__name__)

MATCH_STATES = [
    ("matched", "Matched"),
    ("mismatch", "Outside tolerance"),
    ("no_order", "No order found"),
    ("approved", "Variance approved"),
    ("rejected", "Rejected"),
]
# bills that may not be confirmed nor paid until someone decides
MATCH_BLOCKING = ("mismatch", "no_order")
SENT_PAYMENT_STATES = ("in_payment", "paid", "partial", "reversed")
EXTERNAL_STATES = [
    ("unpaid", "Unpaid"),
    ("partial", "Partially paid"),
    ("paid", "Paid"),
    ("reversed", "Reversed"),
    ("blocked", "Blocked"),
]


def _dec(value):
    return Decimal(str(round(value, 6)))


class AccountMove(models.Model):
    """Vendor bills: three-way match, payment block, payment status exchange."""

    _name = "account.move"
    _inherit = ["account.move", "hc.consumer.mixin"]

    hc_match_state = fields.Selection(
        MATCH_STATES, string="Three-way match", readonly=True, copy=False, index=True
    )
    hc_match_line_ids = fields.One2many(
        "hc.procurement.match.line", "move_id", string="Match lines", readonly=True
    )
    hc_match_summary = fields.Text(string="Match result", readonly=True, copy=False)
    hc_blocked_by_match = fields.Boolean(readonly=True, copy=False)
    hc_match_tolerance = fields.Char(
        string="Tolerance", compute="_compute_hc_match_tolerance"
    )
    hc_match_approved_by_id = fields.Many2one(
        "res.users", string="Variance approved by", readonly=True, copy=False
    )
    hc_match_approval_reason = fields.Text(
        string="Approval reason", readonly=True, copy=False
    )
    hc_credit_note_requested_at = fields.Datetime(
        string="Credit note requested", readonly=True, copy=False
    )
    hc_invoice_flow_id = fields.Many2one(
        "hc.flow", string="Received through", readonly=True, copy=False
    )
    hc_payment_state_sent = fields.Char(readonly=True, copy=False)
    hc_external_payment_state = fields.Selection(
        EXTERNAL_STATES, string="Payment status (finance)", readonly=True, copy=False
    )
    hc_external_paid_amount = fields.Monetary(
        string="Paid (finance)", readonly=True, copy=False
    )
    hc_external_payment_date = fields.Date(
        string="Payment date (finance)", readonly=True, copy=False
    )
    hc_external_payment_ref = fields.Char(
        string="Payment reference (finance)", readonly=True, copy=False
    )
    hc_external_payment_backend_id = fields.Many2one(
        "hc.backend", string="Payment status from", readonly=True, copy=False
    )

    # ------------------------------------------------------------------ match

    @api.depends("company_id", "partner_id", "hc_match_state")
    def _compute_hc_match_tolerance(self):
        tolerances = self.env["hc.procurement.tolerance"]
        for bill in self:
            bill.hc_match_tolerance = (
                matching.describe(tolerances._for(bill.company_id, bill.partner_id))
                if bill.hc_match_state
                else False
            )

    def _hc_match_inputs(self):
        """(move line, MatchInput) of each product line of the bill."""
        self.ensure_one()
        inputs = []
        for line in self.invoice_line_ids.filtered(
            lambda ln: ln.display_type == "product"
        ):
            po_line = line.purchase_line_id
            reference = str(po_line.hc_line_number or line.sequence or line.id)
            if not po_line:
                inputs.append(
                    (
                        line,
                        matching.MatchInput(
                            reference,
                            None,
                            None,
                            _dec(line.quantity),
                            None,
                            _dec(line.price_unit),
                            description=line.name or "",
                        ),
                    )
                )
                continue
            uom = po_line.product_uom
            invoiced = line.product_uom_id._compute_quantity(line.quantity, uom)
            price = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
            if line.product_uom_id and line.product_uom_id != uom:
                price = line.product_uom_id._compute_price(price, uom)
            if self.currency_id != po_line.currency_id:
                price = self.currency_id._convert(
                    price,
                    po_line.currency_id,
                    self.company_id,
                    self.invoice_date or fields.Date.today(),
                    round=False,
                )
            this_bill = sum(
                ln.product_uom_id._compute_quantity(ln.quantity, uom)
                for ln in po_line.invoice_lines.filtered(lambda ln: ln.move_id == self)
            )
            inputs.append(
                (
                    line,
                    matching.MatchInput(
                        reference,
                        _dec(po_line.product_qty),
                        _dec(po_line.qty_received),
                        _dec(invoiced),
                        _dec(po_line.price_unit),
                        _dec(price),
                        previously_invoiced_qty=_dec(
                            max(po_line.qty_invoiced - this_bill, 0.0)
                        ),
                        description=line.name or "",
                    ),
                )
            )
        return inputs

    def _hc_run_three_way_match(self, owner=None):
        """Match the bill; block its payment when a line is out of tolerance."""
        for bill in self.filtered(lambda m: m.move_type == "in_invoice"):
            inputs = bill._hc_match_inputs()
            tolerance = self.env["hc.procurement.tolerance"]._for(
                bill.company_id, bill.partner_id
            )
            verdicts = matching.match_lines([i for _l, i in inputs], tolerance)
            extra = bill._hc_review_verdicts(inputs, verdicts)
            bill.sudo().hc_match_line_ids.unlink()
            vals = []
            for sequence, ((line, data), verdict, more) in enumerate(
                zip(inputs, verdicts, extra, strict=True)
            ):
                vals.append(
                    {
                        **more,
                        "move_id": bill.id,
                        "sequence": sequence,
                        "move_line_id": line.id,
                        "purchase_line_id": line.purchase_line_id.id,
                        "description": line.name,
                        "ordered_qty": float(data.ordered_qty or 0),
                        "received_qty": float(data.received_qty or 0),
                        "invoiced_qty": float(
                            data.invoiced_qty + data.previously_invoiced_qty
                        ),
                        "ordered_price": float(data.ordered_price or 0),
                        "invoiced_price": float(data.invoiced_price),
                        "verdict": verdict.code,
                        "ok": verdict.ok,
                        "reason": "\n".join(verdict.reasons) or False,
                    }
                )
            self.env["hc.procurement.match.line"].sudo().create(vals)
            if not bill.invoice_line_ids.purchase_line_id:
                state = "no_order"
            else:
                state = "matched" if all(v.ok for v in verdicts) else "mismatch"
            reasons = [reason for v in verdicts for reason in v.reasons]
            bill.sudo().write(
                {
                    "hc_match_state": state,
                    "hc_match_summary": "\n".join(reasons) or _("Every line matches."),
                }
            )
            bill._hc_apply_match_block(state, reasons, owner)
            bill._hc_send_invoice_response()

    def _hc_review_verdicts(self, inputs, verdicts):
        """Hook: further checks of the bill's lines after the three-way match.

        ``inputs`` are the (bill line, ``MatchInput``) pairs, ``verdicts``
        their ``LineVerdict``; an extension may add codes and reasons to a
        verdict (and set ``ok`` to False: the bill is then blocked like any
        mismatch) and returns one dict of extra match line values per line,
        e.g. the contract price::

            def _hc_review_verdicts(self, inputs, verdicts):
                extra = super()._hc_review_verdicts(inputs, verdicts)
                for (line, data), verdict, more in zip(inputs, verdicts, extra):
                    more["contract_price"] = ...
                return extra
        """
        return [{} for _verdict in verdicts]

    def _hc_apply_match_block(self, state, reasons, owner=None):
        self.ensure_one()
        bill = self.sudo()
        if state == "matched":
            if bill.hc_blocked_by_match and bill.payment_state == "blocked":
                bill.payment_state = "not_paid"
                self.env.add_to_compute(bill._fields["payment_state"], bill)
                self.env["hc.procurement.resolver"]._note(
                    bill, _("Three-way match passed: the payment block is lifted.")
                )
            bill.hc_blocked_by_match = False
            return
        if bill.payment_state not in ("paid", "in_payment", "blocked"):
            bill.payment_state = "blocked"
            bill.hc_blocked_by_match = True
        # the invoice flow's owner; for a bill entered by hand, the buyer
        owner = (
            owner
            or bill.hc_invoice_flow_id._business_owner()
            or bill.invoice_line_ids.purchase_line_id.order_id.user_id[:1]
        )
        text = _("Three-way match failed; payment blocked:\n%s", "\n".join(reasons))
        self.env["hc.procurement.resolver"]._note(bill, text)
        if owner:
            bill.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=owner.id,
                summary=_("Bill outside three-way match tolerance"),
                note=text,
            )

    def _hc_rematch(self):
        """Match again (goods received since): lifts the block when it passes."""
        # a variance approved stays approved: someone decided on these lines
        bills = self.sudo().filtered(
            lambda b: b.hc_match_state
            and b.hc_match_state != "approved"
            and b.state != "cancel"
        )
        for bill in bills:
            bill._hc_run_three_way_match()

    # ------------------------------------------------------------------ payment status

    @api.depends(
        "amount_residual",
        "move_type",
        "state",
        "company_id",
        "reconciled_payment_ids.state",
    )
    def _compute_payment_state(self):
        # EXTENDS account: a changed payment state of a supplier's bill goes
        # out once the transaction's work is flushed (before its commit)
        super()._compute_payment_state()
        # a credit note reversing a bill is told as the bill's "reversed"
        bills = self.filtered(
            lambda m: m.id
            and m.move_type in ("in_invoice", "in_refund")
            and not m.reversed_entry_id
            and m.payment_state in SENT_PAYMENT_STATES
            and m.payment_state != m.hc_payment_state_sent
        )
        if not bills:
            return
        pending = self.env.cr.precommit.data.setdefault("hc_payment_status", set())
        if not pending:
            self.env.cr.precommit.add(self._hc_send_payment_statuses)
        pending.update(bills.ids)

    def _hc_send_payment_statuses(self):
        ids = self.env.cr.precommit.data.pop("hc_payment_status", set())
        bills = self.env["account.move"].sudo().browse(ids).exists()
        for bill in bills:
            state = bill._hc_payment_status()
            if state not in SENT_PAYMENT_STATES or state == bill.hc_payment_state_sent:
                continue
            if not bill.commercial_partner_id._hc_procurement_backend():
                continue
            key = f"{bill.name}/{state}/{bill.amount_residual}"
            bill._hc_send("procurement.payment_status_out", idempotency_key=key)
            bill.hc_payment_state_sent = state
            bill._hc_send_invoice_response()

    def _hc_payment_status(self):
        """The payment state told to the supplier: settled by its own reversal
        (a credit note cancelling it) is "reversed", not "paid"."""
        self.ensure_one()
        reversed_by = self.reversal_move_ids.filtered(lambda m: m.state == "posted")
        if self.payment_state == "paid" and reversed_by:
            return "reversed"
        return self.payment_state

    def _hc_record_external_payment(self, backend, status):
        """Keep the payment status a finance system sent, and say where from."""
        self.ensure_one()
        self.write(
            {
                "hc_external_payment_state": status["status"],
                "hc_external_paid_amount": float(status["amount_paid"] or 0.0),
                "hc_external_payment_date": status["date"],
                "hc_external_payment_ref": status["reference"],
                "hc_external_payment_backend_id": backend.id,
            }
        )
        self.env["hc.procurement.resolver"]._note(
            self,
            _(
                "Payment status received from %(backend)s: %(status)s%(amount)s"
                "%(ref)s.",
                backend=backend.display_name,
                status=dict(EXTERNAL_STATES)[status["status"]],
                amount=f", {status['amount_paid']} {self.currency_id.name}"
                if status["amount_paid"] is not None
                else "",
                ref=f" ({status['reference']})" if status["reference"] else "",
            ),
        )

    # ------------------------------------------------------------------ import

    def _link_bill_origin_to_purchase_orders(self, timeout=10):
        # EXTENDS account: bills received through a procurement flow are linked
        # to their order by the flow's rules (order reference, then supplier
        # and lines; never by amount alone), not by Odoo's amount heuristics
        if self.env.context.get("hc_procurement_supplier_id"):
            return self
        return super()._link_bill_origin_to_purchase_orders(timeout=timeout)
