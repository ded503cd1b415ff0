# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import _, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import fhir_map as fm


class HcHandlerEhrSupplyRequest(models.AbstractModel):
    """SupplyRequest in: clinical supply demand becomes a reserved transfer.

    Each SupplyRequest (alone or in a Bundle) is matched to the EHR supply
    request already received with its id, or creates one. The item, unit and
    locations go through the backend's crosswalks; the request then reserves
    an internal transfer from the supplying store to the ward and replenishes
    what cannot be reserved through Odoo's procurement rules. A version
    already applied changes nothing; cancelled and entered-in-error cancel
    the open transfer.
    """

    _name = "hc.handler.ehr.supply.request"
    _inherit = "hc.handler.ehr.fhir"
    _description = "EHR handler: SupplyRequest in (FHIR R4)"
    _hc_fhir_types = ("SupplyRequest",)

    def _process_resource(self, message, resource):
        backend = message.backend_id
        requests = self.env["hc.ehr.supply.request"]
        fhir_id = fm.logical_id(resource)
        if not fhir_id:
            raise HcBusinessError(
                _("A SupplyRequest needs an id or an identifier to be tracked."),
                kind="fhir_invalid",
            )
        existing = requests.search(
            [("backend_id", "=", backend.id), ("fhir_id", "=", fhir_id)], limit=1
        )
        version = fm.version_key(resource)
        if existing and existing.version_key == version:
            existing._note(_("Version %s received again: nothing to do.", version))
            return existing
        if existing and fm.is_older(version, existing.version_key):
            existing._note(
                _(
                    "Version %(old)s arrived after %(new)s and was ignored.",
                    old=version,
                    new=existing.version_key,
                )
            )
            return existing
        status = resource.get("status")
        if status in fm.CLOSED_STATUSES:
            if existing:
                existing._cancel_from_ehr(version, status)
                return existing
            values = self._closed_values(backend, resource, fhir_id, version)
            return requests.create(values)
        values = self._request_values(backend, resource, fhir_id, version)
        if existing:
            existing._update_from_ehr(values)
            return existing
        request = requests.create(values)
        request._start_supply()
        return request

    def _closed_values(self, backend, resource, fhir_id, version):
        return {
            "backend_id": backend.id,
            "fhir_id": fhir_id,
            "version_key": version,
            "fhir_status": resource["status"],
            "priority": resource.get("priority") or "routine",
        }

    def _request_values(self, backend, resource, fhir_id, version):
        codes = fm.item_codes(resource, "item")
        product = self._resolve_product(backend, codes)
        amount, unit = fm.quantity(resource.get("quantity"))
        uom = self._resolve_uom(backend, unit, product)
        contained = fm.contained_by_id(resource)
        if not resource.get("deliverTo"):
            raise HcBusinessError(
                _("SupplyRequest %s has no deliverTo: where should it go?", fhir_id),
                kind="fhir_invalid",
            )
        ward = self._resolve_location(
            backend, resource["deliverTo"], contained, _("Unknown ward (deliverTo)")
        )
        store = False
        if resource.get("deliverFrom"):
            store = self._resolve_location(
                backend,
                resource["deliverFrom"],
                contained,
                _("Unknown store (deliverFrom)"),
            )
        needed = fm.occurrence(resource)
        item_system, item_code = codes[0] if codes else ("", "")
        identifiers = resource.get("identifier") or []
        return {
            "backend_id": backend.id,
            "fhir_id": fhir_id,
            "identifier": identifiers[0].get("value") if identifiers else False,
            "version_key": version,
            "fhir_status": resource.get("status") or "active",
            "priority": resource.get("priority") or "routine",
            "product_id": product.id,
            "product_qty": amount,
            "product_uom_id": uom.id,
            "item_system": item_system,
            "item_code": item_code,
            "unit_code": unit or False,
            "location_id": ward.id,
            "location_src_id": store.id if store else False,
            "deliver_to": json.dumps(resource["deliverTo"], sort_keys=True),
            "date_needed": fm.naive_utc(needed) or False,
        }
