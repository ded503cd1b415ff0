# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
import logging

from odoo import models

from ..lib import fhir_http
from ..lib import fhir_map as fm

_logger = logging.getLogger(__name__)

ITEM_SYSTEM = "urn:hc:odoo:item"
LOCATION_SYSTEM = "urn:hc:odoo:location"
ITEM_FLOW = "ehr.item_out"
LOCATION_FLOW = "ehr.location_out"


class HcHandlerEhrMaster(models.AbstractModel):
    """Item master and locations out: Odoo owns them, the EHR gets FHIR resources.

    A product marked *Clinical supply (EHR)* goes out as a DeviceDefinition
    (internal code, GTIN as UDI device identifier, unit, active), a stock
    location marked *Known to the EHR* as a Location; both with
    ``PUT /<type>/<Odoo id>``. The answer brings back the EHR's own codes:
    every identifier of another system, and the resource id when the EHR
    assigned its own, becomes a crosswalk entry of the backend, so that the
    EHR's requests naming them resolve.

    A ward mapped by hand to one of the EHR's own Locations (a location
    crosswalk entry, before Odoo ever sent it) is the EHR's: it is not sent
    again as a second Location, and whatever Odoo sends names it by the EHR's
    id (``_location_reference``).
    """

    _name = "hc.handler.ehr.master"
    _inherit = "hc.handler"
    _description = "EHR handler: items and locations out (FHIR R4)"
    _hc_directions = ("outbound",)
    # served read-only by the FHIR endpoint once sent (hc.ehr.fhir.resource)
    _hc_fhir_published = ("DeviceDefinition", "Location")

    @staticmethod
    def _fhir_id(record):
        prefix = "item" if record._name == "product.product" else "loc"
        return fm.fhir_id(f"odoo-{prefix}-{record.id}")

    @staticmethod
    def _code(record):
        if record._name == "product.product":
            return record.default_code or f"P{record.id}"
        return record.barcode or record.complete_name

    def select_flows(self, record, flows):
        # EXTENDS hc.handler: the EHR's own Locations are not sent back to it
        if record._name != "stock.location":
            return flows
        return flows.filtered(
            lambda flow: not self._ehr_location_id(flow.backend_id, record)
        )

    def _ehr_location_id(self, backend, location):
        """The EHR's own id of a location mapped by hand (never sent by Odoo)."""
        entries = (
            self.env["hc.crosswalk"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", backend.id),
                    ("domain", "=", "location"),
                    ("record_ref", "=", f"stock.location,{location.id}"),
                ],
                order="id",
            )
        )
        codes = [
            e.external_code
            for e in entries
            if fhir_http.ID_PATTERN.match(e.external_code or "")
        ]
        if not codes:
            return None
        sent = (
            self.env["hc.message"]
            .sudo()
            .search_count(
                [
                    ("backend_id", "=", backend.id),
                    ("direction", "=", "outbound"),
                    ("flow_id.flow_type_id.code", "=", LOCATION_FLOW),
                    ("res_model", "=", "stock.location"),
                    ("res_id", "=", location.id),
                ],
                limit=1,
            )
        )
        return None if sent else codes[0]

    def _location_reference(self, backend, location):
        """``Location/<id>`` of a location: the EHR's own id when it has one."""
        own = self._ehr_location_id(backend, location) if backend else None
        return f"Location/{own or self._fhir_id(location)}"

    def build_payload(self, record, flow):
        if record._name == "product.product":
            return fm.device_definition(
                definition_id=self._fhir_id(record),
                identifier_system=ITEM_SYSTEM,
                code=self._code(record),
                gtin=record.barcode or None,
                name=record.name,
                unit=self._unit(flow, record.uom_id),
                active=record.active,
            )
        parent = record.location_id
        part_of = None
        if parent and parent.hc_ehr_location:
            backend = flow.backend_id if flow else None
            part_of = {"reference": self._location_reference(backend, parent)}
        return fm.location_resource(
            location_id=self._fhir_id(record),
            identifier_system=LOCATION_SYSTEM,
            code=self._code(record),
            name=record.name,
            active=record.active,
            part_of=part_of,
        )

    def _unit(self, flow, uom):
        if not flow:
            return uom.name
        entry = (
            self.env["hc.crosswalk"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", flow.backend_id.id),
                    ("domain", "=", "uom"),
                    ("record_ref", "=", f"uom.uom,{uom.id}"),
                ],
                limit=1,
            )
        )
        return entry.external_code or uom.name

    def prepare_request(self, message):
        return fhir_http.put_request(json.loads(message._body() or b"{}"))

    def on_delivered(self, message, reply):
        self.env["hc.ehr.fhir.resource"].sudo()._publish_sent(message)
        record = message._linked_record()
        document = reply.document if isinstance(reply.document, dict) else {}
        if not record or not document.get("resourceType"):
            return
        domain = "product" if record._name == "product.product" else "location"
        ours = ITEM_SYSTEM if domain == "product" else LOCATION_SYSTEM
        codes = [
            i["value"]
            for i in document.get("identifier") or []
            if isinstance(i, dict) and i.get("value") and i.get("system") != ours
        ]
        if document.get("id") and document["id"] != self._fhir_id(record):
            codes.append(document["id"])
        self._record_codes(message.backend_id, domain, record, codes)

    def _record_codes(self, backend, domain, record, codes):
        crosswalks = self.env["hc.crosswalk"].sudo()
        found = crosswalks._resolve_many(backend, domain, codes)
        for code in dict.fromkeys(codes):
            entry = found.get(code)
            if not entry:
                crosswalks.create(
                    {
                        "backend_id": backend.id,
                        "domain": domain,
                        "external_code": code,
                        "external_label": record.display_name,
                        "record_ref": f"{record._name},{record.id}",
                    }
                )
            elif entry.record_ref != record:
                _logger.warning(
                    "EHR code %s of backend %s already maps to another record; "
                    "left unchanged",
                    code,
                    backend.code,
                )

    def _send_record(self, record, code):
        """Queue ``record`` to the EHR backends, once per distinct payload."""
        payload = self.build_payload(record, None)
        digest = hashlib.sha256(
            json.dumps(payload, sort_keys=True).encode()
        ).hexdigest()[:24]
        # whoever edits an item or a location may not create integration
        # messages; the change goes out as superuser
        return record.sudo()._hc_send(
            code, idempotency_key=f"{record._name}/{record.id}/{digest}"
        )
