# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

# what a work entry sent to payroll may still change (a transfer moves entries
# to the contract in force on their day; what was sent stays the same)
UNLOCKED_FIELDS = {"name", "color", "conflict", "contract_id", "hc_payroll_batch_id"}


class HrWorkEntry(models.Model):
    _inherit = "hr.work.entry"

    hc_payroll_batch_id = fields.Many2one(
        "hc.payroll.batch",
        string="Payroll batch",
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
        help="The compensation inputs batch that sent this entry to the payroll "
        "provider; once sent, the entry is locked and changes go through a "
        "correction.",
    )

    def write(self, vals):
        self._hc_check_unlocked(set(vals) - UNLOCKED_FIELDS)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent_to_payroll(self):
        self._hc_check_unlocked({"active"})

    def _hc_check_unlocked(self, changed):
        if not changed:
            return
        locked = self.filtered("hc_payroll_batch_id")
        if locked:
            raise UserError(
                _(
                    "%(entry)s was sent to payroll in batch %(batch)s and is locked. "
                    "Record a correction (a compensation input of the period) "
                    "instead; it goes out in a delta batch.",
                    entry=locked[0].display_name,
                    batch=locked[0].hc_payroll_batch_id.name,
                )
            )
