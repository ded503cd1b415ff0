# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    """A posted entry handed off to the finance system is corrected by its
    reversal, never changed: it cannot go back to draft."""

    _inherit = "account.move"

    hc_finance_batch_id = fields.Many2one(
        "hc.finance.batch",
        string="Finance batch",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The hand-off batch that took this entry to the finance system.",
    )

    hc_accrual_date = fields.Date(
        string="Accrual of received not invoiced at",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The period end whose received-not-invoiced accrual this entry "
        "is, or reverses.",
    )

    # EXTENDS account
    def button_draft(self):
        handed_off = self.filtered("hc_finance_batch_id")
        if handed_off:
            raise UserError(
                _(
                    "%(entries)s went to the finance system in %(batch)s: reverse "
                    "it instead; the reversal goes in the next batch.",
                    entries=", ".join(handed_off.mapped("name")),
                    batch=", ".join(handed_off.hc_finance_batch_id.mapped("name")),
                )
            )
        return super().button_draft()
