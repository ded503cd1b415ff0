# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid

import psycopg2

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..lib import states as st
from .hc_inbound import Ingested
from .hc_payload import REQUEST, checksum

# The message, its payload and its job uuid in one statement; a key or
# signature already stored makes it insert nothing (ON CONFLICT DO NOTHING).
INSERT_RECEIVED = """
    WITH new AS (SELECT nextval('hc_message_id_seq') AS id),
    message AS (
        INSERT INTO hc_message (id, name, flow_id, flow_type_id, backend_id,
            company_id, direction, state, idempotency_key, signature_digest,
            correlation_id, trace_id, traceparent, parent_id, parent_relation,
            content_type, http_method, payload_size, sla_deadline, file_name,
            job_uuid, next_attempt_at, attempt_count, attempt_base,
            create_uid, create_date, write_uid, write_date)
        SELECT new.id, 'HCM/' || lpad(new.id::text, 7, '0'), %(flow_id)s,
            %(flow_type_id)s, %(backend_id)s, %(company_id)s, 'inbound',
            %(state)s, %(idempotency_key)s, %(signature_digest)s,
            %(correlation_id)s, %(trace_id)s, %(traceparent)s, %(parent_id)s,
            %(parent_relation)s, %(content_type)s, %(http_method)s,
            %(payload_size)s, %(sla_deadline)s, %(file_name)s, %(job_uuid)s,
            %(now)s, 0, 0, %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM new
        ON CONFLICT DO NOTHING
        RETURNING id, name
    ),
    payload AS (
        INSERT INTO hc_message_payload (message_id, kind, body, sha256, size)
        SELECT id, %(kind)s, %(body)s, %(sha256)s, %(size)s
          FROM message WHERE %(body)s IS NOT NULL
    )
    SELECT id, name FROM message
"""


class HcInbound(models.AbstractModel):
    """Storing a received payload in as few statements as it takes.

    A webhook burst from an EHR is served by storing each payload with three
    statements: the duplicate check, one insert of the message with its
    payload, and one insert of its queue job. The ORM would cost several
    times that for the same rows.
    """

    _inherit = "hc.inbound"

    @api.model
    def _original(self, flow, key, signature_digest):
        """The Ingested answer of a key (or signature) already stored, or None."""
        self.env.cr.execute(
            """
            SELECT id, name, correlation_id, state FROM hc_message
             WHERE flow_id = %s
               AND ((idempotency_key = %s AND parent_relation IS DISTINCT FROM 'replay'
                     AND state NOT IN ('dead', 'cancelled'))
                    OR (%s IS NOT NULL AND signature_digest = %s))
             ORDER BY id LIMIT 1
            """,
            (flow.id, key, signature_digest, signature_digest),
        )
        row = self.env.cr.fetchone()
        if not row:
            return None
        return Ingested(*row, duplicate=True)

    @api.model
    def _store_received(self, flow, vals, body, key, signature_digest):
        """Insert the message, its payload and its job; the Ingested answer."""
        job_uuid = str(uuid.uuid4())
        now = fields.Datetime.now()
        params = {
            **{
                name: vals.get(name) or None
                for name in (
                    "idempotency_key",
                    "signature_digest",
                    "correlation_id",
                    "trace_id",
                    "traceparent",
                    "parent_id",
                    "parent_relation",
                    "content_type",
                    "http_method",
                    "sla_deadline",
                    "file_name",
                )
            },
            "flow_id": flow.id,
            "flow_type_id": flow.flow_type_id.id,
            "backend_id": flow.backend_id.id,
            "company_id": flow.company_id.id,
            "state": st.QUEUED,
            "payload_size": vals.get("payload_size") or 0,
            "job_uuid": job_uuid,
            "now": now,
            "uid": self.env.uid,
            "kind": REQUEST,
            "body": psycopg2.Binary(body) if body else None,
            "sha256": checksum(body) if body else None,
            "size": len(body or b""),
        }
        params["correlation_id"] = params["correlation_id"] or str(uuid.uuid4())
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(INSERT_RECEIVED, params, log_exceptions=False)
                row = self.env.cr.fetchone()
        except psycopg2.OperationalError as exc:
            if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            # a concurrent delivery of the same key committed after this
            # transaction began: a fresh transaction sees it
            return self._answer_from_fresh_cursor(flow, key, signature_digest)
        if not row:
            return self._original(flow, key, signature_digest)
        message = self.env["hc.message"].browse(row[0])
        self._queue_received(message, flow, job_uuid, row[1], vals.get("trace_id"))
        return Ingested(row[0], row[1], params["correlation_id"], st.QUEUED)

    @api.model
    def _queue_received(self, message, flow, job_uuid, name, trace_id):
        runner = message.with_user(message._processing_user()).with_company(
            flow.company_id
        )
        spec = {
            "record": runner,
            "method": "_run_job",
            "channel": flow.channel or "root.hc",
            "priority": flow.priority or 10,
            "company_id": flow.company_id.id,
            "uuid": job_uuid,
            "description": message._job_description(flow, name, trace_id),
        }
        [stored_uuid] = self.env["hc.job.store"]._store([spec])
        if stored_uuid != job_uuid:  # a job trapped by the tests' trap_jobs()
            message.sudo().job_uuid = stored_uuid
