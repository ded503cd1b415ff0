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
        """The Ingested answer of a key (or signature) already stored, or None.

        A signature answered here is marked used (``hc.inbound.signature``):
        the re-signed retry of a request, duplicate by its key, cannot be sent
        again under another key and be accepted.
        """
        original = self.env["hc.message"]._find_original(flow, key, signature_digest)
        if not original:
            return None
        if signature_digest:
            self._use_signature(flow, signature_digest, original)
        return Ingested(
            original.id,
            original.name,
            original.correlation_id,
            original.state,
            duplicate=True,
        )

    @api.model
    def _use_signature(self, flow, signature_digest, original):
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    """
                    INSERT INTO hc_inbound_signature (flow_id, digest, message_id)
                    VALUES (%s, %s, %s) ON CONFLICT DO NOTHING
                    """,
                    (flow.id, signature_digest, original.id),
                    log_exceptions=False,
                )
        except psycopg2.OperationalError as exc:
            # a concurrent duplicate of the same request marked it first
            if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise

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
        spec = message._job_spec(flow=flow, name=name, trace_id=trace_id)
        spec["uuid"] = job_uuid
        [stored_uuid] = self.env["hc.job.store"]._store([spec])
        if stored_uuid != job_uuid:  # a job trapped by the tests' trap_jobs()
            message.sudo().job_uuid = stored_uuid
