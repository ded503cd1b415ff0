# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.3.0 -> 18.0.3.1, before the core declares the plan of cost centres.

The plan was the payroll addon's (``healthcare_integration_payroll.
analytic_plan_cost_centres``); the core now declares it for every domain.
Its name moves to the core, so that the core's data finds the plan (and its
analytic accounts keep it) and the payroll's update does not delete it.
"""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE ir_model_data SET module = 'healthcare_integration_core'
         WHERE module = 'healthcare_integration_payroll'
           AND name = 'analytic_plan_cost_centres'
           AND NOT EXISTS (
                SELECT 1 FROM ir_model_data
                 WHERE module = 'healthcare_integration_core'
                   AND name = 'analytic_plan_cost_centres')
        """
    )
