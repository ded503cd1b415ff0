# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import http
from odoo.http import request

from odoo.addons.healthcare_integration_core.controllers.webhook import (
    inbound_request,
)
from odoo.addons.healthcare_integration_core.lib.receive import INVALID, REFUSED

from ..lib import fhir_validate

FHIR_JSON = "application/fhir+json"
FHIR_METHODS = frozenset({"POST", "PUT"})
REFUSAL_CODES = {
    400: "invalid",
    405: "not-supported",
    411: "invalid",
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
    for a transaction Bundle. A door of the core's receive service
    (``hc.receive``): the same checks and storage as every inbound door;
    only the answers differ: FHIR OperationOutcome resources in
    ``application/fhir+json``. The flow is the backend's active
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
        methods=sorted(FHIR_METHODS),
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def receive(self, backend_code, resource_type=None, resource_id=None, **_kwargs):
        env = request.env(user=request.env["hc.message"]._processing_user().id)
        flows = self._candidate_flows(env, backend_code)
        flow = self._flow_for(flows, resource_type)
        label = f"fhir/{resource_type or 'Bundle'}"
        inbound = inbound_request("fhir", backend_code, FHIR_METHODS, label)

        def choose_flow(body):
            if resource_type and resource_type != "Bundle":
                return None
            return self._flow_for(flows, self._first_entry_type(body))

        receipt = env["hc.receive"]._receive(inbound, flow, choose_flow=choose_flow)
        if receipt.outcome == REFUSED:
            issue = fhir_validate.Issue(
                receipt.reason, code=REFUSAL_CODES.get(receipt.status, "invalid")
            )
            return fhir_response(
                receipt.status, fhir_validate.operation_outcome([issue])
            )
        flow = receipt.flow
        issues = []
        if receipt.outcome == INVALID:
            _stored, issues = flow._handler()._fhir_examine(flow, receipt.body)
        return self._answer(receipt.message, issues)

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
