# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hmac
import json
import logging

from odoo import fields, http
from odoo.http import request

from ..lib import formats, inbound, signing
from ..lib.inbound import RequestRefused

_logger = logging.getLogger(__name__)


def json_response(status, body, correlation_id=None):
    headers = [("Content-Type", "application/json")]
    if correlation_id:
        headers.append(("X-Correlation-ID", correlation_id))
    return request.make_response(json.dumps(body), headers=headers, status=status)


class Refused(RequestRefused):
    def __init__(self, status, reason_code, reason):
        super().__init__(status, reason)
        self.reason_code = reason_code


class HcWebhookController(http.Controller):
    """Signed webhooks: ``POST /hc/webhook/<backend code>/<flow code>``.

    Everything a request costs before it is authenticated is bounded: header
    values are length-checked, the body is read up to the backend's limit and
    no further, and refusals are counted per minute rather than stored one by
    one. A request is stored only once authenticated, and only once: by its
    Idempotency-Key (or the payload's SHA-256) and by its signature, so a
    captured request replayed with another key is answered as a duplicate.
    """

    @http.route(
        "/hc/webhook/<string:backend_code>/<string:flow_code>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def receive(self, backend_code, flow_code, **_kwargs):
        env = request.env(user=request.env["hc.message"]._processing_user().id)
        headers = request.httprequest.headers
        flow = env["hc.flow"].sudo()._find_flow(backend_code, flow_code, "inbound")
        try:
            if not flow:
                raise Refused(404, "unknown_flow", "unknown backend or flow")
            bounded = self._bounded_headers(headers)
            self._check_content_type(flow, headers)
            body = self._read_body(flow)
            digest = self._authenticate(flow, headers, body)
        except Refused as refusal:
            self._record_refusal(env, backend_code, flow_code, refusal)
            return json_response(refusal.status, {"error": refusal.reason})
        env = env(context=dict(env.context, allowed_company_ids=flow.company_id.ids))
        ingested = env["hc.inbound"]._ingest(
            flow.with_env(env),
            body,
            idempotency_key=bounded["Idempotency-Key"],
            correlation_id=bounded["X-Correlation-ID"],
            signature_digest=digest,
            traceparent=bounded["traceparent"],
        )
        if ingested.duplicate:
            return json_response(200, ingested.as_answer(), ingested.correlation_id)
        if ingested.errors:
            return json_response(
                422,
                {
                    "error": "validation failed",
                    "details": ingested.errors,
                    "message_id": ingested.name,
                },
                ingested.correlation_id,
            )
        return json_response(202, ingested.as_answer(), ingested.correlation_id)

    @staticmethod
    def _bounded_headers(headers):
        try:
            return inbound.bounded_headers(headers)
        except RequestRefused as exc:
            raise Refused(exc.status, "bad_header", exc.reason) from None

    @staticmethod
    def _check_content_type(flow, headers):
        # before the body is read: werkzeug would consume form encodings
        content_type = headers.get("Content-Type")
        if not formats.accepts(flow.payload_format, content_type):
            raise Refused(
                415,
                "bad_content_type",
                f"Content type {formats.mimetype(content_type) or '(none)'} not "
                f"accepted for {flow.payload_format} payloads",
            )

    @staticmethod
    def _read_body(flow):
        limit = (flow.backend_id.max_payload_kb or 2048) * 1024
        httprequest = request.httprequest
        cached = getattr(httprequest, "_hc_body", None)
        if cached is not None:  # a retried request (serialization failure)
            return cached
        # Odoo's request wrapper exposes get_data(), which would buffer a whole
        # chunked body; the werkzeug request's stream is read up to the limit.
        stream = httprequest._HTTPRequest__wrapped.stream
        try:
            body = inbound.read_limited(stream, limit, httprequest.content_length)
        except RequestRefused as exc:
            raise Refused(exc.status, "too_large", exc.reason) from None
        httprequest._hc_body = body
        return body

    @staticmethod
    def _authenticate(flow, headers, body):
        """Check the request's credentials; the digest of an accepted signature."""
        backend = flow.backend_id
        secret = backend.sudo()._secret("webhook")
        if not secret:
            raise Refused(
                401, "unauthenticated", "No webhook secret configured for this backend"
            )
        if backend.inbound_auth == "api_key":
            given = headers.get(backend.api_key_header or "X-API-Key") or ""
            if not hmac.compare_digest(given.encode(), secret.encode()):
                raise Refused(401, "unauthenticated", "Missing or wrong API key")
            return None
        signature = headers.get(signing.SIGNATURE_HEADER)
        try:
            signing.verify_signature(
                secret,
                headers.get(signing.TIMESTAMP_HEADER),
                signature,
                body,
                tolerance=backend.webhook_tolerance or 300,
            )
        except signing.SignatureError as exc:
            raise Refused(401, "unauthenticated", exc.reason) from None
        return inbound.signature_digest(signature)

    @staticmethod
    def _record_refusal(env, backend_code, flow_code, refusal):
        # the body of a refused call is untrusted: it is not stored
        env["hc.webhook.refusal"].sudo()._refuse(
            backend_code,
            flow_code,
            refusal.reason_code,
            refusal.status,
            refusal.reason,
            {
                "at": fields.Datetime.to_string(fields.Datetime.now()),
                "from": request.httprequest.remote_addr,
            },
        )
