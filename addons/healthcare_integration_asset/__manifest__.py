# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: Capital Equipment",
    "summary": "Capital equipment from receipt to retirement: equipment and OCA "
    "assets on receipt, EAM/CMMS sync, work orders, warranties, month-end "
    "capitalization to finance",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Maintenance",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": [
        "healthcare_integration_core",
        "healthcare_integration_reconciliation",
        "purchase_stock",
        "hr_maintenance",
        "account_asset_management",
    ],
    "data": [
        "security/hc_asset_security.xml",
        "security/ir.model.access.csv",
        "data/hc_flow_type.xml",
        "data/mail_activity_type.xml",
        "data/ir_cron.xml",
        "views/maintenance_equipment_views.xml",
        "views/maintenance_request_views.xml",
        "views/hc_asset_service_contract_views.xml",
        "views/hc_asset_finance_period_views.xml",
        "views/account_asset_views.xml",
        "views/product_views.xml",
        "views/stock_views.xml",
        "views/purchase_order_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/hc_asset_retire_wizard_views.xml",
        "wizards/hc_asset_month_end_wizard_views.xml",
        "views/hc_asset_menus.xml",
    ],
    "demo": ["demo/hc_asset_demo.xml", "demo/hc_reconciliation_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "healthcare_integration_asset/static/tests/tours/*.js",
        ],
    },
}
