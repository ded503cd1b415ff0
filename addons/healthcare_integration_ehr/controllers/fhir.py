# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import http
from odoo.http import request

from odoo.addons.healthcare_integration_core.controllers.webhook import (
    HcWebhookController,
    Refused,
)

from ..lib import fhir_validate

FHIR_JSON = "application/fhir+json"
REFUSAL_CODES = {
    400: "invalid",
    401: "security",
    404: "not-found",
    413: "too-long",
    415: "not-supported",
}


def fhir_response(status, resource, correlation_id=None):
    headers = [("Content-Type", f"{FHIR_JSON}; charset=utf-8")]
    if correlation_id:
        headers.append(("X-Correlation-ID", correlation_id))
    return request.make_response(
        json.dumps(resource, ensure_ascii=False), headers=headers, status=status
    )


class HcFhirController(http.Controller):
    """FHIR R4 endpoint of an EHR backend: ``[base] = /hc/fhir/<backend code>``.

    ``POST [base]/<type>`` (or ``PUT [base]/<type>/<id>``) and ``POST [base]``
    for a transaction Bundle. A request is authenticated exactly as the
    core's webhook (the same signature, API key, size and content type
    checks, by the same functions) and stored through the same
    ``hc.inbound._ingest``; only the answers differ: FHIR OperationOutcome
    resources in ``application/fhir+json``. The flow is the backend's active
    inbound EHR flow whose handler takes the resource type.
    """

    @http.route(
        [
            "/hc/fhir/<string:backend_code>",
            "/hc/fhir/<string:backend_code>/<string:resource_type>",
            "/hc/fhir/<string:backend_code>/<string:resource_type>/<string:resource_id>",
        ],
        type="http",
        auth="none",
        methods=["POST", "PUT"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def receive(self, backend_code, resource_type=None, resource_id=None, **_kwargs):
        env = request.env(user=request.env["hc.message"]._processing_user().id)
        headers = request.httprequest.headers
        flows = self._candidate_flows(env, backend_code)
        flow = self._flow_for(flows, resource_type)
        webhook = HcWebhookController
        try:
            if not flow:
                raise Refused(404, "unknown_flow", "unknown backend or resource type")
            bounded = webhook._bounded_headers(headers)
            webhook._check_content_type(flow, headers)
            body = webhook._read_body(flow)
            digest = webhook._authenticate(flow, headers, body)
        except Refused as refusal:
            webhook._record_refusal(
                env, backend_code, f"fhir/{resource_type or 'Bundle'}", refusal
            )
            issue = fhir_validate.Issue(
                refusal.reason, code=REFUSAL_CODES.get(refusal.status, "invalid")
            )
            return fhir_response(
                refusal.status, fhir_validate.operation_outcome([issue])
            )
        if not resource_type or resource_type == "Bundle":
            flow = self._flow_for(flows, self._first_entry_type(body)) or flow
        env = env(context=dict(env.context, allowed_company_ids=flow.company_id.ids))
        flow = flow.with_env(env)
        _stored, issues = flow._handler()._fhir_examine(flow, body)
        ingested = env["hc.inbound"]._ingest(
            flow,
            body,
            idempotency_key=bounded["Idempotency-Key"],
            correlation_id=bounded["X-Correlation-ID"],
            signature_digest=digest,
        )
        return self._answer(ingested, issues)

    @staticmethod
    def _answer(ingested, issues):
        correlation = ingested.correlation_id
        if ingested.duplicate:
            outcome = fhir_validate.information(
                f"Duplicate of {ingested.name}: already received, not applied again."
            )
            return fhir_response(200, outcome, correlation)
        if ingested.errors:
            found = issues or [
                fhir_validate.Issue(error, code="invalid") for error in ingested.errors
            ]
            found.append(
                fhir_validate.Issue(
                    f"Recorded as failed message {ingested.name}.",
                    code="informational",
                    severity="information",
                )
            )
            return fhir_response(
                422, fhir_validate.operation_outcome(found), correlation
            )
        outcome = fhir_validate.information(
            f"Accepted as {ingested.name}; it is processed asynchronously."
        )
        return fhir_response(202, outcome, correlation)

    @staticmethod
    def _candidate_flows(env, backend_code):
        flows = (
            env["hc.flow"]
            .sudo()
            .search(
                [
                    ("backend_id.code", "=", backend_code),
                    ("backend_id.active", "=", True),
                    ("direction", "=", "inbound"),
                    ("trigger", "=", "webhook"),
                ]
            )
        )
        return flows.filtered(
            lambda f: f.handler_model in env
            and getattr(env[f.handler_model], "_hc_fhir_types", ())
        )

    @staticmethod
    def _flow_for(flows, resource_type):
        for flow in flows:
            handler = flow.env[flow.handler_model]
            if not resource_type or resource_type in handler._hc_fhir_types:
                return flow
        return flows.browse()

    @staticmethod
    def _first_entry_type(body):
        try:
            document = json.loads(body)
            entries = document.get("entry") or []
            return entries[0]["resource"]["resourceType"]
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None
