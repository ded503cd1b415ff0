# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration Reconciliation",
    "summary": "Reconcile flows with partners' control reports, alert on silent "
    "feeds, and keep business KPIs for the dashboard and Prometheus",
    "version": "18.0.1.1.0",
    "category": "Tools",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    # the core too, though ops brings it: an update of the core
    # (odoo -u healthcare_integration_core) updates the addons depending on it,
    # and installs ops where an 18.0.2 database had it in the core
    "depends": ["healthcare_integration_core", "healthcare_integration_ops"],
    "external_dependencies": {"python": ["prometheus-client"]},
    "data": [
        "security/ir.model.access.csv",
        "security/hc_reconciliation_security.xml",
        "data/ir_cron.xml",
        "views/hc_reconciliation_views.xml",
        "views/hc_reconciliation_period_views.xml",
        "views/hc_reconciliation_difference_views.xml",
        "views/hc_kpi_daily_views.xml",
        "views/hc_flow_views.xml",
        "views/hc_alert_rule_views.xml",
        "views/hc_menus.xml",
    ],
    "demo": ["demo/hc_reconciliation_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "healthcare_integration_reconciliation/static/src/dashboard/*",
        ],
        "web.assets_tests": [
            "healthcare_integration_reconciliation/static/tests/tours/*.js",
        ],
    },
}
