# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: EHR clinical supply (FHIR R4)",
    "summary": "Supply requests from the EHR over FHIR R4 reserved and replenished, "
    "deliveries and availability back, utilization costed per service line, "
    "no clinical data kept",
    "version": "18.0.1.1.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": [
        "healthcare_integration_core",
        "healthcare_integration_reconciliation",
        "stock",
        "purchase_stock",
        "stock_account",
        "analytic",
    ],
    "external_dependencies": {"python": ["fhir.resources"]},
    "data": [
        "security/hc_ehr_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence.xml",
        "data/stock_data.xml",
        "data/hc_flow_type.xml",
        "data/ir_cron.xml",
        "views/hc_ehr_supply_request_views.xml",
        "views/hc_ehr_usage_views.xml",
        "views/hc_ehr_watch_views.xml",
        "views/hc_flow_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_location_views.xml",
        "views/product_template_views.xml",
        "views/hc_ehr_menus.xml",
    ],
    "demo": ["demo/hc_ehr_demo.xml", "demo/hc_reconciliation_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "healthcare_integration_ehr/static/tests/tours/*.js",
        ],
    },
}
