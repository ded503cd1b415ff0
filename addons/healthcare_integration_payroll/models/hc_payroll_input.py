# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# what may still be written on an input once sent (by the batch, the chatter)
SYSTEM_FIELDS = {"state", "batch_id", "message_main_attachment_id"}


class HcPayrollInput(models.Model):
    """A one-off compensation input recorded and approved in Odoo.

    Allowances and deductions (and corrections of hours or amounts after the
    cutoff) for an employee in a pay period. Once approved, the next batch of
    the period sends it; once sent, it is locked: a change is a new input,
    a correction, which goes out in a delta batch.
    """

    _name = "hc.payroll.input"
    _description = "Compensation Input"
    _inherit = ["mail.thread"]
    _order = "period_id desc, employee_id, id"
    _check_company_auto = True

    name = fields.Char(string="Description", required=True, tracking=True)
    period_id = fields.Many2one(
        "hc.payroll.period", required=True, index=True, ondelete="restrict"
    )
    provider_id = fields.Many2one(related="period_id.provider_id", store=True)
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, check_company=True, tracking=True
    )
    code_id = fields.Many2one(
        "hc.payroll.code",
        string="Payroll code",
        required=True,
        tracking=True,
        domain="[('provider_id', '=', provider_id), ('usage', '=', 'input')]",
    )
    quantity = fields.Float(string="Hours", digits=(16, 2), tracking=True)
    amount = fields.Monetary(tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("approved", "Approved"),
            ("sent", "Sent"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    batch_id = fields.Many2one(
        "hc.payroll.batch", readonly=True, index=True, copy=False
    )
    correction_of_id = fields.Many2one(
        "hc.payroll.input",
        string="Corrects",
        readonly=True,
        copy=False,
        help="The sent input this one corrects.",
    )
    is_correction = fields.Boolean(
        readonly=True,
        copy=False,
        help="Recorded after the cutoff: it goes out in a delta batch.",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_at = fields.Datetime(readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        inputs = super().create(vals_list)
        for record in inputs.filtered(lambda i: i.period_id.state == "closed"):
            record.is_correction = True
        return inputs

    def write(self, vals):
        if set(vals) - SYSTEM_FIELDS:
            sent = self.filtered(lambda i: i.state == "sent")
            if sent:
                raise UserError(
                    _(
                        "%(input)s was sent to the payroll provider in %(batch)s and "
                        "is locked: record a correction instead.",
                        input=sent[0].display_name,
                        batch=sent[0].batch_id.name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(i.state not in ("draft", "cancelled") for i in self):
            raise UserError(_("Only draft or cancelled inputs can be deleted."))

    def action_approve(self):
        if not self.env.user.has_group("hr.group_hr_manager"):
            raise AccessError(
                _("Compensation inputs are approved by HR administrators.")
            )
        for record in self:
            if record.state != "draft":
                raise UserError(_("Only draft inputs are approved."))
            if not (record.quantity or record.amount):
                raise UserError(_("%s has neither hours nor an amount.", record.name))
        self.write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_at": fields.Datetime.now(),
            }
        )
        return True

    def action_reset_to_draft(self):
        if any(i.state not in ("approved", "cancelled") for i in self):
            raise UserError(_("Only approved or cancelled inputs go back to draft."))
        self.write({"state": "draft", "approved_by_id": False, "approved_at": False})
        return True

    def action_cancel(self):
        if any(i.state == "sent" for i in self):
            raise UserError(_("A sent input is corrected, not cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_correct(self):
        """A new input correcting this sent one (same employee and code)."""
        self.ensure_one()
        if self.state != "sent":
            raise UserError(_("Only sent inputs need a correction."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_period_id": self.period_id.id,
                "default_employee_id": self.employee_id.id,
                "default_code_id": self.code_id.id,
                "default_correction_of_id": self.id,
                "default_name": _("Correction of %s", self.name),
            },
        }
