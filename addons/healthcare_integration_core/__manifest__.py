# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration Core",
    "summary": "Connector backends, flows, message log, queued delivery, "
    "signed webhooks, batch syncs and crosswalks for hospital integrations",
    "version": "18.0.3.1.0",
    "category": "Tools",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    # analytic: the suite's one plan of cost centres (data/hc_cost_centres.xml),
    # which the domain addons' cost centres share (crosswalk domain cost_center)
    "depends": ["base", "mail", "queue_job", "analytic"],
    "external_dependencies": {
        "python": [
            "requests",
            "cryptography",
            "lxml",
            "jsonschema",
            "jsonpath_ng",
            "paramiko",
            "PyJWT",
        ],
    },
    "data": [
        "security/hc_security.xml",
        "security/ir.model.access.csv",
        "data/queue_job_channel.xml",
        "data/hc_flow_type.xml",
        "data/hc_users.xml",
        "data/ir_cron.xml",
        "data/hc_cost_centres.xml",
        "views/hc_backend_views.xml",
        "views/hc_flow_type_views.xml",
        "views/hc_flow_views.xml",
        "views/hc_sync_run_views.xml",
        "views/hc_webhook_refusal_views.xml",
        "views/hc_message_views.xml",
        "views/hc_crosswalk_views.xml",
        "views/hc_audit_log_views.xml",
        "views/hc_menus.xml",
        "views/hc_backend_bearer_views.xml",
    ],
    "demo": ["demo/hc_demo.xml", "demo/hc_cost_centres_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "healthcare_integration_core/static/src/message_live/*",
        ],
        "web.assets_tests": [
            "healthcare_integration_core/static/tests/tours/*.js",
        ],
    },
}
