# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import journal

USAGE_CATEGORIES = {
    "input": ("hours", "allowance", "deduction"),
    "result": journal.CATEGORIES,
}
CATEGORIES = [
    ("hours", "Hours"),
    ("allowance", "Allowance"),
    (journal.EARNING, "Gross earning"),
    (journal.EMPLOYER_CHARGE, "Employer charge"),
    (journal.DEDUCTION, "Deduction"),
    (journal.NET, "Net pay"),
]


class HcPayrollCode(models.Model):
    """A payroll code of a provider: an input Odoo sends, or a result line it posts.

    Input codes name one-off allowances and deductions (and hour corrections;
    regular hours go out under the external codes of work entry types).
    Result codes say where an amount of a run is posted: gross earnings on a
    debit (expense) account, split by cost centre; employer charges on a debit
    and a credit account; deductions and net pay on a credit account.
    """

    _name = "hc.payroll.code"
    _description = "Payroll Code"
    _order = "provider_id, usage, sequence, code"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    provider_id = fields.Many2one(
        "hc.payroll.provider", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="provider_id.company_id", store=True)
    active = fields.Boolean(default=True)
    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    usage = fields.Selection(
        [("input", "Input (sent)"), ("result", "Result (posted)")],
        required=True,
        default="result",
    )
    category = fields.Selection(CATEGORIES, required=True)
    debit_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Account debited with the amount, split by cost centre.",
    )
    credit_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Account credited with the amount.",
    )

    _sql_constraints = [
        (
            "code_unique",
            "unique(provider_id, usage, code)",
            "A payroll code is defined once per provider and usage.",
        ),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for code in self:
            code.display_name = f"[{code.code}] {code.name}"

    @api.constrains("usage", "category", "debit_account_id", "credit_account_id")
    def _check_category(self):
        for code in self:
            if code.category not in USAGE_CATEGORIES[code.usage]:
                raise ValidationError(
                    _(
                        "Payroll code %(code)s: category %(category)s is not one of "
                        "the %(usage)s codes.",
                        code=code.code,
                        category=code.category,
                        usage=code.usage,
                    )
                )
            if code.usage == "result":
                missing = code._rule().missing_accounts()
                if missing:
                    raise ValidationError(
                        _(
                            "Payroll code %(code)s needs a %(sides)s account.",
                            code=code.code,
                            sides=" and a ".join(missing),
                        )
                    )

    def _rule(self):
        self.ensure_one()
        return journal.CodeRule(
            self.code,
            self.category,
            debit=self.debit_account_id.id or None,
            credit=self.credit_account_id.id or None,
        )
