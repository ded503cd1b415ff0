# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HrDepartment(models.Model):
    _name = "hr.department"
    _inherit = ["hr.department", "hc.payroll.hr.owned.mixin"]
    _hc_hr_owned_fields = ("name", "hc_code", "hc_cost_center_id")

    hc_code = fields.Char(
        string="HR code",
        copy=False,
        index=True,
        help="The department's code in the HR system.",
    )
    hc_cost_center_id = fields.Many2one(
        "account.analytic.account",
        string="Cost centre",
        check_company=True,
        help="Labour cost of the department's employees is posted here, unless "
        "an employee has a cost centre of their own.",
    )
