# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: benchmark baselines (tests)",
    "summary": "A bare route, a no-op job and a domain-like batch handler to "
    "measure the runtime against",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["healthcare_integration_core"],
    "data": ["security/ir.model.access.csv", "data/hc_flow_type.xml"],
}
