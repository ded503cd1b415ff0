# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import uuid

import psycopg2

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from ..lib import states as st
from .hc_inbound import Ingested
from .hc_message import FIND_ORIGINAL
from .hc_payload import REQUEST, checksum

# The insert of a message (its id from a CTE ``new``) and of its payload,
# as two CTEs ``message`` (returning id, name) and ``payload``: received
# payloads (RECEIVE) and pages of batch pulls (hc.sync.run.pull) are stored
# with it. A key already taken inserts nothing. ``{job_uuid}`` is the SQL of
# the message's job uuid (``JOB_UUID``: the parameter).
MESSAGE_AND_PAYLOAD = """
    message AS (
        INSERT INTO hc_message (id, name, flow_id, flow_type_id, backend_id,
            company_id, direction, state, idempotency_key, signature_digest,
            correlation_id, trace_id, traceparent, parent_id, parent_relation,
            endpoint, content_type, http_method, payload_size, sla_deadline,
            file_name, run_id, run_sequence, run_watermark, result_summary,
            result_counts, done_at, duration_ms, job_uuid, next_attempt_at,
            attempt_count, attempt_base, create_uid, create_date, write_uid,
            write_date)
        SELECT new.id,
            'HCM/' || lpad(new.id::text, greatest(7, length(new.id::text)), '0'),
            %(flow)s, %(flow_type_id)s, %(backend_id)s, %(company_id)s, %(direction)s,
            %(state)s, %(key)s, %(digest)s,
            %(correlation_id)s, %(trace_id)s, %(traceparent)s, %(parent_id)s,
            %(parent_relation)s, %(endpoint)s, %(content_type)s,
            %(http_method)s, %(payload_size)s, %(sla_deadline)s, %(file_name)s,
            %(run_id)s, %(run_sequence)s, %(run_watermark)s,
            %(result_summary)s, %(result_counts)s::jsonb, %(done_at)s,
            %(duration_ms)s, {job_uuid}, %(next_attempt_at)s, 0, 0,
            %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM new
        ON CONFLICT DO NOTHING
        RETURNING id, name
    ),
    payload AS (
        INSERT INTO hc_message_payload (message_id, kind, body, sha256, size)
        SELECT id, %(kind)s, %(body)s, %(sha256)s, %(size)s
          FROM message WHERE %(has_body)s
    )"""

# Receiving a payload in one round trip (bench_throughput's ingestion: each
# statement of a webhook weighs on it against the bare route's two). The
# duplicate check (hc_message's FIND_ORIGINAL), then either the message, its
# payload and its queue job, or the original's answer with its signature
# marked used. The job is built in Python for a placeholder message id (0)
# that the statement replaces with the new one. A key or signature committed
# by a concurrent request after this transaction's snapshot makes the insert
# fail (repeatable read) inside the savepoint opened in the same round trip;
# the savepoint is left for the commit to release.
#
# Micro-batches (bench_throughput's end to end: queue_job's cost per job is
# most of what processing a record-only message costs): a message joins the
# flow's pending job when there is one (``batch``, found by its identity key)
# instead of adding its own; that job processes the messages that joined it
# (hc.message.batch). The share lock keeps the job's row from being taken by
# the job runner (``UPDATE ... SET state = 'enqueued'`` waits for this
# transaction's commit), so that the job's run always sees every message that
# joined it; once enqueued, the job is no longer joined.
RECEIVE = """
    SAVEPOINT "{savepoint}";
    WITH original AS ({find_original}),
    new AS (
        SELECT nextval('hc_message_id_seq') AS id
         WHERE NOT EXISTS (SELECT FROM original)
    ),
    batch AS (
        SELECT uuid FROM queue_job
         WHERE identity_key = %(batch_key)s AND state = 'pending'
           AND EXISTS (SELECT FROM new)
         ORDER BY id LIMIT 1
           FOR SHARE
    ),
    {message_and_payload},
    job AS (
        INSERT INTO queue_job (uuid, user_id, company_id, name, model_name,
            method_name, func_string, job_function_id, channel_method_name,
            records, args, kwargs, dependencies, state, priority, max_retries,
            retry, channel, date_created, eta, identity_key)
        SELECT %(job_uuid)s, %(job_user_id)s, %(company_id)s,
            replace(%(job_name)s, %(name_placeholder)s, message.name),
            %(job_model_name)s, %(job_method_name)s,
            replace(%(job_func_string)s, '(0,)', '(' || message.id || ',)'),
            %(job_function_id)s, %(job_channel_method_name)s,
            to_jsonb(replace(%(job_records)s, %(ids_placeholder)s,
                             '"ids": [' || message.id || ']')),
            %(job_args)s::jsonb, %(job_kwargs)s::jsonb, %(job_dependencies)s,
            'pending', %(job_priority)s, %(job_max_retries)s, 0, %(job_channel)s,
            %(now)s, NULL, %(batch_key)s
          FROM message WHERE %(queue)s AND NOT EXISTS (SELECT FROM batch)
    ),
    used AS (
        INSERT INTO hc_inbound_signature (flow_id, digest, message_id)
        SELECT %(flow)s, %(digest)s, id FROM original WHERE %(digest)s IS NOT NULL
        ON CONFLICT DO NOTHING
    )
    SELECT id, name, %(correlation_id)s, %(state)s, false FROM message
    UNION ALL
    SELECT m.id, m.name, m.correlation_id, m.state, true
      FROM original JOIN hc_message m USING (id)
"""
JOB_UUID = "%(job_uuid)s"
# the job of a received message: the flow's pending job it joined, or its own
JOINED_JOB_UUID = "COALESCE((SELECT uuid FROM batch), %(job_uuid)s)"
NAME_PLACEHOLDER = "{hc-message-name}"
TRACE_PLACEHOLDER = "{hc-trace-id}"
IDS_PLACEHOLDER = '"ids": []'
# a worker's copy of the job parameters of RECEIVE, per flow (_job_params)
_JOB_PARAMS = {}
_JOB_PARAMS_MAX = 256


class HcInbound(models.AbstractModel):
    """Storing a received payload in as few statements as it takes.

    A webhook burst from an EHR is served by storing each payload in one
    statement (``RECEIVE``): the duplicate check, and the message with its
    payload and its queue job (or the original's answer). The ORM would cost
    several times that for the same rows.
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
        # raw SQL: the ORM has no INSERT ... ON CONFLICT DO NOTHING, which
        # two duplicates of one request marking its signature need
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
        """The Ingested answer of ``body``: the original's when ``key`` (or
        the signature) was stored already, else that of a new message, its
        payload and its job, inserted in the same statement."""
        self.env["hc.message"].flush_model(
            ["flow_id", "idempotency_key", "signature_digest", "state"]
        )
        job_uuid = str(uuid.uuid4())
        in_statement = self._jobs_in_statement()
        params = {
            **self._message_params(flow, vals, body, job_uuid),
            **self._job_params(flow, vals, job_uuid),
            "key": key,
            "digest": signature_digest,
            "queue": in_statement,
            "batch_key": self.env["hc.message"]._batch_key(flow)
            if in_statement
            else None,
        }
        try:
            row = self._execute_receive(params)
        except psycopg2.OperationalError as exc:
            if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            if not params["batch_key"]:
                # a concurrent delivery of the same key committed after this
                # transaction began: a fresh transaction sees it
                return self._answer_from_fresh_cursor(flow, key, signature_digest)
            # or the flow's pending job was taken by the job runner after
            # this transaction began: the message gets a job of its own
            try:
                row = self._execute_receive(dict(params, batch_key=None))
            except psycopg2.OperationalError as exc:
                if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    raise
                return self._answer_from_fresh_cursor(flow, key, signature_digest)
        if not row:
            return self._original(flow, key, signature_digest)
        message_id, name, correlation_id, state, duplicate = row
        if not in_statement and not duplicate:
            message = self.env["hc.message"].browse(message_id)
            self._queue_received(message, flow, job_uuid, name, vals.get("trace_id"))
        return Ingested(message_id, name, correlation_id, state, duplicate=duplicate)

    @api.model
    def _jobs_in_statement(self):
        """Whether a received message's job is stored by ``RECEIVE`` itself
        (the default: bench_throughput's ingestion), or else through
        queue_job's API (``hc.job.store._store``), for whatever intercepts
        queue_job's jobs: the tests' ``trap_received_jobs()`` (queue_job's
        ``trap_jobs()``) turns it off."""
        return True

    @api.model
    def _execute_receive(self, params):
        """Run ``RECEIVE`` with ``params``: its row, or None. A concurrency
        error is raised with the statement's savepoint rolled back to."""
        savepoint = uuid.uuid4().hex
        statement = RECEIVE.format(
            savepoint=savepoint,
            find_original=FIND_ORIGINAL,
            message_and_payload=MESSAGE_AND_PAYLOAD.format(job_uuid=JOINED_JOB_UUID),
        )
        try:
            self.env.cr.execute(statement, params, log_exceptions=False)
            return self.env.cr.fetchone()
        except psycopg2.OperationalError as exc:
            if exc.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                self.env.cr.execute(
                    SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(savepoint))
                )
            raise

    @api.model
    def _message_params(self, flow, vals, body, job_uuid=None):
        """The parameters of ``MESSAGE_AND_PAYLOAD``: a message of ``flow``
        with the values ``vals`` (as ``hc.message._base_vals`` makes them)
        and the payload ``body``."""
        now = fields.Datetime.now()
        params = {
            name: vals.get(name) or None
            for name in (
                "idempotency_key",
                "signature_digest",
                "correlation_id",
                "trace_id",
                "traceparent",
                "parent_id",
                "parent_relation",
                "endpoint",
                "content_type",
                "http_method",
                "sla_deadline",
                "file_name",
                "run_id",
                "run_sequence",
                "run_watermark",
                "result_summary",
                "done_at",
            )
        }
        state = vals.get("state") or st.QUEUED
        counts = vals.get("result_counts")
        params.update(
            flow=flow.id,
            flow_type_id=flow.flow_type_id.id,
            backend_id=flow.backend_id.id,
            company_id=flow.company_id.id,
            direction=vals.get("direction") or "inbound",
            state=state,
            key=params.pop("idempotency_key"),
            digest=params.pop("signature_digest"),
            result_counts=json.dumps(counts) if counts else None,
            duration_ms=vals.get("duration_ms"),
            payload_size=vals.get("payload_size") or 0,
            job_uuid=job_uuid,
            next_attempt_at=now if state in st.PENDING else None,
            now=now,
            uid=self.env.uid,
            kind=REQUEST,
            body=psycopg2.Binary(body) if body else None,
            has_body=bool(body),
            sha256=checksum(body) if body else None,
            size=len(body or b""),
        )
        params["correlation_id"] = params["correlation_id"] or str(uuid.uuid4())
        return params

    @api.model
    def _job_params(self, flow, vals, job_uuid):
        """The queue job's parameters of ``RECEIVE``: the message's job
        (``_job_spec``) for a placeholder id and name the statement fills.

        The same for every message of a flow but its trace: a worker keeps
        them by what they are made of (bench_throughput's ingestion: building
        them costs more Python than the rest of storing a message)."""
        key = (
            self.env.cr.dbname,
            flow.id,
            flow.display_name,
            flow.channel,
            flow.priority,
            flow.company_id.id,
            self.env.uid,
            repr(sorted(self.env.context.items())),
        )
        params = _JOB_PARAMS.get(key)
        if params is None:
            params = self._job_params_of(flow)
            if len(_JOB_PARAMS) >= _JOB_PARAMS_MAX:
                _JOB_PARAMS.clear()
            _JOB_PARAMS[key] = params
        trace_id = vals.get("trace_id") or "-"
        return dict(
            params,
            job_name=params["job_name"].replace(TRACE_PLACEHOLDER, trace_id),
            # queue_job's functions are ormcached (cleared with the registry)
            job_function_id=self.env["hc.job.store"]._job_function_id(
                "hc.message", "_run_job"
            ),
        )

    @api.model
    def _job_params_of(self, flow):
        """``_job_params`` of ``flow``, for a placeholder trace."""
        placeholder = self.env["hc.message"].browse([0])
        spec = placeholder._job_spec(
            flow=flow, name=NAME_PLACEHOLDER, trace_id=TRACE_PLACEHOLDER
        )
        values = self.env["hc.job.store"]._job_values(spec)
        params = {
            f"job_{column}": values[column]
            for column in (
                "user_id",
                "name",
                "model_name",
                "method_name",
                "func_string",
                "channel_method_name",
                "args",
                "kwargs",
                "dependencies",
                "priority",
                "max_retries",
                "channel",
            )
        }
        # queue_job stores the recordset as the JSON text of its encoder
        records = values["records"].adapted
        if records.count(IDS_PLACEHOLDER) != 1:
            raise ValueError(f"unexpected job records: {records}")
        params["job_records"] = records
        params["ids_placeholder"] = IDS_PLACEHOLDER
        params["name_placeholder"] = NAME_PLACEHOLDER
        return params

    @api.model
    def _queue_received(self, message, flow, job_uuid, name, trace_id):
        """Queue the job of a message ``RECEIVE`` stored without one (see
        ``_jobs_in_statement``); queue_job chooses its uuid."""
        spec = message._job_spec(flow=flow, name=name, trace_id=trace_id)
        [stored_uuid] = self.env["hc.job.store"]._store([spec])
        if stored_uuid != job_uuid:
            message.sudo().job_uuid = stored_uuid
