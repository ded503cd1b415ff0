# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import hmac
import json
import logging

import psycopg2

from odoo import _, http
from odoo.http import request

from ..lib import retry, signing

_logger = logging.getLogger(__name__)

ACCEPTED_TYPES = {
    "json": {"application/json"},
    "fhir_json": {"application/fhir+json", "application/json"},
    "xml": {"application/xml", "text/xml"},
    "x12": {"application/edi-x12", "application/edi", "text/plain"},
    "csv": {"text/csv", "text/plain"},
}


def json_response(status, body, correlation_id=None):
    headers = [("Content-Type", "application/json")]
    if correlation_id:
        headers.append(("X-Correlation-ID", correlation_id))
    return request.make_response(json.dumps(body), headers=headers, status=status)


class WebhookRefused(Exception):
    def __init__(self, status, error_class, reason):
        super().__init__(reason)
        self.status = status
        self.error_class = error_class
        self.reason = reason


class HcWebhookController(http.Controller):
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
        flow = env["hc.flow"].sudo()._find_flow(backend_code, flow_code, "inbound")
        if not flow:
            return json_response(404, {"error": "unknown backend or flow"})
        env = env(context=dict(env.context, allowed_company_ids=flow.company_id.ids))
        headers = request.httprequest.headers
        correlation_id = headers.get("X-Correlation-ID") or None
        try:
            # before the body is read: werkzeug would consume form encodings
            self._check_content_type(flow, headers)
            body = self._read_body(flow)
            self._authenticate(flow, headers, body)
        except WebhookRefused as refusal:
            self._record_refusal(env, flow, refusal, correlation_id)
            return json_response(
                refusal.status, {"error": refusal.reason}, correlation_id
            )
        key = headers.get("Idempotency-Key") or hashlib.sha256(body).hexdigest()
        original = env["hc.message"]._find_original(flow, key)
        if original:
            return self._duplicate_answer(original)
        errors = flow._validate_payload(body)
        if errors:
            message = self._store_invalid(env, flow, body, key, correlation_id, errors)
            return json_response(
                422,
                {
                    "error": "validation failed",
                    "details": errors,
                    "message_id": message.name,
                },
                message.correlation_id,
            )
        try:
            with env.cr.savepoint():
                message = env["hc.message"]._create_inbound(
                    flow, body, key, correlation_id
                )
        except psycopg2.IntegrityError:
            # a concurrent delivery with the same key committed first
            return self._duplicate_answer(env["hc.message"]._find_original(flow, key))
        return json_response(
            202,
            {
                "message_id": message.name,
                "id": message.id,
                "correlation_id": message.correlation_id,
                "state": message.state,
            },
            message.correlation_id,
        )

    def _read_body(self, flow):
        limit = (flow.backend_id.max_payload_kb or 2048) * 1024
        length = request.httprequest.content_length
        if length is not None and length > limit:
            raise WebhookRefused(
                413,
                retry.ERROR_VALIDATION,
                _("Payload of %s bytes exceeds the limit", length),
            )
        body = request.httprequest.get_data()
        if len(body) > limit:
            raise WebhookRefused(
                413, retry.ERROR_VALIDATION, _("Payload exceeds %s bytes", limit)
            )
        return body

    def _authenticate(self, flow, headers, body):
        backend = flow.backend_id
        secret = backend.sudo()._secret("webhook")
        if not secret:
            raise WebhookRefused(
                401,
                retry.ERROR_AUTHENTICATION,
                _("No webhook secret configured for this backend"),
            )
        if backend.inbound_auth == "api_key":
            given = headers.get(backend.api_key_header or "X-API-Key") or ""
            if not hmac.compare_digest(given.encode(), secret.encode()):
                raise WebhookRefused(
                    401, retry.ERROR_AUTHENTICATION, _("Missing or wrong API key")
                )
            return
        try:
            signing.verify_signature(
                secret,
                headers.get(signing.TIMESTAMP_HEADER),
                headers.get(signing.SIGNATURE_HEADER),
                body,
                tolerance=backend.webhook_tolerance or 300,
            )
        except signing.SignatureError as exc:
            raise WebhookRefused(401, retry.ERROR_AUTHENTICATION, exc.reason) from None

    def _check_content_type(self, flow, headers):
        mimetype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if mimetype not in ACCEPTED_TYPES[flow.payload_format]:
            raise WebhookRefused(
                415,
                retry.ERROR_VALIDATION,
                _(
                    "Content type %(got)s not accepted for %(fmt)s payloads",
                    got=mimetype or "(none)",
                    fmt=flow.payload_format,
                ),
            )

    def _record_refusal(self, env, flow, refusal, correlation_id):
        _logger.warning(
            "webhook %s/%s refused (%s): %s",
            flow.backend_id.code,
            flow.code,
            refusal.status,
            refusal.reason,
        )
        # the body of a refused call is untrusted: it is not stored
        env["hc.message"].sudo().create(
            {
                "flow_id": flow.id,
                "backend_id": flow.backend_id.id,
                "direction": "inbound",
                "correlation_id": correlation_id or False,
                "http_status": refusal.status,
                "state": "dead",
                "error_class": refusal.error_class,
                "error_text": _("Refused: %s", refusal.reason),
                "http_method": "POST",
            }
        )

    def _store_invalid(self, env, flow, body, key, correlation_id, errors):
        message = env["hc.message"].create(
            env["hc.message"]._base_vals(
                flow,
                body,
                idempotency_key=key,
                correlation_id=correlation_id,
                state="queued",
                http_status=422,
                http_method="POST",
                endpoint=False,
            )
        )
        message._fail(retry.ERROR_VALIDATION, "\n".join(errors))
        return message

    def _duplicate_answer(self, original):
        return json_response(
            200,
            {
                "message_id": original.name,
                "id": original.id,
                "correlation_id": original.correlation_id,
                "state": original.state,
                "duplicate": True,
            },
            original.correlation_id,
        )
