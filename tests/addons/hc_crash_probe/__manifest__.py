# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: crash probe (tests)",
    "summary": "Holds a worker at a point in the middle of applying a document "
    "until tests/prefork kills it (SIGKILL)",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": [
        "healthcare_integration_procurement",
        "healthcare_integration_payroll",
        "healthcare_integration_asset",
        "healthcare_integration_ehr",
    ],
}
