# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class HcPayrollResult(models.Model):
    """A payroll run of a provider, posted as one journal entry.

    Only runs that posted are kept here: a run that cannot post whole (an
    unknown employee or code, an entry that would not balance) is held as a
    failed message of the results flow, with nothing posted. Per-employee pay
    is not copied: the run keeps its totals, the entry its lines by cost
    centre. A corrected run (higher revision) reverses the entry of the one
    it replaces.
    """

    _name = "hc.payroll.result"
    _description = "Payroll Run Result"
    _inherit = ["mail.thread", "mail.activity.mixin", "hc.consumer.mixin"]
    _order = "period_id desc, run_id, revision desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    provider_id = fields.Many2one(
        "hc.payroll.provider", required=True, readonly=True, index=True
    )
    period_id = fields.Many2one(
        "hc.payroll.period", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    run_id = fields.Char(
        string="Provider run", required=True, readonly=True, index=True
    )
    revision = fields.Integer(required=True, readonly=True, default=1)
    state = fields.Selection(
        [("posted", "Posted"), ("reversed", "Reversed by a correction")],
        required=True,
        readonly=True,
        default="posted",
        tracking=True,
    )
    content_hash = fields.Char(readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Journal entry", readonly=True, check_company=True
    )
    reversal_move_id = fields.Many2one(
        "account.move", string="Reversal entry", readonly=True, check_company=True
    )
    move_line_ids = fields.One2many(
        related="move_id.line_ids",
        string="Journal items",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    replaced_by_id = fields.Many2one("hc.payroll.result", readonly=True)
    replaces_id = fields.Many2one("hc.payroll.result", readonly=True)
    employee_count = fields.Integer(readonly=True)
    total_gross = fields.Monetary(string="Gross", readonly=True)
    total_employer_charges = fields.Monetary(string="Employer charges", readonly=True)
    total_deductions = fields.Monetary(string="Deductions", readonly=True)
    total_net = fields.Monetary(string="Net", readonly=True)

    _sql_constraints = [
        (
            "run_revision_unique",
            "unique(provider_id, run_id, revision)",
            "A provider's run is posted once per revision.",
        ),
    ]

    @api.depends("run_id", "revision")
    def _compute_name(self):
        for result in self:
            result.name = f"{result.run_id} rev. {result.revision}"

    def action_open_move(self):
        self.ensure_one()
        return self._open_move(self.move_id)

    def action_open_reversal(self):
        self.ensure_one()
        return self._open_move(self.reversal_move_id)

    def action_view_journal_items(self):
        """The journal items of these runs' entries (and reversals), by entry."""
        return self._journal_items_action(self.move_id | self.reversal_move_id)

    @api.model
    def _journal_items_action(self, moves):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_payroll.hc_payroll_move_line_action"
        )
        action["domain"] = [("move_id", "in", moves.ids)]
        return action

    @api.model
    def action_view_all_journal_items(self):
        """Menu *Payroll > Journal items*: the items of every posted run.

        For whoever may read journal items (a billing user need not read
        payroll runs): the lines themselves are read with the user's rights.
        """
        runs = self.sudo().search([("company_id", "in", self.env.companies.ids)])
        return self._journal_items_action(runs.move_id | runs.reversal_move_id)

    def _open_move(self, move):
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
            "name": _("Payroll entry"),
        }
