# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HrContract(models.Model):
    _name = "hr.contract"
    _inherit = ["hr.contract", "hc.payroll.hr.owned.mixin"]
    _hc_hr_owned_fields = (
        "employee_id",
        "date_start",
        "date_end",
        "department_id",
        "job_id",
        "hc_cost_center_id",
    )

    hc_cost_center_id = fields.Many2one(
        "account.analytic.account",
        string="Cost centre",
        check_company=True,
        tracking=True,
        help="Where the labour cost of this contract's period goes; set from the "
        "employee or department when the HR system opens the contract, so that "
        "a later change of the department does not rewrite history.",
    )

    def _hc_cost_center(self):
        self.ensure_one()
        return self.hc_cost_center_id or self.department_id.hc_cost_center_id

    def _hc_days_in(self, date_from, date_to):
        """Days of the contract within [date_from, date_to]."""
        self.ensure_one()
        start = max(self.date_start, date_from)
        end = min(self.date_end or date_to, date_to)
        return max((end - start).days + 1, 0)
