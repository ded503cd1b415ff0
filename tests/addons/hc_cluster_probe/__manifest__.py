# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: cluster probe (tests)",
    "summary": "A webhook flow type whose processing leaves one record per run, "
    "so that tests/cluster can count business effects",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["healthcare_integration_core"],
    "data": ["security/ir.model.access.csv", "data/hc_flow_type.xml"],
}
