# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import fields
from odoo.release import version as odoo_version

from odoo.addons.healthcare_integration_core.controllers.webhook import (
    inbound_request,
)

from ..lib import fhir_answers, fhir_http, fhir_validate
from ..lib.fhir_http import FhirHttpError
from ..lib.fhir_stamp import Interaction
from .fhir_render import Rendering

WRITE_METHODS = frozenset({"POST", "PUT"})
READ_METHODS = frozenset({"GET", "HEAD"})
ASYNC = "_async"


class FhirDoor:
    """One FHIR request on a backend's endpoint: what it asks, what it gets.

    Writes are handed to the core's receive service as an ``InboundRequest``
    (door "fhir"); reads are authenticated by the same service and answered
    from the resource store (``hc.ehr.fhir.resource``).
    """

    def __init__(self, http_request, backend_code):
        self.request = http_request
        self.http = http_request.httprequest
        self.backend_code = backend_code
        env = http_request.env
        self.env = env(user=env["hc.message"]._processing_user().id)
        self.flows = self._candidate_flows()
        self.backend = self.flows[:1].backend_id
        self.published = self._published_types()
        root = self.http.url_root.rstrip("/")
        self.base = f"{root}/hc/fhir/{backend_code}"
        self.render = Rendering(self)

    # ------------------------------------------------------------------ flows

    def _candidate_flows(self):
        flows = (
            self.env["hc.flow"]
            .sudo()
            .search(
                [
                    ("backend_id.code", "=", self.backend_code),
                    ("backend_id.active", "=", True),
                    ("direction", "=", "inbound"),
                    ("trigger", "=", "webhook"),
                ]
            )
        )
        return flows.filtered(
            lambda f: f.handler_model in self.env
            and getattr(self.env[f.handler_model], "_hc_fhir_types", ())
        )

    def _published_types(self):
        """Types Odoo publishes to this backend (served read-only)."""
        flows = (
            self.env["hc.flow"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", self.backend.id),
                    ("direction", "=", "outbound"),
                ]
            )
        )
        types = set()
        for flow in flows.filtered(lambda f: f.handler_model in self.env):
            types.update(
                getattr(self.env[flow.handler_model], "_hc_fhir_published", ())
            )
        return types

    def flow_for(self, resource_type):
        for flow in self.flows:
            if resource_type in self.env[flow.handler_model]._hc_fhir_types:
                return flow
        return self.flows.browse()

    def writable_types(self):
        types = set()
        for flow in self.flows:
            types.update(self.env[flow.handler_model]._hc_fhir_types)
        return types

    def served_types(self):
        served = {
            rtype: fhir_answers.published_capability(rtype) for rtype in self.published
        }
        for rtype in self.writable_types():
            served[rtype] = fhir_answers.RESOURCE_CAPABILITIES[rtype]
        return served

    def _check_type(self, resource_type):
        if not self.flows:
            raise FhirHttpError(404, "not-found", "Unknown FHIR endpoint.")
        if resource_type not in self.served_types():
            raise FhirHttpError(
                404,
                "not-supported",
                f"Resource type '{str(resource_type)[:40]}' is not served here.",
            )

    # ------------------------------------------------------------------ metadata

    def metadata(self):
        if not self.flows:
            raise FhirHttpError(404, "not-found", "Unknown FHIR endpoint.")
        if self.http.method not in READ_METHODS:
            raise FhirHttpError(405, "not-supported", "metadata is read with GET.")
        backend = self.backend.sudo()
        security = None
        if backend.inbound_auth == "bearer":
            security = {
                "smart": bool(backend.bearer_token_url),
                "token": backend.bearer_token_url or None,
                "description": "OAuth2 bearer tokens (JWT) of the hospital's "
                "identity provider; SMART Backend Services scopes "
                f"({backend.bearer_scope or 'system/*.write'}).",
            }
        statement = fhir_answers.capability_statement(
            self.base,
            self.served_types(),
            security,
            "Odoo Healthcare Integration",
            odoo_version,
            fields.Date.to_string(fields.Date.today()),
        )
        return self.render.resource(200, statement)

    # ------------------------------------------------------------------ dispatch

    def type_level(self, resource_type):
        method = self.http.method
        if resource_type is None:
            if method == "POST":
                return self.receive_bundle()
            return self.refuse_method(self.flows[:1], {"POST"})
        if resource_type == ASYNC:
            raise FhirHttpError(404, "not-found", "No such request.")
        self._check_type(resource_type)
        if method in READ_METHODS:
            return self.search(resource_type)
        if resource_type not in self.writable_types():
            return self.refuse_method(self.flows[:1], READ_METHODS)
        if method == "POST":
            if_none_exist = self.http.headers.get("If-None-Exist")
            interaction = Interaction("create", resource_type, None, if_none_exist)
            return self.receive_write(resource_type, interaction, {"POST"})
        return self.refuse_method(self.flow_for(resource_type), {"POST", "GET"})

    def instance_level(self, resource_type, resource_id, version=None):
        if resource_type == ASYNC and version is None:
            return self.async_status(resource_id)
        self._check_type(resource_type)
        method = self.http.method
        if method in READ_METHODS:
            return self.read_resource(resource_type, resource_id, version)
        if resource_type not in self.writable_types():
            return self.refuse_method(self.flows[:1], READ_METHODS)
        if method == "PUT" and version is None:
            interaction = Interaction("update", resource_type, resource_id)
            return self.receive_write(resource_type, interaction, {"PUT"})
        return self.refuse_method(self.flow_for(resource_type), {"GET", "PUT"})

    # ------------------------------------------------------------------ receive

    def inbound_request(self, allowed_methods, label):
        return inbound_request(
            "fhir", self.backend_code, frozenset(allowed_methods), label
        )

    def receipt(self, flow, interaction, allowed_methods, label, choose_flow=None):
        context = {"hc_fhir_interaction": interaction.as_context()}
        receiver = self.env["hc.receive"].with_context(**context)
        inbound = self.inbound_request(allowed_methods, label)

        # a request sent without an Idempotency-Key is known by its
        # interaction too (the same bytes created, then PUT to an id, are two
        # requests): the method, the URL path, the conditional-create criteria
        inbound.key_scope = (
            self.http.method,
            self.http.path,
            interaction.if_none_exist,
        )
        return receiver._receive(inbound, flow, choose_flow=choose_flow)

    def refuse_method(self, flow, allowed):
        """Any other method: the receive service refuses it (405), reading nothing."""
        receipt = self.receipt(
            flow, Interaction("none"), allowed, f"fhir/{self.http.method}"
        )
        return self.render.receipt(receipt, Interaction("none"))

    def receive_write(self, resource_type, interaction, allowed):
        flow = self.flow_for(resource_type)
        receipt = self.receipt(flow, interaction, allowed, f"fhir/{resource_type}")
        return self.render.receipt(receipt, interaction)

    def receive_bundle(self):
        interaction = Interaction("bundle")

        def choose_flow(body):
            return self.flow_for(self._first_entry_type(body)) or self.flows[:1]

        receipt = self.receipt(
            self.flows[:1], interaction, {"POST"}, "fhir/Bundle", choose_flow
        )
        return self.render.receipt(receipt, interaction)

    @staticmethod
    def _first_entry_type(body):
        try:
            document = json.loads(body)
            entries = document.get("entry") or []
            return entries[0]["resource"]["resourceType"]
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None

    # ------------------------------------------------------------------ read

    def authenticate_read(self, resource_type):
        """Reads are authenticated like writes, by the receive service.

        A read has no body: the backend's mode checks the headers (a token,
        an API key, or the signature of an empty body); a refusal is counted
        as the service counts its own.
        """
        flow = self.flow_for(resource_type) or self.flows[:1]
        inbound = self.inbound_request(READ_METHODS, f"fhir/{resource_type}")
        refused = self.env["hc.receive"]._admit_read(inbound, flow)
        if refused is not None:
            return self.render.receipt(refused, Interaction("none"))
        return None

    def store(self):
        return self.env["hc.ehr.fhir.resource"].sudo()

    def read_resource(self, resource_type, resource_id, version):
        refused = self.authenticate_read(resource_type)
        if refused is not None:
            return refused
        fhir_http.check_id(resource_id)
        store = self.store()
        if version is None:
            found = store._latest(self.backend, resource_type, resource_id)
        else:
            if not version.isdigit():
                raise FhirHttpError(404, "not-found", "No such version.")
            found = store._version(
                self.backend, resource_type, resource_id, int(version)
            )
        if not found:
            raise FhirHttpError(
                404, "not-found", f"{resource_type}/{resource_id} is not known here."
            )
        return self.render.version(200, found)

    def search(self, resource_type):
        refused = self.authenticate_read(resource_type)
        if refused is not None:
            return refused
        params = list(self.http.args.items(multi=True))
        prefer = fhir_http.parse_prefer(self.http.headers.get("Prefer"))
        if prefer.get("handling") == "strict":
            params.append(("_strict", "1"))
        supported = self.served_types()[resource_type]["search"]
        search = fhir_http.parse_search(resource_type, params, supported)
        page, total = self.store()._find(self.backend, resource_type, search)
        bundle = fhir_answers.searchset(
            self.base, resource_type, [v._resource() for v in page], total, search
        )
        return self.render.resource(200, bundle)

    def async_status(self, request_id):
        refused = self.authenticate_read(None)
        if refused is not None:
            return refused
        message = (
            self.env["hc.message"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", self.backend.id),
                    ("correlation_id", "=", request_id),
                    ("direction", "=", "inbound"),
                ],
                limit=1,
            )
        )
        if not message:
            raise FhirHttpError(404, "not-found", "No such request.")
        return self.render.async_status(message)

    @staticmethod
    def issues_text(issues):
        return "; ".join(str(issue) for issue in issues)

    @staticmethod
    def outcome(issues):
        return fhir_validate.operation_outcome(issues)
