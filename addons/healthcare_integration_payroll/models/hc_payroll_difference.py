# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from ..lib import inputs as lib


class HcPayrollDifference(models.Model):
    """A line where the provider's acknowledgement differs from the batch sent.

    A person finds out which side is right: a correction in Odoo (a delta
    batch) or a fix at the provider (a new acknowledgement, which replaces
    these differences); then marks the difference resolved, with a note.
    """

    _name = "hc.payroll.difference"
    _description = "Payroll Reconciliation Difference"
    _inherit = ["mail.thread"]
    _order = "state, batch_id desc, employee_ref, code"

    batch_id = fields.Many2one(
        "hc.payroll.batch", required=True, ondelete="cascade", index=True
    )
    period_id = fields.Many2one(related="batch_id.period_id", store=True)
    provider_id = fields.Many2one(related="batch_id.provider_id", store=True)
    company_id = fields.Many2one(related="batch_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="batch_id.currency_id")
    employee_id = fields.Many2one("hr.employee", readonly=True)
    employee_ref = fields.Char(string="HR system id", readonly=True, required=True)
    code = fields.Char(readonly=True, required=True)
    kind = fields.Selection(
        [
            (lib.MISSING, "Not acknowledged"),
            (lib.UNEXPECTED, "Not sent"),
            (lib.MISMATCH, "Different totals"),
        ],
        readonly=True,
        required=True,
    )
    sent_quantity = fields.Float(string="Hours sent", readonly=True, digits=(16, 2))
    ack_quantity = fields.Float(
        string="Hours acknowledged", readonly=True, digits=(16, 2)
    )
    sent_amount = fields.Monetary(string="Amount sent", readonly=True)
    ack_amount = fields.Monetary(string="Amount acknowledged", readonly=True)
    state = fields.Selection(
        [("open", "To resolve"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
    )
    resolution = fields.Text(tracking=True)
    resolved_by_id = fields.Many2one("res.users", readonly=True)
    resolved_at = fields.Datetime(readonly=True)

    def action_resolve(self):
        for difference in self:
            if not difference.resolution:
                raise UserError(
                    _(
                        "Say how the difference of %(employee)s %(code)s was "
                        "resolved (e.g. a correction batch, a fix at the provider).",
                        employee=difference.employee_ref,
                        code=difference.code,
                    )
                )
        self.write(
            {
                "state": "resolved",
                "resolved_by_id": self.env.uid,
                "resolved_at": fields.Datetime.now(),
            }
        )
        self.batch_id._hc_on_resolved()
        return True
