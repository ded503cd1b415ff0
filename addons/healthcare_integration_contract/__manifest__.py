# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: Supplier Contracts",
    "summary": "Supplier contracts from the contract repository as Odoo blanket "
    "orders; bills held to the contract price valid on the order date",
    "version": "18.0.1.0.0",
    "category": "Inventory/Purchase",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["healthcare_integration_requisition", "purchase_requisition"],
    "data": [
        "data/hc_flow_type.xml",
        "views/purchase_requisition_views.xml",
        "views/hc_procurement_tolerance_views.xml",
        "views/account_move_views.xml",
    ],
    "demo": ["demo/hc_contract_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "healthcare_integration_contract/static/tests/tours/*.js",
        ],
    },
}
