# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib import inputs as lib


class HcPayrollBatchLine(models.Model):
    """What a batch sent for one employee and code."""

    _name = "hc.payroll.batch.line"
    _description = "Compensation Inputs Batch Line"
    _order = "batch_id, employee_ref, code"

    batch_id = fields.Many2one(
        "hc.payroll.batch", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="batch_id.company_id", store=True)
    currency_id = fields.Many2one(related="batch_id.currency_id")
    employee_id = fields.Many2one("hr.employee", required=True, index=True)
    employee_ref = fields.Char(string="HR system id", required=True)
    code = fields.Char(required=True)
    quantity = fields.Float(string="Hours", digits=(16, 2))
    amount = fields.Monetary()
    work_entry_count = fields.Integer(string="Work entries")

    def _hc_input_line(self):
        self.ensure_one()
        return lib.InputLine(
            self.employee_ref,
            self.code,
            lib.to_decimal(self.quantity, "quantity"),
            lib.to_decimal(self.amount, "amount"),
        )
