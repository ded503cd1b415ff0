# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HrJob(models.Model):
    _name = "hr.job"
    _inherit = ["hr.job", "hc.payroll.hr.owned.mixin"]
    _hc_hr_owned_fields = ("name", "hc_code")

    hc_code = fields.Char(
        string="HR code",
        copy=False,
        index=True,
        help="The job's code in the HR system.",
    )
