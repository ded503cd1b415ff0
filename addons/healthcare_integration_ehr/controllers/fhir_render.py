# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.http import request

from odoo.addons.healthcare_integration_core.lib import receive as rcv
from odoo.addons.healthcare_integration_core.lib import states as st

from ..lib import fhir_answers, fhir_http, fhir_validate
from ..lib.fhir_http import FHIR_JSON
from ..lib.fhir_screen import PERSON_TYPES

# the receive service's refusal reasons, as OperationOutcome issue codes
REFUSAL_CODES = {
    "unknown_flow": "not-found",
    "bad_method": "not-supported",
    "bad_header": "invalid",
    "bad_content_type": "not-supported",
    "too_large": "too-long",
    "length_required": "invalid",
    "unauthenticated": "security",
    "too_deep": "structure",
    "bad_xml": "structure",
}
STRUCTURE_CODES = ("structure",)


def fhir_response(status, resource=None, headers=None):
    """An ``application/fhir+json`` answer (no body for ``resource=None``)."""
    all_headers = [("Content-Type", f"{FHIR_JSON}; charset=utf-8")]
    all_headers += list((headers or {}).items())
    body = json.dumps(resource, ensure_ascii=False) if resource is not None else ""
    return request.make_response(body, headers=all_headers, status=status)


def outcome_response(status, code, diagnostics, expression=None, headers=None):
    issue = fhir_validate.Issue(
        diagnostics, code=code, expression=[expression] if expression else []
    )
    return fhir_response(status, fhir_validate.operation_outcome([issue]), headers)


class Rendering:
    """How the FHIR door answers (R4 3.1.0: HTTP, 3.1.0.11: Bundles)."""

    def __init__(self, door):
        self.door = door
        self.prefer = fhir_http.parse_prefer(door.http.headers.get("Prefer"))

    # ------------------------------------------------------------------ basics

    def resource(self, status, resource, headers=None):
        return fhir_response(status, resource, headers)

    def outcome(self, status, issues, headers=None):
        return self.resource(status, fhir_validate.operation_outcome(issues), headers)

    def version(self, status, version):
        """A stored version, with its Location, ETag and Last-Modified."""
        headers = version._answer_headers(self.door.base)
        if self.door.http.method == "GET" and "Location" in headers:
            headers["Content-Location"] = headers.pop("Location")
        wanted = self.prefer.get("return", "representation")
        if self.door.http.method in ("GET", "HEAD") or wanted == "representation":
            return self.resource(status, version._resource(), headers)
        if wanted == "minimal":
            return self.resource(status, None, headers)
        text = f"{version.resource_type}/{version.logical_id} version {version.version}"
        return self.resource(status, fhir_validate.information(text), headers)

    # ------------------------------------------------------------------ receipts

    def receipt(self, receipt, interaction):
        if receipt.outcome == rcv.REFUSED:
            return self.refused(receipt)
        if receipt.outcome == rcv.INVALID:
            return self.invalid(receipt, interaction)
        message = self.door.env["hc.message"].sudo().browse(receipt.message.id)
        store = self.door.store()
        duplicate = receipt.outcome == rcv.DUPLICATE
        if duplicate:  # answered as the original was
            versions = store.search([("message_id", "=", message.id)], order="id")
            if not versions:  # received on another route: no FHIR resource
                text = (
                    f"Duplicate of {message.name}: already received, not applied again."
                )
                return self.resource(200, fhir_validate.information(text))
            if not self.same_target(versions, interaction):
                # the same bytes came first by another interaction (the core
                # knows a request without Idempotency-Key by its body)
                issue = fhir_validate.Issue(
                    f"This body was already received as {message.name} by another "
                    "interaction; send an Idempotency-Key to tell them apart.",
                    code="duplicate",
                )
                return self.outcome(409, [issue])
        else:
            document = json.loads(message._body())
            resources = [r for _p, r in fhir_validate.resources(document)]
            versions = store._record_stored(self.door.backend, message, resources)
        if self.prefer.get("respond-async"):
            status_url = f"{self.door.base}/_async/{message.correlation_id}"
            text = f"Accepted as {message.name}; poll {status_url} for the outcome."
            return self.resource(
                202, fhir_validate.information(text), {"Content-Location": status_url}
            )
        if interaction.kind == "bundle":
            return self.bundle_response(receipt, versions, duplicate)
        version = versions[:1]
        created = version.version == 1 and version.message_id == message
        return self.version(201 if created and not duplicate else 200, version)

    @staticmethod
    def same_target(versions, interaction):
        if interaction.kind != "update":
            return True
        return (interaction.resource_type, interaction.resource_id) in {
            (v.resource_type, v.logical_id) for v in versions
        }

    def refused(self, receipt):
        code = REFUSAL_CODES.get(receipt.reason_code, "processing")
        headers = {}
        if receipt.status == 401 and self.door.backend.sudo().inbound_auth == "bearer":
            headers["WWW-Authenticate"] = 'Bearer realm="hc-fhir"'
        issue = fhir_validate.Issue(receipt.reason or "refused", code=code)
        return self.outcome(receipt.status, [issue], headers)

    def invalid(self, receipt, interaction):
        """A stored-as-failed request: the issues, as the handler finds them."""
        flow = receipt.flow or self.door.flows[:1]
        issues = []
        if receipt.body is not None and flow:
            handler = flow._handler().with_context(
                hc_fhir_interaction=interaction.as_context()
            )
            _stored, issues = handler._fhir_examine(flow, receipt.body)
        if not issues:
            errors = (receipt.message.errors if receipt.message else None) or [
                receipt.reason or "invalid"
            ]
            issues = [fhir_validate.Issue(error, code="invalid") for error in errors]
        status = max((issue.status or 0 for issue in issues), default=0)
        if not status:
            structure = any(issue.code in STRUCTURE_CODES for issue in issues)
            status = 400 if structure else 422
        if receipt.message:
            issues.append(
                fhir_validate.Issue(
                    f"Recorded as failed message {receipt.message.name}.",
                    code="informational",
                    severity="information",
                )
            )
        return self.outcome(status, issues)

    def entries(self, versions, status):
        wanted = self.prefer.get("return", "representation")
        entries = []
        for version in versions:
            headers = version._answer_headers(self.door.base)
            response = fhir_answers.entry_response(
                status,
                location=headers["Location"],
                etag=headers["ETag"],
                modified=fhir_http.instant(version.last_updated),
            )
            resource = version._resource() if wanted == "representation" else None
            entries.append((response, resource))
        return entries

    def bundle_response(self, receipt, versions, duplicate=False):
        """The response Bundle: one entry per entry received, in their order.

        Entries kept answer their stored version; a batch entry refused
        answers its issues; a Patient (or other person) entry answers that it
        was not kept (references to it were tokenized).
        """
        received = json.loads(receipt.body)
        kind = "batch" if received.get("type") == "batch" else "transaction"
        refused = {}
        if kind == "batch":
            handler = receipt.flow._handler()
            refused = handler._fhir_entry_issues(receipt.flow, receipt.body)
        stored = iter(versions)
        entries = []
        for index, entry in enumerate(received.get("entry") or []):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            rtype = resource.get("resourceType") if isinstance(resource, dict) else None
            if index in refused:
                issues = refused[index]
                status = 400 if any(i.code in STRUCTURE_CODES for i in issues) else 422
                outcome = fhir_validate.operation_outcome(issues)
                response = fhir_answers.entry_response(status, outcome=outcome)
                entries.append((response, None))
            elif rtype in PERSON_TYPES:
                outcome = fhir_validate.information(
                    f"{rtype} not kept: patient data is not stored here; "
                    "references to it were replaced by a token."
                )
                response = fhir_answers.entry_response(200, outcome=outcome)
                entries.append((response, None))
            else:
                version = next(stored, None)
                if version is None:
                    continue
                created = version.version == 1 and not duplicate
                entries += self.entries(version, 201 if created else 200)
        return self.resource(200, fhir_answers.response_bundle(kind, entries))

    # ------------------------------------------------------------------ async

    def async_status(self, message):
        """The status endpoint of R4's asynchronous request pattern."""
        if message.state in st.PENDING:
            return self.resource(
                202, None, {"X-Progress": message.state, "Retry-After": "2"}
            )
        if message.state == st.DEAD:
            issue = fhir_validate.Issue(
                message.error_text or "failed", code="processing"
            )
            return self.outcome(422, [issue])
        versions = self.door.store().search(
            [("message_id", "=", message.id)], order="id"
        )
        bundle = fhir_answers.response_bundle("batch", self.entries(versions, 201))
        return self.resource(200, bundle)
