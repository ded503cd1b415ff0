# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import atexit
import json
import logging
import random
import time
from collections import defaultdict
from datetime import UTC, datetime

import psycopg2

from odoo import SUPERUSER_ID, api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..lib.refusals import MAX_EXAMPLES, RefusalCounter

_logger = logging.getLogger(__name__)

REASONS = [
    ("unknown_flow", "Unknown backend or flow"),
    ("bad_method", "Method not allowed"),
    ("bad_header", "Header too long"),
    ("bad_content_type", "Content type not accepted"),
    ("length_required", "Body without a length"),
    ("too_large", "Payload too large"),
    ("unauthenticated", "Authentication failed"),
    ("too_deep", "Payload nested too deeply"),
    ("bad_xml", "XML with a DTD"),
]
# per database: what this worker counted and has not written yet
COUNTERS = defaultdict(RefusalCounter)
WRITE_ATTEMPTS = 20

# One statement per bucket: the count added, the examples appended up to
# MAX_EXAMPLES; RETURNING whether the row is new (it is logged then). Raw
# SQL: the ORM has no upsert, which concurrent workers counting into one
# bucket need.
UPSERT = """
    INSERT INTO hc_webhook_refusal (backend_code, flow_code, backend_id,
        company_id, reason_code, status, reason, minute, count, examples,
        create_uid, create_date, write_uid, write_date)
    SELECT %(backend_code)s, %(flow_code)s, b.id, b.company_id, %(reason_code)s,
           %(status)s, %(reason)s, %(minute)s, %(count)s, %(examples)s,
           %(uid)s, now() at time zone 'utc', %(uid)s, now() at time zone 'utc'
      FROM (SELECT 1) one
      LEFT JOIN hc_backend b ON b.code = %(backend_code)s
    ON CONFLICT (backend_code, flow_code, reason_code, status, minute)
    DO UPDATE SET count = hc_webhook_refusal.count + EXCLUDED.count,
        reason = EXCLUDED.reason, write_date = EXCLUDED.write_date,
        examples = CASE
            WHEN json_array_length(hc_webhook_refusal.examples::json) >= %(max)s
            THEN hc_webhook_refusal.examples
            ELSE (hc_webhook_refusal.examples::jsonb
                  || EXCLUDED.examples::jsonb)::text END
    RETURNING (xmax = 0)
"""


class HcWebhookRefusal(models.Model):
    """Inbound requests refused before storage, counted per minute.

    One row per backend, flow, reason and minute, with a count and the first
    few examples (never a body): a flood of anonymous requests costs a few
    rows, not one per request. Each refusal is added to its row at once, in
    a short transaction of its own: a request retried by the server, or the
    rollback of the request's transaction, can neither lose nor double it.
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
        """Count one refusal, written at once in a transaction of its own."""
        key = (backend_code[:64], flow_code[:64], reason_code, status)
        COUNTERS[self.env.cr.dbname].add(key, reason, example)
        self._write_counts()

    @api.model
    def _write_counts(self):
        """Write what this worker counted; what cannot be written stays counted.

        Concurrent workers adding to one row conflict under Odoo's isolation
        level; the write is retried in a fresh transaction (the counts go
        back into memory first), and anything still unwritten is written
        with the next refusal, or when the process exits.
        """
        counter = COUNTERS[self.env.cr.dbname]
        for attempt in range(WRITE_ATTEMPTS):
            buckets = counter.take()
            if not buckets:
                return True
            try:
                with self.env.registry.cursor() as cr:
                    self.with_env(self.env(cr=cr))._upsert_all(buckets)
            except psycopg2.OperationalError as exc:
                counter.restore(buckets)
                if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    _logger.warning("refusal counts not written yet: %s", exc)
                    return False
                time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        return False

    @api.model
    def _upsert_all(self, buckets):
        for (backend_code, flow_code, reason_code, status, minute), bucket in sorted(
            buckets.items()
        ):
            self.env.cr.execute(
                UPSERT,
                {
                    "backend_code": backend_code,
                    "flow_code": flow_code,
                    "reason_code": reason_code,
                    "status": status,
                    "reason": bucket.reason[:255],
                    "minute": datetime.fromtimestamp(minute, UTC).replace(tzinfo=None),
                    "count": bucket.count,
                    "examples": json.dumps(bucket.examples[:MAX_EXAMPLES], indent=1),
                    "uid": self.env.uid,
                    "max": MAX_EXAMPLES,
                },
                log_exceptions=False,
            )
            if self.env.cr.fetchone()[0]:
                _logger.warning(
                    "inbound %s/%s: request(s) refused (%s %s): %s",
                    backend_code,
                    flow_code,
                    status,
                    reason_code,
                    bucket.reason,
                )


@atexit.register
def _write_pending_counts():
    """A worker that exits writes what it could not write before."""
    from odoo.modules.registry import Registry

    for dbname, counter in list(COUNTERS.items()):
        if not counter.pending():
            continue
        try:
            with Registry(dbname).cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})[
                    "hc.webhook.refusal"
                ]._write_counts()
        except Exception as exc:  # noqa: BLE001  exiting: say what is lost, go on
            _logger.warning(
                "%s refusal count(s) of %s not written: %s",
                counter.pending(),
                dbname,
                exc,
            )
