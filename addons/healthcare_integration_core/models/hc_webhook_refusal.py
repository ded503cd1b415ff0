# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
from datetime import UTC, datetime

from odoo import api, fields, models

from ..lib.refusals import MAX_EXAMPLES, RefusalCounter

_logger = logging.getLogger(__name__)

REASONS = [
    ("unknown_flow", "Unknown backend or flow"),
    ("bad_header", "Header too long"),
    ("bad_content_type", "Content type not accepted"),
    ("too_large", "Payload too large"),
    ("unauthenticated", "Authentication failed"),
]
# per process: refusals are counted in memory, written per bucket
COUNTER = RefusalCounter()


class HcWebhookRefusal(models.Model):
    """Inbound requests refused before storage, counted per minute.

    One row per backend, flow, reason and minute, with a count and the first
    few examples (never a body): a flood of anonymous requests costs a few
    rows, not one per request.
    """

    _name = "hc.webhook.refusal"
    _description = "Integration Webhook Refusals"
    _order = "minute desc, id desc"
    _rec_name = "reason_code"

    backend_code = fields.Char(readonly=True, index=True)
    flow_code = fields.Char(readonly=True)
    backend_id = fields.Many2one("hc.backend", readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    reason_code = fields.Selection(REASONS, readonly=True, required=True)
    status = fields.Integer(readonly=True)
    reason = fields.Char(readonly=True, help="The last reason given.")
    minute = fields.Datetime(readonly=True, required=True, index=True)
    count = fields.Integer(readonly=True)
    examples = fields.Text(readonly=True, help="The first requests: when, from where.")

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS hc_webhook_refusal_bucket_uniq
                ON hc_webhook_refusal (backend_code, flow_code, reason_code,
                                       status, minute)
            """
        )

    @api.model
    def _refuse(self, backend_code, flow_code, reason_code, status, reason, example):
        """Count one refusal; write the counts out when they are due."""
        key = (backend_code[:64], flow_code[:64], reason_code, status)
        if COUNTER.add(key, reason, example):
            self._write_counts()

    @api.model
    def _write_counts(self):
        """Write the counted refusals, one upsert per bucket."""
        buckets = COUNTER.take()
        for (
            backend_code,
            flow_code,
            reason_code,
            status,
            minute,
        ), bucket in buckets.items():
            self._upsert(backend_code, flow_code, reason_code, status, minute, bucket)
            _logger.warning(
                "webhook %s/%s: %s request(s) refused (%s): %s",
                backend_code,
                flow_code,
                bucket.count,
                status,
                bucket.reason,
            )

    @api.model
    def _upsert(self, backend_code, flow_code, reason_code, status, minute, bucket):
        backend = self.env["hc.backend"].sudo().search([("code", "=", backend_code)])
        self.env.cr.execute(
            """
            INSERT INTO hc_webhook_refusal (backend_code, flow_code, backend_id,
                company_id, reason_code, status, reason, minute, count, examples,
                create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                    now() at time zone 'utc', %s, now() at time zone 'utc')
            ON CONFLICT (backend_code, flow_code, reason_code, status, minute)
            DO UPDATE SET count = hc_webhook_refusal.count + EXCLUDED.count,
                          reason = EXCLUDED.reason, write_date = EXCLUDED.write_date
            """,
            (
                backend_code,
                flow_code,
                backend.id or None,
                backend.company_id.id or None,
                reason_code,
                status,
                bucket.reason[:255],
                datetime.fromtimestamp(minute, UTC).replace(tzinfo=None),
                bucket.count,
                json.dumps(bucket.examples[:MAX_EXAMPLES], indent=1),
                self.env.uid,
                self.env.uid,
            ),
        )
