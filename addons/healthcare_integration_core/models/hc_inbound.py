# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import logging
from dataclasses import dataclass

import psycopg2
from psycopg2 import errors as pg_errors
from psycopg2.extras import execute_values

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from odoo.addons.queue_job.exception import RetryableJobError

from ..exceptions import HcBusinessError, HcRetryableError, PayloadIntegrityError
from ..lib import retry, schema
from ..lib import states as st
from .hc_message_attempt import INSERT_ATTEMPTS
from .hc_payload import REQUEST

_logger = logging.getLogger(__name__)


@dataclass
class Ingested:
    """What became of a received payload, as the sender is told."""

    id: int
    name: str
    correlation_id: str
    state: str
    duplicate: bool = False
    errors: list | None = None

    def as_answer(self):
        answer = {
            "message_id": self.name,
            "id": self.id,
            "correlation_id": self.correlation_id,
            "state": self.state,
        }
        if self.duplicate:
            answer["duplicate"] = True
        return answer


@dataclass
class Attempt:
    """A processing attempt, written with its outcome."""

    number: int
    started_at: object

    def values(self, message):
        return {
            "attempt_count": self.number,
            "started_at": message.started_at or self.started_at,
            "waiting_reason": False,
        }


class HcInbound(models.AbstractModel):
    """Received payloads: storing them (any route) and processing them (a job).

    Webhooks, file pulls and broker consumers all store through ``_ingest``:
    one idempotency rule (a key, or the payload's SHA-256, is stored once per
    flow; so is an accepted signature), schema validation before storage, and
    redaction before anything is written. Processing runs the flow type's
    handler in a savepoint, as the least-privilege Integration Processor.
    """

    _name = "hc.inbound"
    _description = "Integration Inbound Processing"

    # ------------------------------------------------------------------ storing

    @api.model
    def _ingest(
        self,
        flow,
        body,
        idempotency_key=None,
        correlation_id=None,
        signature_digest=None,
        parent=None,
        parent_relation=None,
        file_name=None,
        traceparent=None,
    ):
        """Store ``body`` received on ``flow`` and queue its processing.

        Returns an ``Ingested``: the new message, or the original one when the
        key (or the signature) was already accepted. A payload failing the
        flow's format or schema is stored as a failed message, not processed.
        """
        key = idempotency_key or hashlib.sha256(body).hexdigest()
        messages = self.env["hc.message"]
        # screened first: a payload to store is checked for a duplicate in
        # the statement that stores it (``_store_received``)
        stored, errors = self._minimize(flow, body)
        vals = messages._base_vals(
            flow,
            idempotency_key=key,
            signature_digest=signature_digest,
            correlation_id=correlation_id,
            parent_id=parent.id if parent else None,
            parent_relation=parent_relation,
            payload_size=len(body),
            state=st.QUEUED,
            endpoint=False,
            file_name=file_name,
            traceparent=traceparent,
        )
        if not errors:
            return self._store_received(flow, vals, stored, key, signature_digest)
        original = self._original(flow, key, signature_digest)
        if original:
            return original
        try:
            with self.env.cr.savepoint():
                message = messages.create(vals)
                message._store_payload(REQUEST, stored)
        except pg_errors.UniqueViolation:
            # a concurrent delivery with the same key or signature committed
            # first; our snapshot may not show it, a fresh transaction does
            return self._answer_from_fresh_cursor(flow, key, signature_digest)
        message._fail(retry.ERROR_VALIDATION, "\n".join(errors), http_status=422)
        return self._answer(message, errors=errors)

    @api.model
    def _minimize(self, flow, body):
        """(what may be stored of ``body``, or None; [errors]).

        The handler screens the payload first (e.g. tokenizes patient
        identifiers); what it returns is validated against the flow's format
        and schema (so that no error quotes what screening removed), then the
        flow's redaction rules apply. A payload that cannot be screened or
        minimized is not stored at all.
        """
        try:
            screened = flow._handler().screen_payload(flow, body)
        except (HcBusinessError, schema.PayloadValidationError, ValueError) as exc:
            return None, [_("Payload not kept: %s", exc)]
        errors = flow._validate_payload(screened)
        try:
            return flow._redact(screened), errors
        except (schema.PayloadValidationError, ValueError) as exc:
            return None, [*errors, _("Payload not kept: %s", exc)]

    @staticmethod
    def _answer(message, duplicate=False, errors=None):
        return Ingested(
            id=message.id,
            name=message.name,
            correlation_id=message.correlation_id,
            state=message.state,
            duplicate=duplicate,
            errors=errors,
        )

    @api.model
    def _answer_from_fresh_cursor(self, flow, key, signature_digest):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["hc.inbound"]._original(
                flow.with_env(env), key, signature_digest
            )

    # ------------------------------------------------------------------ processing

    @api.model
    def _process(self, message):
        flow = message.flow_id
        if flow._is_paused():
            return message._wait(_("flow or backend paused"))
        if self.env["hc.delivery"]._delivered_twin(message):
            message._finish(st.DUPLICATE)
            return st.DUPLICATE
        held = self.env["hc.ordering"]._hold(message)
        if held:
            return held
        if message.file_name and message.backend_id._is_file_transport():
            # the message is committed (this job runs after its commit)
            message.backend_id._file_archive(message.file_name)
        # nothing is written before the handler runs (no other transaction
        # could see a "running" state before this one commits): the attempt's
        # values go with its outcome, in one update
        attempt = Attempt(message.attempt_count + 1, fields.Datetime.now())
        try:
            with self.env.cr.savepoint():
                result = self._apply(message)
        except PayloadIntegrityError as exc:
            return self._failed(message, attempt, retry.ERROR_TECHNICAL, exc)
        except schema.PayloadValidationError as exc:
            errors = "\n".join(exc.errors)
            return self._failed(message, attempt, retry.ERROR_VALIDATION, errors)
        except HcRetryableError as exc:
            outcome = self._retryable(exc)
            self._record(message, attempt, outcome)
            values = attempt.values(message)
            return message._retry_or_fail(outcome, attempt.number, values)
        except HcBusinessError as exc:
            self._notify_business_owner(message, exc)
            return self._failed(
                message, attempt, retry.ERROR_BUSINESS, exc, kind=exc.kind
            )
        except (UserError, ValidationError, AccessError) as exc:
            return self._failed(message, attempt, retry.ERROR_BUSINESS, exc)
        except psycopg2.OperationalError as exc:
            if exc.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                # another job changed a row this one read (two SupplyRequests
                # reserving one quant): run again in a second with a fresh
                # snapshot, without spending an attempt (queue_job's own
                # retry of these errors waits 5 s, which a stat request
                # cannot afford)
                raise RetryableJobError(str(exc), seconds=1, ignore_retry=True) from exc
            return self._failed(message, attempt, retry.ERROR_TECHNICAL, exc)
        except Exception as exc:
            # a bug in a handler fails its message, never the whole queue
            _logger.exception("processing %s failed", message.name)
            text = f"{type(exc).__name__}: {exc}"
            return self._failed(message, attempt, retry.ERROR_TECHNICAL, text)
        self._record(message, attempt, self._outcome(True, "processed"))
        message._finish(
            st.DONE,
            error_class=False,
            error_text=False,
            **result,
            **attempt.values(message),
        )
        return st.DONE

    @api.model
    def _apply(self, message):
        """Run the handler; the values the message keeps about the result."""
        flow = message.flow_id
        x12 = flow._job_settings().payload_format == "x12"
        if x12 and message.parent_relation != "split":
            split = self.env["hc.x12"]._receive(message)
            if split is not None:
                return split
        handler = flow._handler()
        document = handler.decode(message, message._body())
        if message.run_id:
            counts = handler.process_items(message, document)
            return message.run_id._record_chunk(message, counts or {})
        records = handler.process(message, document)
        if records:
            record = records[:1]
            return {"res_model": record._name, "res_id": record.id}
        return {}

    @staticmethod
    def _outcome(ok, reason, error_class=None, retryable=False):
        return retry.Outcome(
            ok=ok, retryable=retryable, error_class=error_class, reason=reason
        )

    @staticmethod
    def _retryable(error):
        return retry.Outcome(
            ok=False,
            retryable=True,
            error_class=retry.ERROR_TECHNICAL,
            reason=str(error),
            retry_after=error.seconds,
        )

    @api.model
    def _record(self, message, attempt, outcome):
        later = self.env.context.get("hc_attempts_later")
        if later is not None and outcome.ok:
            # a joined message's attempt, inserted with the other joined
            # messages' in one statement (hc.message.batch)
            later.append((message, attempt, fields.Datetime.now()))
            return
        self.env["hc.message.attempt"]._record(
            message, attempt.number, attempt.started_at, outcome
        )

    @api.model
    def _record_processed(self, attempts):
        """Insert the attempts of joined messages that were processed
        (``_record``: (message, attempt, ended at)) in one
        statement, as ``hc.message.attempt._record`` would one by one
        (bench_throughput's end to end: a statement less per message)."""
        if not attempts:
            return
        store = self.env["hc.message.attempt"]
        execute_values(
            self.env.cr,
            f"{INSERT_ATTEMPTS} VALUES %s",
            [
                store._row_values(
                    message,
                    (
                        attempt.number,
                        attempt.started_at,
                        ended,
                        st.ATTEMPT_DONE,
                        0,
                        None,
                        None,
                    ),
                )
                for message, attempt, ended in attempts
            ],
        )
        for message, _attempt, _ended in attempts:
            message.invalidate_recordset(["attempt_ids"])

    @api.model
    def _failed(self, message, attempt, error_class, error, kind=None):
        text = str(error)
        self._record(message, attempt, self._outcome(False, text, error_class))
        message._fail(
            error_class, text, exception_kind=kind or False, **attempt.values(message)
        )
        return st.DEAD

    @api.model
    def _notify_business_owner(self, message, error):
        """An activity for the flow's business owner on each record concerned."""
        owner = message.flow_id._business_owner()
        if not owner or not error.records:
            return
        for record in error.records:
            if "activity_ids" not in record._fields:
                continue
            record.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=owner.id,
                summary=_("Integration exception (%s)", error.kind),
                note=_("%(message)s: %(error)s", message=message.name, error=error),
            )
