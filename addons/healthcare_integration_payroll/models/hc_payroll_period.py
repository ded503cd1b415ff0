# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class HcPayrollPeriod(models.Model):
    """A pay period of a provider and its cutoff.

    Closing the cutoff collects what was approved in the period (validated work
    entries by the external code of their type, approved allowances and
    deductions), sends it as one batch and locks it. What is approved after
    the cutoff goes out as a delta batch referencing the original one.
    """

    _name = "hc.payroll.period"
    _description = "Pay Period"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, provider_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    provider_id = fields.Many2one(
        "hc.payroll.provider", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        related="provider_id.company_id", store=True, index=True
    )
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Cut off")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        help="Cut off: the inputs sent are locked; later ones go out as "
        "corrections (delta batches).",
    )
    closed_at = fields.Datetime(readonly=True)
    closed_by_id = fields.Many2one("res.users", readonly=True)
    batch_ids = fields.One2many("hc.payroll.batch", "period_id", readonly=True)
    input_ids = fields.One2many("hc.payroll.input", "period_id")
    result_ids = fields.One2many("hc.payroll.result", "period_id", readonly=True)
    batch_count = fields.Integer(compute="_compute_counts")
    result_count = fields.Integer(compute="_compute_counts")
    open_difference_count = fields.Integer(compute="_compute_counts")
    pending_count = fields.Integer(
        compute="_compute_counts",
        string="Not yet sent",
        help="Validated work entries and approved inputs of the period that no "
        "batch has sent yet.",
    )

    pending_entry_ids = fields.Many2many(
        "hr.work.entry",
        compute="_compute_pending_records",
        string="Work entries to send",
        groups="hr.group_hr_user",
    )
    pending_input_ids = fields.Many2many(
        "hc.payroll.input",
        compute="_compute_pending_records",
        string="Inputs to send",
        groups="hr.group_hr_user",
    )
    draft_input_count = fields.Integer(
        compute="_compute_pending_records",
        string="Draft inputs",
        help="Inputs of the period not approved: a cutoff leaves them out.",
    )

    _sql_constraints = [
        (
            "dates_unique",
            "unique(provider_id, date_from, date_to)",
            "A provider has one pay period per dates.",
        ),
        (
            "dates_order",
            "check(date_from <= date_to)",
            "A period ends after it starts.",
        ),
    ]

    @api.depends("provider_id.name", "date_from", "date_to")
    def _compute_name(self):
        for period in self:
            if not (period.date_from and period.date_to):
                period.name = False
                continue
            period.name = f"{period.provider_id.name} {period._label()}"

    def _label(self):
        month_end = (self.date_from.replace(day=28) + timedelta(days=4)).replace(
            day=1
        ) - timedelta(days=1)
        if self.date_from.day == 1 and self.date_to == month_end:
            return self.date_from.strftime("%Y-%m")
        return f"{self.date_from}/{self.date_to}"

    def _code(self):
        """Stable reference of the period in batch names and keys."""
        self.ensure_one()
        return f"{self.date_from}_{self.date_to}"

    def _compute_counts(self):
        for period in self:
            period.batch_count = len(period.batch_ids)
            period.result_count = len(period.result_ids)
            period.open_difference_count = len(
                period.batch_ids.difference_ids.filtered(lambda d: d.state == "open")
            )
            entries, inputs = period._pending()
            period.pending_count = len(entries) + len(inputs)

    def _compute_pending_records(self):
        for period in self:
            entries, inputs = period._pending()
            period.pending_entry_ids = entries
            period.pending_input_ids = inputs
            period.draft_input_count = len(
                period.input_ids.filtered(lambda i: i.state == "draft")
            )

    @api.constrains("provider_id", "date_from", "date_to")
    def _check_overlap(self):
        for period in self:
            overlapping = self.search_count(
                [
                    ("id", "!=", period.id),
                    ("provider_id", "=", period.provider_id.id),
                    ("date_from", "<=", period.date_to),
                    ("date_to", ">=", period.date_from),
                ]
            )
            if overlapping:
                raise ValidationError(
                    _("Pay periods of %s overlap.", period.provider_id.name)
                )

    # ------------------------------------------------------------------ collecting

    def _employees(self):
        """Employees this provider pays: those of its HR system, archived included."""
        self.ensure_one()
        return (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("hc_hr_backend_id", "=", self.provider_id.hr_backend_id.id),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        )

    def _pending(self):
        """(work entries, inputs) approved in the period and not sent yet."""
        self.ensure_one()
        if not self.id or not (self.date_from and self.date_to):
            return self.env["hr.work.entry"], self.env["hc.payroll.input"]
        entries = (
            self.env["hr.work.entry"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", self._employees().ids),
                    ("state", "=", "validated"),
                    ("hc_payroll_batch_id", "=", False),
                    ("work_entry_type_id.external_code", "!=", False),
                    ("date_start", ">=", datetime.combine(self.date_from, time.min)),
                    (
                        "date_start",
                        "<",
                        datetime.combine(self.date_to, time.min) + timedelta(days=1),
                    ),
                ]
            )
        )
        inputs = (
            self.env["hc.payroll.input"]
            .sudo()
            .search(
                [
                    ("period_id", "=", self.id),
                    ("state", "=", "approved"),
                    ("batch_id", "=", False),
                ]
            )
        )
        return entries, inputs

    # ------------------------------------------------------------------ actions

    def action_close_cutoff(self):
        """Close the cutoff: send the period's inputs as one batch, and lock them."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(_("The cutoff of %s is already closed.", self.name))
        flow = self.provider_id._inputs_flow()
        entries, inputs = self._pending()
        batch = self.env["hc.payroll.batch"]._create_for(self, entries, inputs)
        self.write(
            {
                "state": "closed",
                "closed_at": fields.Datetime.now(),
                "closed_by_id": self.env.uid,
            }
        )
        batch._send(flow)
        return batch._open_action()

    def action_send_correction(self):
        """Send what was approved since the cutoff as a delta batch."""
        self.ensure_one()
        if self.state != "closed":
            raise UserError(
                _(
                    "Corrections follow a closed cutoff; close the cutoff of %s.",
                    self.name,
                )
            )
        flow = self.provider_id._inputs_flow()
        entries, inputs = self._pending()
        if not entries and not inputs:
            raise UserError(
                _(
                    "Nothing to correct in %s: approve a correction input (or "
                    "validate the missing work entries) first.",
                    self.name,
                )
            )
        batch = self.env["hc.payroll.batch"]._create_for(self, entries, inputs)
        batch._send(flow)
        return batch._open_action()

    def action_view_batches(self):
        return self._related_action(
            "healthcare_integration_payroll.hc_payroll_batch_action", "period_id"
        )

    def action_view_results(self):
        return self._related_action(
            "healthcare_integration_payroll.hc_payroll_result_action", "period_id"
        )

    def action_view_inputs(self):
        return self._related_action(
            "healthcare_integration_payroll.hc_payroll_input_action", "period_id"
        )

    def action_view_differences(self):
        action = self._related_action(
            "healthcare_integration_payroll.hc_payroll_difference_action",
            "batch_id.period_id",
        )
        action["context"] = {"search_default_open": 1}
        return action

    def _related_action(self, xmlid, link):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [(link, "=", self.id)]
        action["context"] = {"default_period_id": self.id}
        return action
