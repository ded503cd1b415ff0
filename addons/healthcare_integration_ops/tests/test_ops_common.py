# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers of the operations tests (dashboard, metrics, alerts): no test here."""

from datetime import timedelta

from odoo import fields


class OpsDataMixin:
    """Backends, flows and messages with known ages, states and latencies."""

    @classmethod
    def setup_ops_data(cls, prefix):
        env = cls.env
        cls.now = fields.Datetime.now()
        # a company of its own: the demo data's figures stay out of the counts
        cls.company = env["res.company"].create({"name": f"{prefix} hospital"})
        group = "healthcare_integration_core.group_hc_"
        users = env["res.users"].with_context(no_reset_password=True)
        cls.business_owner = users.create(
            {
                "name": f"{prefix} buyer",
                "login": f"{prefix}_buyer",
                "email": f"{prefix}.buyer@hospital.example",
                "groups_id": [(6, 0, [env.ref("base.group_user").id])],
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
            }
        )
        cls.technical_owner = users.create(
            {
                "name": f"{prefix} integrator",
                "login": f"{prefix}_integrator",
                "email": f"{prefix}.integrator@hospital.example",
                "groups_id": [(6, 0, [env.ref(f"{group}user").id])],
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
            }
        )
        cls.backend = env["hc.backend"].create(
            {
                "name": f"{prefix} supplier",
                "code": f"{prefix}_supplier",
                "base_url": "http://127.0.0.1:9",
                "business_owner_id": cls.business_owner.id,
                "technical_owner_id": cls.technical_owner.id,
                "breaker_threshold": 2,
                "breaker_cooldown": 60,
                "company_id": cls.company.id,
            }
        )
        cls.flow_out = env["hc.flow"].create(
            {
                "flow_type_id": env.ref(
                    "healthcare_integration_core.flow_type_send"
                ).id,
                "name": f"{prefix} orders out",
                "code": "orders_out",
                "backend_id": cls.backend.id,
                "endpoint": "/api/orders",
            }
        )
        cls.flow_in = env["hc.flow"].create(
            {
                "flow_type_id": env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "name": f"{prefix} invoices in",
                "code": "invoices_in",
                "backend_id": cls.backend.id,
            }
        )

    @classmethod
    def message(cls, flow, state, age, latency=None, **values):
        """A message created ``age`` ago (a timedelta), done ``latency`` seconds
        after its creation when given."""
        message = cls.env["hc.message"].create(
            {
                "flow_id": flow.id,
                "backend_id": flow.backend_id.id,
                "direction": flow.direction,
                "state": state,
                **values,
            }
        )
        created = cls.now - age
        done = created + timedelta(seconds=latency) if latency is not None else None
        if state in ("dead", "cancelled") and done is None:
            done = created + timedelta(seconds=1)
        message.flush_recordset()
        cls.env.cr.execute(
            "UPDATE hc_message SET create_date = %s, done_at = %s WHERE id = %s",
            (created, done, message.id),
        )
        message.invalidate_recordset()
        return message

    @classmethod
    def failed_attempts(cls, flow, count, ago):
        """``count`` technical failures of ``flow``'s backend that ended ``ago``."""
        message = cls.message(flow, "retrying", ago + timedelta(minutes=1))
        for number in range(1, count + 1):
            ended = cls.now - ago + timedelta(seconds=number)
            cls.env["hc.message.attempt"].create(
                {
                    "message_id": message.id,
                    "number": number,
                    "started_at": ended - timedelta(seconds=1),
                    "ended_at": ended,
                    "outcome": "retry",
                    "http_status": 503,
                    "error_class": "technical",
                    "error_text": "HTTP 503",
                }
            )
        return message
