# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: Requisitions",
    "summary": "Requisitions from the eProcurement platform as OCA purchase "
    "requests, tier approvals per company, status and order numbers back",
    "version": "18.0.1.0.0",
    "category": "Inventory/Purchase",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": [
        "healthcare_integration_procurement",
        "purchase_request",
        "purchase_request_tier_validation",
    ],
    "data": [
        "security/ir.model.access.csv",
        "data/hc_flow_type.xml",
        "views/purchase_request_views.xml",
        "views/stock_move_views.xml",
    ],
    "demo": ["demo/hc_requisition_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "healthcare_integration_requisition/static/tests/tours/*.js",
        ],
    },
}
