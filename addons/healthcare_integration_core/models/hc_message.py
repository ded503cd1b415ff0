# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json
import logging
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import psycopg2
import requests

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..exceptions import HcBusinessError
from ..lib import crypto, retry, schema, transport

_logger = logging.getLogger(__name__)

STATES = [
    ("new", "New"),
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Done"),
    ("retrying", "Retrying"),
    ("dead", "Dead"),
    ("cancelled", "Cancelled"),
    ("duplicate", "Duplicate"),
]
PENDING_STATES = ("new", "queued", "retrying", "running")
FINAL_STATES = ("done", "dead", "cancelled", "duplicate")
ERROR_CLASSES = [
    (retry.ERROR_TECHNICAL, "Technical"),
    (retry.ERROR_BUSINESS, "Business"),
    (retry.ERROR_VALIDATION, "Validation"),
    (retry.ERROR_AUTHENTICATION, "Authentication"),
]
PAYLOAD_GROUP = "healthcare_integration_core.group_hc_payload_viewer"
PREVIEW_BYTES = 64 * 1024
PAYLOAD_FIELDS = {
    "request_payload",
    "response_payload",
    "request_preview",
    "response_preview",
    "request_headers",
}
RETENTION_BATCH = 500
STALE_RUNNING = timedelta(minutes=15)
LOST_JOB_GRACE = timedelta(minutes=5)


def new_id():
    return str(uuid.uuid4())


class HcMessage(models.Model):
    _name = "hc.message"
    _description = "Integration Message"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_names_search = ["name", "correlation_id", "idempotency_key"]

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    flow_id = fields.Many2one("hc.flow", index=True, ondelete="restrict", readonly=True)
    backend_id = fields.Many2one(
        "hc.backend", required=True, index=True, ondelete="restrict", readonly=True
    )
    company_id = fields.Many2one(
        related="backend_id.company_id", store=True, index=True
    )
    direction = fields.Selection(
        [("outbound", "Outbound"), ("inbound", "Inbound")], required=True, readonly=True
    )
    state = fields.Selection(
        STATES, required=True, default="new", index=True, readonly=True, tracking=True
    )
    idempotency_key = fields.Char(index=True, readonly=True, copy=False)
    correlation_id = fields.Char(index=True, readonly=True)
    ordering_key = fields.Char(index=True, readonly=True)
    parent_id = fields.Many2one("hc.message", index=True, readonly=True)
    parent_relation = fields.Selection(
        [
            ("replay", "Replay"),
            ("ack", "Acknowledgement"),
            ("chunk", "Batch chunk"),
        ],
        readonly=True,
    )
    child_ids = fields.One2many("hc.message", "parent_id", readonly=True)
    res_model = fields.Char(string="Record model", index=True, readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    endpoint = fields.Char(readonly=True)
    http_method = fields.Char(readonly=True)
    content_type = fields.Char(readonly=True)
    request_payload = fields.Binary(
        attachment=True, groups=PAYLOAD_GROUP, readonly=True
    )
    request_headers = fields.Text(groups=PAYLOAD_GROUP, readonly=True)
    response_payload = fields.Binary(
        attachment=True, groups=PAYLOAD_GROUP, readonly=True
    )
    request_preview = fields.Text(compute="_compute_previews", groups=PAYLOAD_GROUP)
    response_preview = fields.Text(compute="_compute_previews", groups=PAYLOAD_GROUP)
    payload_size = fields.Integer(readonly=True, help="Request size in bytes.")
    payload_purged = fields.Boolean(readonly=True)
    http_status = fields.Integer(readonly=True)
    error_class = fields.Selection(ERROR_CLASSES, readonly=True, index=True)
    error_text = fields.Text(readonly=True)
    attempt_ids = fields.One2many("hc.message.attempt", "message_id", readonly=True)
    attempt_count = fields.Integer(readonly=True)
    attempt_base = fields.Integer(
        readonly=True, help="Attempts made before the last manual retry."
    )
    next_attempt_at = fields.Datetime(readonly=True)
    waiting_reason = fields.Char(readonly=True)
    job_uuid = fields.Char(readonly=True, copy=False)
    started_at = fields.Datetime(readonly=True)
    done_at = fields.Datetime(readonly=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    sla_deadline = fields.Datetime(readonly=True)
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    resolved_by_id = fields.Many2one("res.users", readonly=True)
    acknowledged_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="Who took the failure in charge; integration users acknowledge.",
    )
    acknowledged_at = fields.Datetime(readonly=True)
    # batch runs and chunks
    is_batch_run = fields.Boolean(readonly=True)
    sequence = fields.Integer(readonly=True)
    watermark_from = fields.Char(readonly=True)
    watermark_to = fields.Char(readonly=True)
    pull_finished = fields.Boolean(readonly=True)
    count_created = fields.Integer(readonly=True)
    count_updated = fields.Integer(readonly=True)
    count_skipped = fields.Integer(readonly=True)
    count_failed = fields.Integer(readonly=True)

    def init(self):
        # A replay carries the key of its original, so uniqueness holds among
        # first deliveries only; a dead or cancelled message applied nothing, so
        # the partner may send its key again.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS hc_message_flow_idempotency_uniq
                ON hc_message (flow_id, idempotency_key)
             WHERE idempotency_key IS NOT NULL
                   AND parent_relation IS DISTINCT FROM 'replay'
                   AND state NOT IN ('dead', 'cancelled')
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("hc.message")
            vals.setdefault("correlation_id", new_id())
        return super().create(vals_list)

    def read(self, fields=None, load="_classic_read"):
        viewed = PAYLOAD_FIELDS & set(fields or ())
        if viewed and not self.env.su:
            self.env["hc.audit.log"].sudo()._log(
                "payload_view", self, {"fields": sorted(viewed)}
            )
        return super().read(fields=fields, load=load)

    # ------------------------------------------------------------------ computes

    def _compute_previews(self):
        for message in self:
            plain = message.sudo()
            message.request_preview = self._preview(plain.request_payload)
            message.response_preview = self._preview(plain.response_payload)

    @staticmethod
    def _preview(value):
        if not value:
            return False
        raw = base64.b64decode(value)
        text = raw[:PREVIEW_BYTES].decode("utf-8", errors="replace")
        if len(raw) > PREVIEW_BYTES:
            text += _("\n… (%s bytes in all)", len(raw))
        return text

    @api.depends("sla_deadline", "state")
    def _compute_is_late(self):
        now = fields.Datetime.now()
        for message in self:
            message.is_late = bool(
                message.sla_deadline
                and message.state not in FINAL_STATES
                and message.sla_deadline < now
            )

    def _search_is_late(self, operator, value):
        late = [
            ("sla_deadline", "<", fields.Datetime.now()),
            ("state", "not in", FINAL_STATES),
        ]
        positive = (operator == "=") == bool(value)
        return late if positive else ["!", "&", *late]

    # ------------------------------------------------------------------ payloads

    def _body(self):
        value = self.sudo().request_payload
        return base64.b64decode(value) if value else b""

    @staticmethod
    def _b64(body):
        return base64.b64encode(body) if body else False

    def _linked_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return None
        return self.env[self.res_model].browse(self.res_id).exists()

    # ------------------------------------------------------------------ creation

    @api.model
    def _base_vals(self, flow, body, **extra):
        now = fields.Datetime.now()
        if extra.get("direction", flow.direction) == "inbound":
            body = flow._redact(body)
        vals = {
            "flow_id": flow.id,
            "backend_id": flow.backend_id.id,
            "direction": flow.direction,
            "content_type": flow._content_type(),
            "endpoint": flow.endpoint,
            "http_method": flow.http_method,
            "request_payload": self._b64(body),
            "payload_size": len(body or b""),
            "sla_deadline": now + timedelta(minutes=flow.sla_minutes)
            if flow.sla_minutes
            else False,
        }
        vals.update({k: v for k, v in extra.items() if v is not None})
        return vals

    @api.model
    def _find_original(self, flow, idempotency_key):
        return self.search(
            [
                ("flow_id", "=", flow.id),
                ("idempotency_key", "=", idempotency_key),
                ("parent_relation", "!=", "replay"),
                ("state", "not in", ("dead", "cancelled")),
            ],
            limit=1,
        )

    @api.model
    def _create_outbound(
        self,
        flow,
        body,
        record=None,
        idempotency_key=None,
        correlation_id=None,
        ordering_key=None,
        parent=None,
        **extra,
    ):
        idempotency_key = idempotency_key or new_id()
        original = self._find_original(flow, idempotency_key)
        if original:
            return original
        errors = flow._validate_payload(body)
        message = self.create(
            self._base_vals(
                flow,
                body,
                idempotency_key=idempotency_key,
                correlation_id=correlation_id or (parent and parent.correlation_id),
                ordering_key=ordering_key,
                parent_id=parent.id if parent else None,
                res_model=record._name if record else None,
                res_id=record.id if record else None,
                state="queued",
                **extra,
            )
        )
        if errors:
            message._fail(retry.ERROR_VALIDATION, "\n".join(errors))
        else:
            message._enqueue()
        return message

    @api.model
    def _create_inbound(self, flow, body, idempotency_key, correlation_id):
        """Store a received payload and queue its processing."""
        message = self.create(
            self._base_vals(
                flow,
                body,
                idempotency_key=idempotency_key,
                correlation_id=correlation_id,
                state="queued",
                endpoint=False,
                http_method="POST",
            )
        )
        message._enqueue()
        return message

    # ------------------------------------------------------------------ queueing

    def _processing_user(self):
        return self.env.ref("healthcare_integration_core.user_integration_bot")

    def _enqueue(self, delay=None):
        """Queue one job per message; it runs after the current commit."""
        for message in self:
            flow = message.flow_id
            runner = message.with_company(message.company_id)
            if message.direction == "inbound":
                runner = runner.with_user(message._processing_user())
            job = runner.with_delay(
                channel=flow.channel or "root.hc",
                priority=flow.priority or 10,
                eta=int(delay) if delay else None,
                description=_("Integration %(name)s (%(flow)s)")
                % {"name": message.name, "flow": flow.display_name},
            )._run_job()
            message.sudo().write(
                {
                    "job_uuid": job.uuid,
                    "next_attempt_at": fields.Datetime.now()
                    + timedelta(seconds=delay or 0),
                }
            )

    def _lock(self):
        """Lock the message row; False when another job already holds it."""
        self.env.cr.execute(
            "SELECT id FROM hc_message WHERE id = %s FOR UPDATE SKIP LOCKED",
            (self.id,),
        )
        locked = bool(self.env.cr.fetchone())
        self.invalidate_recordset()
        return locked

    def _run_job(self):
        """queue_job entry point: one attempt at one message."""
        self.ensure_one()
        if not self._lock():
            return "locked by another job"
        if self.state not in ("new", "queued", "retrying", "running"):
            return f"nothing to do: message is {self.state}"
        if self.is_batch_run:
            return self._pull_batch()
        if self.direction == "outbound":
            return self._deliver()
        return self._process()

    def _wait(self, reason):
        """Leave the message pending without a job; a wake-up requeues it."""
        self.sudo().write({"waiting_reason": reason, "job_uuid": False})
        return f"waiting: {reason}"

    def _defer(self, seconds, reason):
        """Try again later without spending an attempt."""
        self.sudo().write({"waiting_reason": reason})
        self._enqueue(delay=max(1, seconds))
        return f"deferred {seconds:.0f}s: {reason}"

    @api.model
    def _wake_waiting(self, domain):
        waiting = self.search(
            [
                *domain,
                ("state", "in", ("queued", "retrying")),
                ("job_uuid", "=", False),
            ]
        )
        waiting._enqueue()
        return waiting

    def _wake_next_in_key(self):
        """Requeue the message of the same key held behind this one."""
        for message in self.filtered(
            lambda m: m.flow_id.ordered_per_key and m.ordering_key
        ):
            follower = self.search(
                [
                    ("flow_id", "=", message.flow_id.id),
                    ("ordering_key", "=", message.ordering_key),
                    ("state", "in", ("queued", "retrying")),
                    ("id", ">", message.id),
                    ("job_uuid", "=", False),
                ],
                order="id",
                limit=1,
            )
            follower._enqueue()

    def _blocking_message(self):
        """The earliest unfinished message of the same key before this one."""
        return self.search(
            [
                ("flow_id", "=", self.flow_id.id),
                ("ordering_key", "=", self.ordering_key),
                ("id", "<", self.id),
                ("state", "not in", ("done", "cancelled", "duplicate")),
            ],
            order="id",
            limit=1,
        )

    def _delivered_twin(self):
        """A message of the same flow and key that is already done."""
        if not self.idempotency_key or not self.flow_id:
            return self.browse()
        return self.search(
            [
                ("flow_id", "=", self.flow_id.id),
                ("idempotency_key", "=", self.idempotency_key),
                ("state", "=", "done"),
                ("id", "!=", self.id),
            ],
            limit=1,
        )

    # ------------------------------------------------------------------ outcomes

    def _finish(self, state, **vals):
        now = fields.Datetime.now()
        started = self.started_at or self.create_date
        vals.update(
            state=state,
            done_at=now,
            waiting_reason=False,
            next_attempt_at=False,
            duration_ms=int((now - started).total_seconds() * 1000) if started else 0,
        )
        if self.direction == "outbound" and self.flow_id.redaction_ids:
            vals["request_payload"] = self._b64(self.flow_id._redact(self._body()))
        self.sudo().write(vals)
        self._wake_next_in_key()
        if self.parent_relation == "chunk":
            self.parent_id._batch_progress()

    def _fail(self, error_class, error_text, **vals):
        self._finish("dead", error_class=error_class, error_text=error_text, **vals)

    def _start_attempt(self):
        number = self.attempt_count + 1
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "state": "running",
                "attempt_count": number,
                "started_at": self.started_at or now,
                "waiting_reason": False,
            }
        )
        return (
            self.env["hc.message.attempt"]
            .sudo()
            .create({"message_id": self.id, "number": number, "started_at": now})
        )

    def _attempts_left(self):
        return (self.flow_id.max_attempts or 1) - (
            self.attempt_count - self.attempt_base
        )

    # ------------------------------------------------------------------ outbound

    def _deliver(self):
        flow, backend = self.flow_id, self.backend_id
        if flow._is_paused():
            return self._wait(_("flow or backend paused"))
        twin = self._delivered_twin()
        if twin:
            self._finish(
                "duplicate", error_text=_("Already delivered by %s") % twin.name
            )
            return "duplicate"
        if flow.ordered_per_key and self.ordering_key:
            blocker = self._blocking_message()
            if blocker:
                return self._wait(_("held behind %s") % blocker.name)
        allowed, _state, wait = backend._breaker_check()
        if not allowed:
            return self._defer(wait, _("circuit breaker open"))
        wait = backend._rate_limit_wait()
        if wait:
            return self._defer(wait, _("rate limit"))
        return self._attempt_delivery()

    def _request_headers(self):
        return {
            "Content-Type": self.content_type or "application/json",
            "Idempotency-Key": self.idempotency_key or "",
            "X-Correlation-ID": self.correlation_id or "",
            "X-HC-Message": self.name,
        }

    def _attempt(self):
        """One recorded call to the backend: (HttpResult or None, Outcome)."""
        attempt = self._start_attempt()
        result, outcome = self._call_backend()
        self._record_exchange(result)
        attempt._close(outcome)
        return result, outcome

    def _attempt_delivery(self):
        result, outcome = self._attempt()
        if outcome.ok:
            self._finish(
                "done", http_status=outcome.status, error_class=False, error_text=False
            )
            self._after_delivery(result)
            return "done"
        return self._handle_failure(outcome)

    def _call_backend(self):
        """(HttpResult or None, Outcome) of one call; never raises for I/O."""
        try:
            result = self.backend_id._http_send(
                self.http_method or "POST",
                self.endpoint or "/",
                self._body() or None,
                self._request_headers(),
            )
        except requests.RequestException as exc:
            return None, retry.classify_exception(exc)
        except transport.TokenError as exc:
            return None, self._token_outcome(exc)
        except (UserError, crypto.CryptoConfigError, ValueError) as exc:
            return None, retry.Outcome(
                ok=False,
                retryable=False,
                error_class=retry.ERROR_TECHNICAL,
                reason=str(exc),
            )
        return result, retry.classify_status(result.status, result.headers)

    @staticmethod
    def _token_outcome(exc):
        if exc.status and retry.classify_status(exc.status).retryable:
            return retry.classify_status(exc.status)
        error_class = (
            retry.ERROR_AUTHENTICATION
            if exc.status in (400, 401, 403)
            else retry.ERROR_TECHNICAL
        )
        return retry.Outcome(
            ok=False,
            retryable=False,
            error_class=error_class,
            reason=str(exc),
            status=exc.status,
        )

    def _record_exchange(self, result):
        if result is None:
            return
        sensitive = [self.backend_id.api_key_header or "X-API-Key"]
        self.sudo().write(
            {
                "http_status": result.status,
                "request_headers": json.dumps(
                    crypto.mask_headers(result.request_headers, sensitive), indent=1
                ),
                "response_payload": self._b64(
                    self.flow_id._redact(result.body) if self.flow_id else result.body
                ),
            }
        )

    def _handle_failure(self, outcome):
        reason = outcome.reason
        if outcome.retryable and self._attempts_left() > 0:
            delay = retry.next_retry_delay(
                self.attempt_count - self.attempt_base,
                outcome,
                base=self.flow_id.backoff_base or 30,
                max_delay=self.flow_id.backoff_max or 3600,
            )
            self.sudo().write(
                {
                    "state": "retrying",
                    "error_class": outcome.error_class,
                    "error_text": reason,
                    "http_status": outcome.status,
                }
            )
            self._enqueue(delay=delay)
            return f"retry in {delay:.0f}s"
        if outcome.retryable:
            reason = _(
                "%(reason)s (gave up after %(n)s attempts)",
                reason=reason,
                n=self.attempt_count,
            )
        self._fail(outcome.error_class, reason, http_status=outcome.status or 0)
        return "dead"

    def _after_delivery(self, result):
        handler = getattr(
            self.flow_id, f"_hc_outbound_done_{self.flow_id.handler}", None
        )
        if not handler or not result or not result.body:
            return
        try:
            with self.env.cr.savepoint():
                handler(self, self.flow_id._decode(result.body))
        except (UserError, ValidationError, schema.PayloadValidationError) as exc:
            self.sudo().error_text = _(
                "Delivered; the answer was not understood: %s"
            ) % (exc)

    # ------------------------------------------------------------------ inbound

    def _process(self):
        flow = self.flow_id
        if flow._is_paused():
            return self._wait(_("flow or backend paused"))
        if self._delivered_twin():
            self._finish("duplicate")
            return "duplicate"
        attempt = self._start_attempt()
        try:
            with self.env.cr.savepoint():
                document = flow._decode(self._body())
                record = None
                if self.parent_relation == "chunk":
                    self._process_chunk(document)
                else:
                    record = getattr(flow, f"_hc_inbound_{flow.handler}")(
                        self, document
                    )
        except schema.PayloadValidationError as exc:
            return self._process_failed(
                attempt, retry.ERROR_VALIDATION, "\n".join(exc.errors)
            )
        except (HcBusinessError, UserError, ValidationError, AccessError) as exc:
            return self._process_failed(attempt, retry.ERROR_BUSINESS, str(exc))
        except psycopg2.OperationalError as exc:
            if exc.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise  # queue_job runs the job again
            return self._process_failed(
                attempt, retry.ERROR_TECHNICAL, f"{type(exc).__name__}: {exc}"
            )
        except Exception as exc:
            # a bug in a handler fails its message, never the whole queue
            _logger.exception("processing %s failed", self.name)
            return self._process_failed(
                attempt, retry.ERROR_TECHNICAL, f"{type(exc).__name__}: {exc}"
            )
        attempt._close(
            retry.Outcome(
                ok=True, retryable=False, error_class=None, reason="processed"
            )
        )
        vals = {"error_class": False, "error_text": False}
        if record:
            vals.update(res_model=record._name, res_id=record.id)
        self._finish("done", **vals)
        return "done"

    def _process_failed(self, attempt, error_class, text):
        attempt._close(
            retry.Outcome(
                ok=False, retryable=False, error_class=error_class, reason=text
            )
        )
        self._fail(error_class, text)
        return "dead"

    # ------------------------------------------------------------------ batch

    @api.model
    def _create_batch_run(self, flow):
        run = self.create(
            self._base_vals(
                flow,
                b"",
                is_batch_run=True,
                state="queued",
                http_method="GET",
                watermark_from=flow.watermark or "",
                started_at=fields.Datetime.now(),
            )
        )
        run._enqueue()
        return run

    @api.model
    def _create_push_run(self, flow, pages):
        """A batch run whose chunks are outbound messages, one per page."""
        run = self.create(
            self._base_vals(
                flow,
                b"",
                is_batch_run=True,
                state="running",
                pull_finished=True,
                watermark_from=flow.watermark or "",
                started_at=fields.Datetime.now(),
            )
        )
        for sequence, (payload, watermark_to) in enumerate(pages, start=1):
            self._create_outbound(
                flow,
                flow._serialize(payload),
                idempotency_key=f"{run.name}/{sequence}",
                parent=run,
                parent_relation="chunk",
                sequence=sequence,
                watermark_to=watermark_to or "",
            )
        run._batch_progress()
        return run

    def _page_path(self, cursor):
        query = {
            "since": self.watermark_from or "",
            "limit": self.flow_id.batch_page_size,
        }
        if cursor:
            query["cursor"] = cursor
        return f"{self.endpoint or '/'}?{urlencode(query)}"

    def _pull_batch(self):
        """Fetch every page from the watermark on, one chunk message a page."""
        flow = self.flow_id
        if flow._is_paused():
            return self._wait(_("flow or backend paused"))
        self.sudo().state = "running"
        cursor, sequence = None, 0
        while True:
            try:
                result = self.backend_id._http_send(
                    "GET",
                    self._page_path(cursor),
                    None,
                    {
                        "Accept": "application/json",
                        "X-Correlation-ID": self.correlation_id,
                    },
                )
                outcome = retry.classify_status(result.status, result.headers)
                page = schema.load_json(result.body) if outcome.ok else None
            except requests.RequestException as exc:
                outcome, page = retry.classify_exception(exc), None
            except (schema.PayloadValidationError, UserError) as exc:
                outcome = retry.Outcome(
                    ok=False,
                    retryable=False,
                    error_class=retry.ERROR_VALIDATION,
                    reason=str(exc),
                )
                page = None
            if page is None:
                self.sudo().write(
                    {
                        "error_class": outcome.error_class,
                        "error_text": _(
                            "Page %(n)s: %(reason)s",
                            n=sequence + 1,
                            reason=outcome.reason,
                        ),
                    }
                )
                break
            sequence += 1
            self._create_chunk(sequence, page)
            cursor = page.get("next_cursor")
            if not cursor:
                break
        self.sudo().pull_finished = True
        self._batch_progress()
        return f"{sequence} pages"

    def _create_chunk(self, sequence, page):
        body = json.dumps(page.get("items", []), ensure_ascii=False).encode()
        chunk = self.create(
            self._base_vals(
                self.flow_id,
                body,
                parent_id=self.id,
                parent_relation="chunk",
                sequence=sequence,
                correlation_id=self.correlation_id,
                idempotency_key=f"{self.name}/{sequence}",
                watermark_to=page.get("watermark") or "",
                direction="inbound",
                state="queued",
                http_method="GET",
            )
        )
        chunk._enqueue()
        return chunk

    def _process_chunk(self, items):
        counts = getattr(self.flow_id, f"_hc_batch_{self.flow_id.handler}")(self, items)
        self.sudo().write(
            {
                f"count_{k}": counts.get(k, 0)
                for k in ("created", "updated", "skipped", "failed")
            }
        )

    def _batch_progress(self):
        """Advance the watermark past the chunks committed in order; close the run."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM hc_message WHERE id = %s FOR UPDATE", (self.id,)
        )
        chunks = self.child_ids.filtered(lambda c: c.parent_relation == "chunk").sorted(
            "sequence"
        )
        watermark = None
        for chunk in chunks:
            if chunk.state != "done":
                break
            watermark = chunk.watermark_to or watermark
        if watermark:
            self.flow_id._advance_watermark(watermark)
        if not self.pull_finished or any(c.state not in FINAL_STATES for c in chunks):
            return
        totals = {
            f"count_{key}": sum(chunks.mapped(f"count_{key}"))
            for key in ("created", "updated", "skipped")
        }
        totals["count_failed"] = sum(chunks.mapped("count_failed")) + len(
            chunks.filtered(lambda c: c.state == "dead")
        )
        if self.direction == "outbound":
            totals["count_created"] += len(chunks.filtered(lambda c: c.state == "done"))
        totals["watermark_to"] = self.flow_id.watermark
        failed = totals["count_failed"] or self.error_class
        if failed and not self.error_text:
            totals["error_class"] = retry.ERROR_BUSINESS
            totals["error_text"] = _("%s chunk(s) failed", totals["count_failed"])
        self._finish("dead" if failed else "done", **totals)

    # ------------------------------------------------------------------ synchronous

    def _deliver_now(self):
        """Deliver in the current transaction (connection tests)."""
        self.ensure_one()
        _result, outcome = self._attempt()
        if outcome.ok:
            self._finish("done", http_status=outcome.status)
        else:
            self._fail(
                outcome.error_class, outcome.reason, http_status=outcome.status or 0
            )

    # ------------------------------------------------------------------ actions

    def _check_manager(self):
        if not self.env.user.has_group("healthcare_integration_core.group_hc_manager"):
            raise AccessError(_("Only integration managers may do this."))

    def action_acknowledge(self):
        """Take failed messages in charge (any integration user)."""
        if not self.env.user.has_group("healthcare_integration_core.group_hc_user"):
            raise AccessError(_("Only integration users may acknowledge messages."))
        failed = self.filtered(lambda m: m.state == "dead" and not m.acknowledged_by_id)
        failed.sudo().write(
            {
                "acknowledged_by_id": self.env.uid,
                "acknowledged_at": fields.Datetime.now(),
            }
        )
        for message in failed:
            message.sudo().message_post(
                body=_("Acknowledged by %s.", self.env.user.name)
            )
        self.env["hc.audit.log"].sudo()._log("acknowledge", failed)

    def action_retry(self):
        """Try again now, with a fresh budget of attempts."""
        self._check_manager()
        for message in self:
            if message.state not in ("dead", "retrying", "queued"):
                raise UserError(
                    _("Message %s cannot be retried in its state.", message.name)
                )
            message.sudo().write(
                {
                    "state": "queued",
                    "attempt_base": message.attempt_count,
                    "error_class": False,
                    "error_text": False,
                    "done_at": False,
                }
            )
            message._enqueue()
            message.message_post(body=_("Retried by %s.", self.env.user.name))
        self.env["hc.audit.log"]._log("retry", self)

    def action_replay(self):
        """Replay, then open the new message (or the list of them)."""
        self._check_manager()
        replays = self._replay()
        self.env["hc.audit.log"]._log("replay", self, {"replays": replays.ids})
        action = {
            "type": "ir.actions.act_window",
            "res_model": "hc.message",
            "name": _("Replays"),
        }
        if len(replays) == 1:
            return {**action, "res_id": replays.id, "view_mode": "form"}
        return {
            **action,
            "domain": [("id", "in", replays.ids)],
            "view_mode": "list,form",
        }

    def _replay(self):
        """Send or process the payload again as a new message linked to this one."""
        replays = self.browse()
        for message in self:
            if not message.flow_id or message.is_batch_run:
                raise UserError(_("Message %s cannot be replayed.", message.name))
            replay = message.sudo().copy(
                {
                    "parent_id": message.id,
                    "parent_relation": "replay",
                    "state": "queued",
                    "idempotency_key": message.idempotency_key,
                    "request_payload": message.sudo().request_payload,
                    "attempt_count": 0,
                    "attempt_base": 0,
                    "error_class": False,
                    "error_text": False,
                    "http_status": 0,
                    "started_at": False,
                    "done_at": False,
                    "response_payload": False,
                }
            )
            replay._enqueue()
            message.message_post(body=_("Replayed as %s.", replay.name))
            replays |= replay
        return replays

    def action_cancel(self):
        self._check_manager()
        for message in self:
            if message.state in ("done", "duplicate"):
                raise UserError(_("Message %s is already done.", message.name))
            message._finish("cancelled")
            message.message_post(body=_("Cancelled by %s.", self.env.user.name))
        self.env["hc.audit.log"]._log("cancel", self)

    def action_mark_resolved(self):
        self._check_manager()
        for message in self:
            if message.state != "dead":
                raise UserError(_("Only dead messages can be marked resolved."))
            message._finish("done", resolved_by_id=self.env.uid)
            message.message_post(body=_("Marked resolved by %s.", self.env.user.name))
        self.env["hc.audit.log"]._log("resolve", self)

    def action_open_record(self):
        self.ensure_one()
        record = self._linked_record()
        if not record:
            raise UserError(_("No linked record."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ robustness

    @api.model
    def _cron_recover(self):
        """Requeue messages whose job was lost or whose worker died."""
        now = fields.Datetime.now()
        stuck = self.search(
            [("state", "=", "running"), ("write_date", "<", now - STALE_RUNNING)]
        )
        runs = stuck.filtered("is_batch_run")
        runs._recover_batch_runs()
        stuck -= runs
        stuck.sudo().write({"state": "retrying", "waiting_reason": _("recovered")})
        lost = self.search(
            [
                ("state", "in", ("queued", "retrying")),
                ("job_uuid", "!=", False),
                ("next_attempt_at", "<", now - LOST_JOB_GRACE),
            ]
        ).filtered(lambda m: not m._job_alive())
        (stuck | lost)._enqueue()
        return stuck | lost

    def _recover_batch_runs(self):
        for run in self:
            if run.pull_finished:
                run._batch_progress()
            else:
                run._fail(
                    retry.ERROR_TECHNICAL,
                    _(
                        "Interrupted while pulling; the next run resumes from "
                        "the watermark."
                    ),
                )

    def _job_alive(self):
        job = (
            self.env["queue.job"].sudo().search([("uuid", "=", self.job_uuid)], limit=1)
        )
        return bool(job) and job.state in (
            "wait_dependencies",
            "pending",
            "enqueued",
            "started",
        )

    # ------------------------------------------------------------------ retention

    @api.model
    def _cron_retention(self, batch_size=RETENTION_BATCH):
        """Purge payloads, then whole messages, past each flow's retention."""
        now = fields.Datetime.now()
        purged = deleted = 0
        for flow in self.env["hc.flow"].with_context(active_test=False).search([]):
            finished = [("flow_id", "=", flow.id), ("state", "in", FINAL_STATES)]
            if flow.payload_retention_days > 0:
                old = self.search(
                    [
                        *finished,
                        ("payload_purged", "=", False),
                        (
                            "create_date",
                            "<",
                            now - timedelta(days=flow.payload_retention_days),
                        ),
                    ],
                    limit=batch_size,
                )
                old.sudo().write(
                    {
                        "request_payload": False,
                        "response_payload": False,
                        "request_headers": False,
                        "payload_purged": True,
                    }
                )
                purged += len(old)
            if flow.metadata_retention_days > 0:
                expired = self.search(
                    [
                        *finished,
                        (
                            "create_date",
                            "<",
                            now - timedelta(days=flow.metadata_retention_days),
                        ),
                    ],
                    limit=batch_size,
                )
                deleted += len(expired)
                expired.sudo().unlink()
        if purged or deleted:
            self.env["hc.audit.log"]._log(
                "retention",
                None,
                {"payloads_purged": purged, "messages_deleted": deleted},
            )
        return purged, deleted
