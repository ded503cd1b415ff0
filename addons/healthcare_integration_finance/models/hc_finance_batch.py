# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import journal as lib

STATES = [
    ("draft", "To send"),
    ("sent", "Sent"),
    ("acknowledged", "Acknowledged"),
    ("differences", "Control totals differ"),
    ("rejected", "Rejected"),
]


class HcFinanceBatch(models.Model):
    """Posted journal entries handed off to an external finance system at a cutoff.

    Odoo stays the system of record of what it posted: each posted entry
    goes out once, in the first batch after it was posted (corrections go as
    the reversals that correct them, never as a changed entry); the batch
    carries its control totals, which the finance system's acknowledgement
    must repeat.
    """

    _name = "hc.finance.batch"
    _description = "Finance Hand-off Batch"
    _inherit = ["mail.thread", "mail.activity.mixin", "hc.consumer.mixin"]
    _order = "cutoff desc, id desc"

    name = fields.Char(required=True, readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    flow_id = fields.Many2one("hc.flow", required=True, readonly=True)
    cutoff = fields.Date(
        required=True, readonly=True, help="Entries dated up to this day are in it."
    )
    move_ids = fields.One2many(
        "account.move", "hc_finance_batch_id", string="Entries", readonly=True
    )
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, tracking=True
    )
    entry_count = fields.Integer(readonly=True)
    line_count = fields.Integer(readonly=True)
    total_debit = fields.Monetary(readonly=True)
    total_credit = fields.Monetary(readonly=True)
    ack_note = fields.Text(string="Acknowledgement", readonly=True)
    acknowledged_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("name_unique", "unique(company_id, name)", "Batch names are unique."),
    ]

    # ------------------------------------------------------------------ collect

    @api.model
    def _collect(self, flow, cutoff):
        """A batch of the posted entries of the flow's company, dated up to
        ``cutoff`` and not handed off yet; None when there is none."""
        company = flow.company_id
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("date", "<=", cutoff),
                    ("hc_finance_batch_id", "=", False),
                ],
                order="date, id",
            )
        )
        if not moves:
            return None
        sequence = self.sudo().search_count(
            [("company_id", "=", company.id), ("cutoff", "=", cutoff)]
        )
        batch = self.sudo().create(
            {
                "name": f"FIN/{company.id}/{cutoff}/{sequence + 1}",
                "company_id": company.id,
                "flow_id": flow.id,
                "cutoff": cutoff,
            }
        )
        # once per entry: an entry already in a batch is never collected again
        moves.write({"hc_finance_batch_id": batch.id})
        control = lib.totals(batch._entries())
        batch.write(
            {
                "entry_count": control.entries,
                "line_count": control.lines,
                "total_debit": float(control.debit),
                "total_credit": float(control.credit),
            }
        )
        return batch

    def _entries(self):
        """The batch's entries in the format's terms."""
        self.ensure_one()
        entries = []
        for move in self.move_ids.sorted(lambda m: (m.date, m.id)):
            lines = tuple(
                lib.Line(
                    line.account_id.code,
                    Decimal(str(line.debit)),
                    Decimal(str(line.credit)),
                    line.name or "",
                    line.partner_id.commercial_partner_id.ref
                    or line.partner_id.commercial_partner_id.name
                    or "",
                    ",".join(sorted((line.analytic_distribution or {}).keys())),
                )
                for line in move.line_ids.sorted("id")
                if line.display_type not in ("line_section", "line_note")
            )
            entries.append(
                lib.Entry(
                    move.name,
                    fields.Date.to_string(move.date),
                    move.journal_id.code,
                    move.ref or "",
                    lines,
                    move.reversed_entry_id.name or "",
                )
            )
        return entries

    def _control(self):
        return lib.Totals(
            self.entry_count,
            self.line_count,
            Decimal(str(self.total_debit)).quantize(lib.CENT),
            Decimal(str(self.total_credit)).quantize(lib.CENT),
        )

    # ------------------------------------------------------------------ send

    @api.model
    def _cron_hand_off(self, cutoff=None):
        """Hand off, for every active finance flow, what was posted up to the
        cutoff (yesterday by default): one batch per flow and run."""
        cutoff = cutoff or fields.Date.context_today(self) - timedelta(days=1)
        flows = (
            self.env["hc.flow"]
            .sudo()
            .search(
                [
                    (
                        "flow_type_id.code",
                        "in",
                        ("finance.journal_out", "finance.journal_out_csv"),
                    ),
                    ("active", "=", True),
                ]
            )
        )
        batches = self.browse()
        accruals = self.env["hc.finance.accrual"]
        for flow in flows:
            if accruals._is_period_end(cutoff):
                # the period's accrual goes in its last batch, its reversal
                # (the next period's first day) in the next period's first
                accruals._accrue(flow, cutoff)
            batch = self._collect(flow, cutoff)
            if batch:
                batch._send()
                batches |= batch
        return batches

    def _send(self):
        for batch in self:
            batch._hc_send(batch.flow_id.flow_type_id.code, idempotency_key=batch.name)
            batch.sudo().state = "sent"

    # ------------------------------------------------------------------ acknowledgement

    def _reconcile_ack(self, accepted, received, rejected):
        """Compare the finance system's acknowledgement with what was sent."""
        self.ensure_one()
        problems = lib.control_differences(self._control(), received)
        problems += [f"{entry}: {reason}" for entry, reason in sorted(rejected.items())]
        if not accepted:
            state = "rejected"
        elif problems:
            state = "differences"
        else:
            state = "acknowledged"
        self.sudo().write(
            {
                "state": state,
                "ack_note": "\n".join(problems) or False,
                "acknowledged_at": fields.Datetime.now(),
            }
        )
        return state

    def _notify_owner(self, flow):
        """An activity for the business owner of the acknowledgement's flow."""
        owner = flow._business_owner()
        if owner:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=owner.id,
                summary=_("Finance batch %s to check", self.name),
                note=self.ack_note,
            )

    def action_send(self):
        if self.filtered(lambda b: b.state != "draft"):
            raise UserError(_("Only batches to send can be sent."))
        self._send()
        return True
