# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration Finance Hand-off",
    "summary": "Posted journal entries handed off in batches with control totals "
    "to an external finance system, and its acknowledgement reconciled",
    "version": "18.0.1.0.0",
    "category": "Accounting",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["healthcare_integration_core", "account", "purchase"],
    "data": [
        "security/ir.model.access.csv",
        "security/hc_finance_security.xml",
        "data/hc_flow_type.xml",
        "data/ir_cron.xml",
        "views/hc_finance_batch_views.xml",
        "views/hc_flow_views.xml",
    ],
}
