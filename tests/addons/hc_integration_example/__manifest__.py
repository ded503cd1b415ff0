# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: example domain addon (tests)",
    "summary": "The smallest domain addon: one handler model, two flow types",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["healthcare_integration_core"],
    "data": ["data/hc_flow_type.xml"],
}
