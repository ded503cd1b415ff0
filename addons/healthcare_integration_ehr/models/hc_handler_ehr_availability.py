# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import fields, models

from ..lib import fhir_availability, fhir_http
from ..lib import fhir_map as fm

# the code system of the EHR's own item codes (the item crosswalk's)
ITEM_SYSTEM = "urn:hc:ehr:item"


class HcHandlerEhrAvailability(models.AbstractModel):
    """Availability out: an item's on-hand quantity at a location, as a FHIR Task.

    Sent when a watched item falls below its threshold (and at each change
    while below), when it is available again, and when an awaited supply of
    an EHR request is backordered: ``PUT /Task/<id>``, one Task per item and
    location, updated by each event (``lib/fhir_availability.py`` says why a
    Task and how it reads). Items are named by the EHR's own codes (the
    crosswalk entries that map to them) and the GTIN, the location by the
    EHR's own Location id when it is mapped.
    """

    _name = "hc.handler.ehr.availability"
    _inherit = "hc.handler"
    _description = "EHR handler: availability out (FHIR Task)"
    _hc_directions = ("outbound",)
    # served read-only by the FHIR endpoint once sent (hc.ehr.fhir.resource)
    _hc_fhir_published = ("Task",)

    def _external_code(self, backend, domain, record):
        entry = (
            self.env["hc.crosswalk"]
            .sudo()
            .search(
                [
                    ("backend_id", "=", backend.id),
                    ("domain", "=", domain),
                    ("record_ref", "=", f"{record._name},{record.id}"),
                ],
                order="id",
                limit=1,
            )
        )
        return entry.external_code or False

    def _unit_code(self, backend, uom):
        return self._external_code(backend, "uom", uom) or uom.name

    @staticmethod
    def _instant(value):
        if not value:
            return None
        return fields.Datetime.to_datetime(value).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _event(
        self, backend, product, location, status, on_hand, threshold, expected, request
    ):
        """The Task of one availability event (see ``lib/fhir_availability``)."""
        item = [
            (ITEM_SYSTEM, self._external_code(backend, "product", product)),
            (fm.GTIN_SYSTEMS[0], product.barcode),
        ]
        if not any(code for _system, code in item):
            item.append(("urn:hc:odoo:item", product.default_code or str(product.id)))
        master = self.env["hc.handler.ehr.master"]
        return fhir_availability.availability_task(
            task_id=fm.fhir_id(f"odoo-avail-{product.id}-{location.id}"),
            event=status,
            item=item,
            location=master._location_reference(backend, location),
            on_hand=on_hand,
            unit=self._unit_code(backend, product.uom_id),
            threshold=threshold,
            expected=self._instant(expected),
            focus=f"SupplyRequest/{request.fhir_id}"
            if request and "|" not in request.fhir_id
            else None,
            now=self._instant(fields.Datetime.now()),
        )

    def on_delivered(self, message, reply):
        self.env["hc.ehr.fhir.resource"].sudo()._publish_sent(message)

    def prepare_request(self, message):
        return fhir_http.put_request(json.loads(message._body() or b"{}"))
