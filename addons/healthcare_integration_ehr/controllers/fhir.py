# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import psycopg2

from odoo import http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..lib import fhir_http
from ..lib.fhir_http import FhirHttpError
from .fhir_door import FhirDoor
from .fhir_render import outcome_response

_logger = logging.getLogger(__name__)
BASE = "/hc/fhir/<string:backend_code>"


class HcFhirController(http.Controller):
    """FHIR R4 RESTful endpoint of an EHR backend: ``[base] = /hc/fhir/<backend>``.

    ``GET [base]/metadata`` (the CapabilityStatement), ``POST [base]/<type>``
    (create, conditional with ``If-None-Exist``), ``PUT [base]/<type>/<id>``
    (update), ``GET [base]/<type>/<id>[/_history/<vid>]`` (read, vread),
    ``GET [base]/<type>?...`` (search), ``POST [base]`` (transaction and batch
    Bundles) and ``GET [base]/_async/<id>`` (the status of a request sent with
    ``Prefer: respond-async``). Every answer is ``application/fhir+json``;
    every error an OperationOutcome. Writes go through the core's receive
    service (``hc.receive``): the door translates the request and renders the
    receipt, the checks are the service's. ``FhirDoor`` does the work.
    """

    def _serve(self, backend_code, work):
        wanted = fhir_http.negotiate(
            request.httprequest.headers.get("Accept"),
            request.httprequest.args.get("_format"),
        )
        if wanted is None:
            return outcome_response(
                406,
                "not-supported",
                "Only JSON is served here (application/fhir+json); XML is not.",
            )
        try:
            return work(FhirDoor(request, backend_code))
        except FhirHttpError as exc:
            return outcome_response(
                exc.status, exc.code, exc.diagnostics, exc.expression
            )
        except psycopg2.OperationalError as exc:
            if exc.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise  # Odoo runs the request again
            return self._failed(backend_code)
        except Exception:  # noqa: BLE001 (an answer, never an HTML error page)
            return self._failed(backend_code)

    @staticmethod
    def _failed(backend_code):
        _logger.exception("FHIR request on %s failed", backend_code)
        request.env.cr.rollback()  # nothing half-done is committed
        return outcome_response(
            500, "exception", "The request could not be handled; see the log."
        )

    @http.route(
        f"{BASE}/metadata",
        type="http",
        auth="none",
        methods=None,
        csrf=False,
        save_session=False,
    )
    def metadata(self, backend_code, **_kwargs):
        return self._serve(backend_code, lambda door: door.metadata())

    @http.route(
        [BASE, f"{BASE}/<string:resource_type>"],
        type="http",
        auth="none",
        methods=None,
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def type_level(self, backend_code, resource_type=None, **_kwargs):
        return self._serve(backend_code, lambda door: door.type_level(resource_type))

    @http.route(
        [
            f"{BASE}/<string:resource_type>/<string:resource_id>",
            f"{BASE}/<string:resource_type>/<string:resource_id>/_history/<string:version>",
        ],
        type="http",
        auth="none",
        methods=None,
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def instance_level(self, backend_code, resource_type, resource_id, version=None):
        return self._serve(
            backend_code,
            lambda door: door.instance_level(resource_type, resource_id, version),
        )

    @http.route(
        f"{BASE}/<path:rest>",
        type="http",
        auth="none",
        methods=None,
        csrf=False,
        save_session=False,
    )
    def unknown(self, backend_code, rest, **_kwargs):
        def not_found(_door):
            raise FhirHttpError(404, "not-found", "No such FHIR interaction here.")

        return self._serve(backend_code, not_found)
