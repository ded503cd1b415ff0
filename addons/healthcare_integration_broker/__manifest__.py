# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Healthcare Integration Broker (RabbitMQ)",
    "summary": "Publish flow messages to RabbitMQ and consume queues into "
    "inbound flows, with the hc-consumer command",
    "version": "18.0.1.0.0",
    "category": "Tools",
    "website": "https://github.com/healthcare-integration/odoo-healthcare-integration",
    "author": "Healthcare Integration for Odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["healthcare_integration_core"],
    "external_dependencies": {"python": ["pika"]},
    "data": [
        "views/hc_backend_amqp_views.xml",
        "views/hc_flow_amqp_views.xml",
    ],
    "demo": ["demo/hc_amqp_demo.xml"],
}
