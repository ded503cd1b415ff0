# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: Budget Control",
    "summary": "Platform requisitions and purchase orders over the remaining "
    "budget of their cost centre held for a budget approval; commitments per "
    "cost centre",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["healthcare_integration_requisition", "account_budget_oca"],
    "data": [
        "security/ir.model.access.csv",
        "data/tier_definition.xml",
        "data/hc_flow_type.xml",
        "views/hc_budget_position_views.xml",
        "views/purchase_request_views.xml",
        "views/purchase_order_views.xml",
        "wizard/hc_budget_override_views.xml",
    ],
    "demo": ["demo/hc_budget_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "healthcare_integration_budget/static/tests/tours/*.js",
        ],
    },
}
