# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration: Supplier Compliance",
    "summary": "Supplier compliance documents (registration, ISO 13485, "
    "insurance, sanctions screening): synchronized or by hand, orders blocked "
    "when one is missing or expired, audited overrides, renewal reminders",
    "version": "18.0.1.0.0",
    "category": "Inventory/Purchase",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["healthcare_integration_procurement"],
    "data": [
        "security/hc_compliance_security.xml",
        "security/ir.model.access.csv",
        "data/hc_flow_type.xml",
        "data/hc_compliance_document_type.xml",
        "data/ir_cron.xml",
        "views/hc_compliance_document_type_views.xml",
        "views/hc_compliance_document_views.xml",
        "views/res_partner_views.xml",
        "views/purchase_order_views.xml",
        "wizard/hc_compliance_override_views.xml",
        "wizard/hc_compliance_onboarding_views.xml",
        "views/hc_backend_views.xml",
        "views/hc_compliance_menus.xml",
    ],
    "demo": ["demo/hc_compliance_demo.xml"],
}
