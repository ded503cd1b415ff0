# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import tagged

from .common import PayrollCase


@tagged("post_install", "-at_install")
class TestPayrollOnTimeKpi(PayrollCase):
    """A period's cutoff batch delivered within the intake window, or late."""

    def close_cutoff(self, period):
        with self.jobs() as trap:
            period.action_close_cutoff()
            self.run_jobs(trap)

    def test_inputs_on_time(self):
        kpis = self.env["hc.kpi.daily"]
        kpis.search([]).unlink()
        ana = self.hire("E8101", "Ana Martins")
        self.add_input(ana, self.code_meal, amount=120)
        # the test period ended long ago: its inputs are late
        self.close_cutoff(self.period)
        kpis._compact()
        [row] = kpis.search([("kpi", "=", "payroll_inputs_on_time")])
        self.assertEqual((row.count, row.total), (1, 0))
        # a period ending today, closed today: on time
        today = fields.Date.context_today(self.period)
        current = self.env["hc.payroll.period"].create(
            {
                "provider_id": self.period.provider_id.id,
                "date_from": today.replace(day=1),
                "date_to": today,
            }
        )
        self.env["hc.payroll.input"].create(
            {
                "name": "Meal allowance",
                "period_id": current.id,
                "employee_id": ana.id,
                "code_id": self.code_meal.id,
                "amount": 80,
            }
        ).action_approve()
        self.close_cutoff(current)
        rows = kpis.search([("kpi", "=", "payroll_inputs_on_time")])
        self.assertEqual(sum(rows.mapped("count")), 2)
        self.assertEqual(sum(rows.mapped("total")), 1)
