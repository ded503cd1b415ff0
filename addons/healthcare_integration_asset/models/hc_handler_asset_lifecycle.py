# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import eam


class HcHandlerAssetLifecycle(models.AbstractModel):
    """Equipment lifecycle events of the EAM/CMMS (``asset.lifecycle_in``).

    ``event`` is one of: ``registered`` (the EAM's asset id, learnt from the
    serial), ``in_service`` (commissioning: starts depreciation),
    ``warranty`` (warranty end), ``contract`` (a service contract, upserted
    by its id) and ``retired`` (scraps the equipment and removes its asset).
    """

    _name = "hc.handler.asset.lifecycle"
    _inherit = "hc.handler.asset.inbound"
    _description = "EAM/CMMS equipment lifecycle events in"

    def process(self, message, document):
        try:
            event = eam.lifecycle_event(document)
            equipment = self._find_equipment(message, document)
            return getattr(self, f"_on_{event}")(message, equipment, document)
        except eam.EamDocumentError as error:
            raise self._invalid(error) from None

    def _on_registered(self, message, equipment, document):
        return equipment

    def _on_in_service(self, message, equipment, document):
        day = eam.parse_date(document.get("in_service_date"), "in_service_date")
        if not day:
            raise eam.EamDocumentError("in_service_date is missing")
        equipment._hc_set_in_service(day)
        return equipment

    def _on_warranty(self, message, equipment, document):
        day = eam.parse_date(document.get("warranty_end"), "warranty_end")
        if not day:
            raise eam.EamDocumentError("warranty_end is missing")
        equipment.warranty_date = day
        return equipment

    def _on_contract(self, message, equipment, document):
        values = eam.contract(document)
        vendor = self.env["res.partner"]
        if values["vendor"]:
            entry = self.env["hc.crosswalk"]._resolve(
                message.backend_id, "supplier", [values["vendor"]]
            )[values["vendor"]]
            if entry.record_ref and entry.record_ref._name == "res.partner":
                vendor = vendor.browse(entry.record_ref.id)
        currency = self.env["res.currency"].search(
            [("name", "=", values["currency"] or equipment.hc_currency_id.name)],
            limit=1,
        )
        if not currency:
            raise eam.EamDocumentError(f"unknown currency {values['currency']!r}")
        contracts = self.env["hc.asset.service.contract"].with_context(
            active_test=False
        )
        contract = contracts.search(
            [
                ("equipment_id", "=", equipment.id),
                ("external_ref", "=", values["reference"]),
            ],
            limit=1,
        )
        vals = {
            "name": values["reference"],
            "external_ref": values["reference"],
            "equipment_id": equipment.id,
            "partner_id": vendor.id,
            "coverage": values["coverage"],
            "date_start": values["start"],
            "date_end": values["end"],
            "yearly_cost": values["yearly_cost"],
            "currency_id": currency.id,
            "active": True,
        }
        if contract:
            contract.write(vals)
        else:
            contract = contracts.create(vals)
        return contract

    def _on_retired(self, message, equipment, document):
        values = eam.retirement(document)
        if equipment.scrap_date:
            return equipment
        open_orders = equipment._hc_open_work_orders()
        if open_orders:
            raise HcBusinessError(
                _(
                    "Equipment %(equipment)s still has open work orders "
                    "(%(orders)s): close or cancel them, then replay to retire it.",
                    equipment=equipment.display_name,
                    orders=", ".join(open_orders.mapped("name")),
                ),
                kind="open_work_orders",
                records=equipment,
            )
        return equipment._hc_retire(
            values["retired_on"],
            values["reason"],
            note=values["note"],
            sale_value=values["sale_value"],
            origin="eam",
        )
