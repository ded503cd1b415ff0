# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration Operations",
    "summary": "Integration dashboard, Prometheus metrics, alert rules and "
    "configuration as code (export / import) for the integration runtime",
    "version": "18.0.1.0.0",
    "category": "Tools",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["healthcare_integration_core"],
    "external_dependencies": {"python": ["prometheus-client", "PyYAML"]},
    "data": [
        "security/hc_ops_security.xml",
        "security/ir.model.access.csv",
        "data/hc_ops_cron.xml",
        "data/hc_alert_mail_template.xml",
        "views/hc_ops_dashboard_views.xml",
        "views/hc_alert_views.xml",
        "views/hc_config_transfer_views.xml",
        "views/hc_metrics_token_views.xml",
        "views/hc_ops_menus.xml",
    ],
    "demo": ["demo/hc_ops_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "healthcare_integration_ops/static/src/ops_dashboard/*",
        ],
        "web.assets_tests": [
            "healthcare_integration_ops/static/tests/tours/*.js",
        ],
    },
}
