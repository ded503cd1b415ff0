# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: Procurement",
    "summary": "Suppliers, catalogs, purchase orders, acknowledgements, ship "
    "notices, receipts and supplier invoices with three-way match",
    "version": "18.0.1.0.0",
    "category": "Inventory/Purchase",
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
        "account_edi_ubl_cii",
        "purchase_edi_ubl_bis3",
        "account_add_gln",
        "product_expiry",
    ],
    "external_dependencies": {"python": ["lxml"]},
    "data": [
        "security/hc_procurement_security.xml",
        "security/ir.model.access.csv",
        "data/hc_flow_type.xml",
        "data/peppol_order_templates.xml",
        "views/hc_procurement_tolerance_views.xml",
        "views/hc_procurement_substitution_views.xml",
        "views/hc_procurement_asn_views.xml",
        "views/hc_backend_views.xml",
        "views/res_partner_views.xml",
        "views/product_supplierinfo_views.xml",
        "views/purchase_order_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_lot_views.xml",
        "views/account_move_views.xml",
        "views/hc_sync_run_views.xml",
        "views/hc_procurement_menus.xml",
        "wizards/hc_procurement_match_decision_views.xml",
    ],
    "demo": [
        "demo/hc_procurement_demo.xml",
        "demo/hc_procurement_peppol_demo.xml",
        "demo/hc_reconciliation_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "healthcare_integration_procurement/static/tests/tours/*.js",
        ],
    },
}
