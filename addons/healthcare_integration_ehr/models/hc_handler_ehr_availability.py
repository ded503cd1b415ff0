# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcHandlerEhrAvailability(models.AbstractModel):
    """Availability out: an item's on-hand quantity at a location, as JSON.

    Sent when a watched item falls below its threshold (and at each change
    while below), when it is available again, and when an awaited supply of
    an EHR request is backordered. Items and locations are named by the EHR's
    own codes (the crosswalk entries that map to them), with the GTIN::

        {"event": "availability", "status": "below_threshold",
         "item": {"code": "KIT-HIP-01", "gtin": "05012345678900", ...},
         "location": {"code": "W3A", "display": "Ward 3A"},
         "on_hand": 2.0, "unit": "{kit}", "threshold": 5.0,
         "expected_date": "2026-03-04T08:00:00Z"}
    """

    _name = "hc.handler.ehr.availability"
    _inherit = "hc.handler"
    _description = "EHR handler: availability out (JSON)"
    _hc_directions = ("outbound",)

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
        event = {
            "event": "availability",
            "status": status,
            "item": {
                "code": self._external_code(backend, "product", product)
                or product.default_code
                or str(product.id),
                "gtin": product.barcode or None,
                "display": product.display_name,
            },
            "location": {
                "code": self._external_code(backend, "location", location)
                or location.barcode
                or str(location.id),
                "display": location.display_name,
            },
            "on_hand": on_hand,
            "unit": self._unit_code(backend, product.uom_id),
            "threshold": threshold,
            "expected_date": self._instant(expected),
            "occurred_at": self._instant(fields.Datetime.now()),
        }
        if request:
            event["supply_request"] = f"SupplyRequest/{request.fhir_id}"
            event["short_quantity"] = request.qty_short
        return event
