# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration Payroll",
    "summary": "Workforce lifecycle from the HR system, compensation inputs to the "
    "payroll provider at cutoff, payroll results back as journal entries by "
    "cost centre",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Payroll",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": [
        "healthcare_integration_core",
        "healthcare_integration_reconciliation",
        "hr_contract",
        "hr_work_entry_contract",
        "hr_holidays",
        "account",
    ],
    "data": [
        "security/hc_payroll_security.xml",
        "security/ir.model.access.csv",
        "data/hc_flow_type.xml",
        "data/hc_payroll_data.xml",
        "data/ir_cron.xml",
        "views/hc_payroll_provider_views.xml",
        "views/hc_payroll_period_views.xml",
        "views/hc_payroll_input_views.xml",
        "views/hc_payroll_batch_views.xml",
        "views/hc_payroll_difference_views.xml",
        "views/hc_payroll_result_views.xml",
        "views/hr_employee_views.xml",
        "views/hr_department_views.xml",
        "views/hr_job_views.xml",
        "views/hr_contract_views.xml",
        "views/hr_work_entry_views.xml",
        "views/hc_payroll_menus.xml",
    ],
    "demo": ["demo/hc_payroll_demo.xml", "demo/hc_reconciliation_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "healthcare_integration_payroll/static/tests/tours/*.js",
        ],
    },
}
