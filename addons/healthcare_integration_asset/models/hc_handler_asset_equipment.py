# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import _, fields, models
from odoo.exceptions import UserError


class HcHandlerAssetEquipment(models.AbstractModel):
    """Equipment out to the EAM/CMMS (``asset.equipment_out``).

    The first message of an equipment is a ``POST`` to the flow's endpoint;
    the EAM answers with its own asset id (``asset_id``, or ``id``), kept in a
    crosswalk. Later messages ``PUT`` to ``<endpoint>/<EAM asset id>``.
    Messages of one equipment share an ordering key, so the ``POST`` is done
    before the first ``PUT`` is prepared.
    """

    _name = "hc.handler.asset.equipment"
    _inherit = "hc.handler"
    _description = "Capital equipment out to the EAM/CMMS"
    _hc_directions = ("outbound",)

    def build_payload(self, record, flow):
        equipment = record.sudo()
        entry = (
            self.env["hc.crosswalk"]
            .sudo()
            ._hc_equipment_entry(flow.backend_id, equipment)
        )
        return {
            "odoo_id": equipment.id,
            "revision": equipment.hc_eam_revision,
            "asset_id": entry.external_code or None,
            "status": equipment._hc_eam_status(),
            "name": equipment.name,
            "serial": equipment.serial_no or None,
            "model": equipment.model or None,
            "category": equipment.category_id.name or None,
            "vendor": equipment.partner_id.name or None,
            "vendor_reference": equipment.partner_ref or None,
            "purchase_order": equipment.hc_purchase_id.name or None,
            "cost": equipment.cost,
            "currency": equipment.company_id.currency_id.name,
            "received_on": self._date(equipment.effective_date),
            "in_service_date": self._date(equipment.hc_in_service_date),
            "warranty_end": self._date(equipment.warranty_date),
            "location": equipment.location or None,
            "department": equipment.department_id.name or None,
            "cost_centre": equipment.hc_cost_center_id.code
            or equipment.hc_cost_center_id.name
            or None,
            "company": equipment.company_id.name,
        }

    @staticmethod
    def _date(value):
        return fields.Date.to_string(value) if value else None

    def prepare_request(self, message):
        equipment = message._linked_record()
        if not equipment:
            return {}
        entry = (
            self.env["hc.crosswalk"]
            .sudo()
            ._hc_equipment_entry(message.backend_id, equipment)
        )
        if not entry:
            return {}
        base = (message.flow_id.endpoint or "").rstrip("/")
        return {"method": "PUT", "path": f"{base}/{entry.external_code}"}

    def on_delivered(self, message, reply):
        equipment = message._linked_record()
        if not equipment:
            return
        document = reply.document if isinstance(reply.document, dict) else {}
        eam_id = str(document.get("asset_id") or document.get("id") or "").strip()
        crosswalks = self.env["hc.crosswalk"].sudo()  # integration bookkeeping
        if eam_id and not crosswalks._hc_equipment_entry(message.backend_id, equipment):
            taken = crosswalks.search(
                [
                    ("backend_id", "=", message.backend_id.id),
                    ("domain", "=", "equipment"),
                    ("external_code", "=", eam_id),
                ],
                limit=1,
            )
            if taken:
                raise UserError(
                    _(
                        "The EAM gave %(equipment)s the asset id %(id)s, which is "
                        "already %(other)s's: the equipment is left unmapped.",
                        equipment=equipment.display_name,
                        id=eam_id,
                        other=taken.record_ref.display_name
                        if taken.record_ref
                        else taken.external_label,
                    )
                )
            crosswalks.create(
                {
                    "backend_id": message.backend_id.id,
                    "domain": "equipment",
                    "external_code": eam_id,
                    "external_label": equipment.display_name,
                    "record_ref": f"maintenance.equipment,{equipment.id}",
                }
            )
        sent = json.loads(message._body() or b"{}")
        equipment._hc_acknowledge_revision(int(sent.get("revision") or 0))
