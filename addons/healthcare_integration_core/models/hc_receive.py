# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hmac
import threading

from odoo import api, fields, models

from ..lib import formats, inbound, receive, signing
from ..lib.inbound import RequestRefused
from ..lib.receive import ACCEPTED, DUPLICATE, INVALID, STATUS, Receipt, Refusal
from .hc_backend_secret import NEVER_WRITTEN

# The flow a request addresses, with the versions (write date and the
# transaction that wrote the row, ``xmin``) of its flow and backend and the
# fingerprint of the backend's secrets (as hc.message's job lock reads
# it), in one statement. Raw SQL: it runs for every received webhook
# (bench_throughput's ingestion, where the ORM's search and reads of the flow
# and backend cost three statements and most of the door's Python time).
ADDRESSED = """
    SELECT f.id, f.write_date, f.xmin::text, b.id, b.write_date, b.xmin::text,
           s.count,
           COALESCE(s.written, %(never)s)
      FROM hc_flow f
      JOIN hc_backend b ON b.id = f.backend_id
      LEFT JOIN LATERAL (
            SELECT count(*), max(write_date) AS written
              FROM hc_backend_secret WHERE backend_id = b.id
      ) s ON true
     WHERE b.code = %(backend)s AND b.active
       AND f.code = %(flow)s AND f.direction = %(direction)s AND f.active
     ORDER BY f.backend_id, f.name, f.id
     LIMIT 1
"""

# A worker's copy of the settings of the flows and backends it receives on:
# {(database, model, id): (version, field names, values in cache format)}
_KEPT = {}
_KEPT_LOCK = threading.Lock()


class HcReceive(models.AbstractModel):
    """The one receive service behind every inbound door.

    A door (webhook route, FHIR routes, broker consumer, file poller) builds a
    ``lib.receive.InboundRequest``, resolves the flow it addresses and renders
    the ``Receipt`` this returns; everything in between is here, once::

        request = InboundRequest(
            door="webhook",
            method=httprequest.method,
            headers=httprequest.headers,
            read_body=httprequest.get_data,
            content_length=httprequest.content_length,
        )
        receipt = env["hc.receive"]._receive(request, flow)
        return render(receipt.status, receipt.as_answer())

    Checks, in order, each refusal counted in *Refused requests*: the flow
    exists (404); the method may apply a body (405, nothing read); header
    values are bounded (400); the content type suits the flow (415); the body
    is read up to the backend's limit (413); the sender is authenticated
    (401); the body stays within the structure limits (400). Then the payload
    is stored through ``hc.inbound._ingest`` (idempotency, replay protection,
    trace context, screening, validation, redaction) as the Integration
    Processor in the flow's company.
    """

    _name = "hc.receive"
    _description = "Integration Receive Service"

    @api.model
    def _receive(self, request, flow, choose_flow=None):
        """Receive ``request`` on ``flow``; the ``Receipt`` to render.

        ``choose_flow(body)`` lets a door pick the flow from the body once it
        is read and authenticated (a FHIR Bundle's entries): it returns a flow
        of the same backend, or a falsy value to keep ``flow``.
        """
        env, flow = self._as_processor(flow)
        try:
            body, digest, bounded = self._admit(request, flow)
        except RequestRefused as refusal:
            return self._refused(request, flow, refusal)
        if choose_flow:
            flow = (choose_flow(body) or flow).sudo()
        env = env(context=dict(env.context, allowed_company_ids=flow.company_id.ids))
        ingested = env["hc.inbound"]._ingest(
            flow.with_env(env),
            body,
            idempotency_key=self._idempotency_key(request, bounded, body),
            correlation_id=request.correlation_id or bounded["X-Correlation-ID"],
            signature_digest=digest,
            traceparent=request.traceparent or bounded["traceparent"],
            file_name=request.file_name,
        )
        outcome = (
            DUPLICATE
            if ingested.duplicate
            else INVALID
            if ingested.errors
            else ACCEPTED
        )
        return Receipt(outcome, STATUS[outcome], message=ingested, body=body, flow=flow)

    @api.model
    def _admit_read(self, request, flow):
        """Admit a request without a body (a read, such as a FHIR GET): the
        flow, method, header bounds and authentication are checked as for any
        request, and a refusal is counted. The refused ``Receipt``, or None
        when the request may be answered::

            refused = env["hc.receive"]._admit_read(request, flow)
            if refused:
                return render(refused)
        """
        _env, flow = self._as_processor(flow)
        try:
            self._check_addressed(request, flow)
            self._authenticate(flow.backend_id, request, b"")
        except RequestRefused as refusal:
            return self._refused(request, flow, refusal)
        return None

    # ------------------------------------------------------------------ the flow

    @api.model
    def _addressed_flow(self, backend_code, flow_code, direction="inbound"):
        """The active ``direction`` flow of an active backend, by codes (or
        an empty set), as the Integration Processor in sudo, its settings
        and its backend's in cache::

            flow = request.env["hc.receive"]._addressed_flow("ehr", "demand")
            receipt = flow.env["hc.receive"]._receive(inbound_request, flow)

        Every received request reads its flow's and its backend's settings
        and its backend's secrets. A worker keeps the settings it read, with
        the row's version, and puts them in the request's cache while the
        version read by ``ADDRESSED`` is the same: every write changes it, on
        any node (``_keep_settings``). The secrets are ``hc.backend.secret``'s copy,
        by the fingerprint passed in context.
        """
        env = self.env(user=self.env["hc.message"]._processing_user().id, su=True)
        env.cr.execute(
            ADDRESSED,
            {
                "backend": backend_code,
                "flow": flow_code,
                "direction": direction,
                "never": NEVER_WRITTEN,
            },
        )
        row = env.cr.fetchone()
        if not row:
            return env["hc.flow"]
        flow_id, flow_written, flow_xmin, backend_id, *backend, count, written = row
        secrets = (backend_id, count, written)
        env = env(context=dict(env.context, hc_secrets_written=secrets))
        flow = env["hc.flow"].browse(flow_id)
        self._keep_settings(flow, (flow_written, flow_xmin))
        self._keep_settings(env["hc.backend"].browse(backend_id), tuple(backend))
        return flow

    @api.model
    def _keep_settings(self, record, version):
        """Put ``record``'s settings in cache, as of ``version`` (its
        ``write_date`` and ``xmin``): the worker's copy, or read (and kept,
        if written before this transaction began). The ``xmin`` tells apart
        two writes of one transaction's time, as a test's savepoints make."""
        names = _setting_names(record)
        key = (record.env.cr.dbname, record._name, record.id)
        kept = _KEPT.get(key)
        cache = record.env.cache
        fields_ = record._fields
        if kept and kept[0] == version and kept[1] == names:
            for name, value in zip(names, kept[2], strict=True):
                cache.insert_missing(record, fields_[name], [value])
            return
        record.fetch(names)
        if version[0] and version[0] < record.env.cr.now():
            values = tuple(cache.get(record, fields_[name]) for name in names)
            with _KEPT_LOCK:
                _KEPT[key] = (version, names, values)

    @api.model
    def _as_processor(self, flow):
        """(env, flow) as the Integration Processor: requests carry no user."""
        env = self.env(user=self.env["hc.message"]._processing_user().id)
        return env, flow.with_env(env).sudo() if flow else env["hc.flow"].sudo()

    @api.model
    def _refused(self, request, flow, refusal):
        """The refused ``Receipt`` of a refusal, counted."""
        if not isinstance(refusal, Refusal):
            refusal = Refusal(refusal.status, "bad_header", refusal.reason)
        self._count_refusal(request, flow, refusal)
        return Receipt.refused(refusal, flow)

    @api.model
    def _idempotency_key(self, request, bounded, body):
        """The door's key, else the sender's header, else one derived from
        the request's ``key_scope`` and body (None: the body's digest)."""
        key = request.idempotency_key or bounded["Idempotency-Key"]
        if not key and request.key_scope is not None:
            key = receive.derived_key(request.door, request.key_scope, body)
        return key

    # ------------------------------------------------------------------ checks

    @api.model
    def _admit(self, request, flow):
        """(body, signature digest, bounded headers) of an admissible request."""
        bounded = self._check_addressed(request, flow)
        self._check_content_type(flow, request)
        body = self._read_body(flow, request)
        digest = self._authenticate(flow.backend_id, request, body)
        refused = receive.check_structure(body, flow.payload_format)
        if refused:
            raise Refusal(400, *refused)
        return body, digest, bounded

    @api.model
    def _check_addressed(self, request, flow):
        """The flow exists and takes the method; the bounded headers."""
        if not flow:
            raise Refusal(404, "unknown_flow", "unknown backend or flow")
        if request.method not in request.allowed_methods:
            allowed = ", ".join(sorted(request.allowed_methods))
            raise Refusal(
                405, "bad_method", f"Method {request.method} not allowed: {allowed}"
            )
        return inbound.bounded_headers(request.headers)

    @api.model
    def _check_content_type(self, flow, request):
        content_type = request.header("Content-Type")
        if content_type is None and request.authenticated_by_transport:
            return  # a file or an event without one: the flow says its format
        if not formats.accepts(flow.payload_format, content_type):
            raise Refusal(
                415,
                "bad_content_type",
                f"Content type {formats.mimetype(content_type) or '(none)'} not "
                f"accepted for {flow.payload_format} payloads",
            )

    @api.model
    def _read_body(self, flow, request):
        limit = (flow.backend_id.max_payload_kb or 2048) * 1024
        if request.body is not None:
            if len(request.body) > limit:
                raise Refusal(
                    413,
                    "too_large",
                    f"Payload of {len(request.body)} bytes exceeds {limit} bytes",
                )
            return request.body
        try:
            request.body = inbound.read_bounded(
                request.read_body, limit, request.content_length, request.chunked
            )
        except RequestRefused as exc:
            code = "length_required" if exc.status == 411 else "too_large"
            raise Refusal(exc.status, code, exc.reason) from None
        return request.body

    # ------------------------------------------------------------------ authentication

    @api.model
    def _authenticate(self, backend, request, body):
        """The digest of the request's accepted signature (None without one).

        Dispatches on the backend's ``inbound_auth`` to
        ``_authenticate_<mode>(backend, request, body)``; a mode is added with
        ``selection_add`` on ``hc.backend.inbound_auth`` and one such method.
        A transport that authenticated the sender (broker, SFTP) needs no
        more unless its backend asks for signatures.
        """
        if request.authenticated_by_transport and not backend._requires_signature(
            request.door
        ):
            return None
        method = getattr(self, f"_authenticate_{backend.inbound_auth}", None)
        if method is None:
            raise Refusal(401, "unauthenticated", "No inbound authentication set up")
        return method(backend, request, body)

    @api.model
    def _authenticate_api_key(self, backend, request, body):
        secret = self._webhook_secret(backend)
        given = request.header(backend.api_key_header or "X-API-Key") or ""
        if not hmac.compare_digest(given.encode(), secret.encode()):
            raise Refusal(401, "unauthenticated", "Missing or wrong API key")
        return None

    @api.model
    def _authenticate_hmac(self, backend, request, body):
        secret = self._webhook_secret(backend)
        signature = request.header(signing.SIGNATURE_HEADER)
        tolerance = request.signature_tolerance or backend.webhook_tolerance or 300
        try:
            signing.verify_signature(
                secret,
                request.header(signing.TIMESTAMP_HEADER),
                signature,
                body,
                tolerance=tolerance,
                idempotency_key=request.header("Idempotency-Key"),
                key_required=backend.signature_covers_key,
            )
        except signing.SignatureError as exc:
            raise Refusal(401, "unauthenticated", exc.reason) from None
        return inbound.signature_digest(signature)

    @api.model
    def _webhook_secret(self, backend):
        secret = backend.sudo()._secret("webhook")
        if not secret:
            raise Refusal(
                401, "unauthenticated", "No webhook secret configured for this backend"
            )
        return secret

    # ------------------------------------------------------------------ refusals

    @api.model
    def _count_refusal(self, request, flow, refusal):
        """Count a refusal in *Refused requests* (never its body)."""
        if not request.count_refusals:
            return
        label = request.label or (flow.code if flow else None) or "?"
        self.env["hc.webhook.refusal"].sudo()._refuse(
            request.backend_code or (flow.backend_id.code if flow else "?"),
            label,
            refusal.reason_code,
            refusal.status,
            refusal.reason,
            {
                "at": fields.Datetime.to_string(fields.Datetime.now()),
                "from": request.remote_addr or request.door,
            },
        )


_NAMES = {}


def _setting_names(record):
    """The columns of ``record``'s model that a read fetches by default, but
    those whose value depends on the language or the company."""
    model_class = type(record)
    names = _NAMES.get(model_class)
    if names is None:
        names = _NAMES[model_class] = tuple(
            name
            for name, field in record._fields.items()
            if field.store
            and field.prefetch is True
            and field.column_type
            and not field.translate
            and not field.company_dependent
        )
    return names
