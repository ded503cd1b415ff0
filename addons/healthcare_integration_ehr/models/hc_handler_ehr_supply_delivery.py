# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import fields, models

from ..lib import fhir_http
from ..lib import fhir_map as fm

DELIVERY_SYSTEM = "urn:hc:odoo:supply-delivery"


class HcHandlerEhrSupplyDelivery(models.AbstractModel):
    """SupplyDelivery out: what Odoo delivered to the ward for an EHR request.

    One SupplyDelivery per request, ``in-progress`` while part of it is still
    to come and ``completed`` once all is delivered (or the rest cancelled),
    with the quantity delivered so far. Its id is Odoo's, so every exchange
    is an idempotent ``PUT /SupplyDelivery/<id>`` (an update, or a create
    with a client-assigned id), retried safely; the answer's id is kept.
    """

    _name = "hc.handler.ehr.supply.delivery"
    _inherit = "hc.handler"
    _description = "EHR handler: SupplyDelivery out (FHIR R4)"
    _hc_directions = ("outbound",)
    # served by the FHIR endpoint once sent (hc.ehr.fhir.resource)
    _hc_fhir_published = ("SupplyDelivery",)

    def select_flows(self, record, flows):
        return flows.filtered(lambda f: f.backend_id == record.backend_id)

    @staticmethod
    def _delivery_id(request):
        return request.delivery_fhir_id or fm.fhir_id(f"odoo-{request.name}")

    @staticmethod
    def _request_reference(request):
        if "|" in request.fhir_id:
            system, _sep, value = request.fhir_id.partition("|")
            return {"identifier": {"system": system, "value": value}}
        return {"reference": f"SupplyRequest/{request.fhir_id}"}

    def build_payload(self, record, flow):
        request = record
        done = request.picking_ids.filtered(lambda p: p.state == "done")
        last = max(done.mapped("date_done")) if done else fields.Datetime.now()
        coding = [{"code": request.item_code}]
        if request.item_system:
            coding[0]["system"] = request.item_system
        if request.product_id.barcode and not fm.is_gtin(request.item_system or ""):
            coding.append(
                {"system": fm.GTIN_SYSTEMS[0], "code": request.product_id.barcode}
            )
        delivered = request.product_uom_id._compute_quantity(
            request.qty_delivered, request.product_uom_id
        )
        return fm.supply_delivery(
            delivery_id=self._delivery_id(request),
            identifier_system=DELIVERY_SYSTEM,
            identifier=request.name,
            request_reference=self._request_reference(request),
            status="in-progress" if request._open_moves() else "completed",
            item_coding=coding,
            amount=delivered,
            unit=request.unit_code,
            destination=json.loads(request.deliver_to or "{}"),
            occurred_at=last.strftime("%Y-%m-%dT%H:%M:%SZ"),
            supplier=request.company_id.name,
        )

    def prepare_request(self, message):
        request = message._linked_record()
        if not request:
            return {}
        resource = {"resourceType": "SupplyDelivery", "id": self._delivery_id(request)}
        return fhir_http.put_request(resource)

    def on_delivered(self, message, reply):
        # the FHIR endpoint serves what Odoo published (read, search by based-on)
        self.env["hc.ehr.fhir.resource"].sudo()._publish_sent(message)
        request = message._linked_record()
        document = reply.document if isinstance(reply.document, dict) else {}
        if request and document.get("resourceType") == "SupplyDelivery":
            if document.get("id") and document["id"] != request.delivery_fhir_id:
                request.sudo().delivery_fhir_id = document["id"]
