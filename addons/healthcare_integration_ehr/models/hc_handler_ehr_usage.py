# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import fhir_map as fm
from ..lib import fhir_screen

REVERSED_CHARGE_STATUSES = ("aborted", "entered-in-error")
CONSUMED_CHARGE_STATUSES = ("billable", "billed", "not-billable")
REVERSED_DELIVERY_STATUSES = ("abandoned", "entered-in-error")


class HcHandlerEhrUsage(models.AbstractModel):
    """Utilization in: ChargeItem (supplies) or SupplyDelivery to a patient.

    Each event consumes the item from the ward and costs it to a service
    line:

    - ``ChargeItem``: ``productCodeableConcept``/``productReference`` through
      the item crosswalk, ``quantity``, ``occurrence[x]`` (or
      ``enteredDate``), the ward from ``performingOrganization`` (or
      ``requestingOrganization``) and the service line from ``costCenter``
      through the location and cost-centre crosswalks (the ward's default
      service line without ``costCenter``); ``aborted`` and
      ``entered-in-error`` reverse it, ``planned`` waits.
    - ``SupplyDelivery`` (the EHR's record of an item supplied to a patient,
      e.g. an implant): ``suppliedItem``, ``destination`` (the ward),
      ``occurrence[x]``; service line of the ward.

    The patient reference arrives tokenized; only the token is kept.
    """

    _name = "hc.handler.ehr.usage"
    _inherit = "hc.handler.ehr.fhir"
    _description = "EHR handler: utilization in (ChargeItem, SupplyDelivery)"
    _hc_fhir_types = ("ChargeItem", "SupplyDelivery")

    def _process_resource(self, message, resource):
        backend = message.backend_id
        rtype = resource["resourceType"]
        source_id = fm.logical_id(resource)
        if not source_id:
            raise HcBusinessError(
                _("A %s needs an id or an identifier to be tracked.", rtype),
                kind="fhir_invalid",
            )
        values = {
            "backend_id": backend.id,
            "source_key": f"{rtype}/{source_id}",
            "version_key": fm.version_key(resource),
        }
        status = resource.get("status")
        if status in REVERSED_CHARGE_STATUSES + REVERSED_DELIVERY_STATUSES:
            return self.env["hc.ehr.usage"]._apply({**values, "reverse": True})
        if rtype == "ChargeItem" and status not in CONSUMED_CHARGE_STATUSES:
            return self.env["hc.ehr.usage"]
        if rtype == "SupplyDelivery" and status != "completed":
            return self.env["hc.ehr.usage"]
        reader = self._charge_values if rtype == "ChargeItem" else self._delivery_values
        values.update(reader(backend, resource))
        return self.env["hc.ehr.usage"]._apply(values)

    @staticmethod
    def _token(reference):
        identifier = (reference or {}).get("identifier") or {}
        if identifier.get("system") == fhir_screen.TOKEN_SYSTEM:
            return identifier.get("value")
        return False

    def _item(self, backend, resource, element, quantity):
        product = self._resolve_product(backend, fm.item_codes(resource, element))
        amount, unit = fm.quantity(quantity)
        uom = self._resolve_uom(backend, unit, product)
        amount = 1.0 if amount is None else float(amount)
        return product, uom._compute_quantity(amount, product.uom_id)

    def _charge_values(self, backend, resource):
        contained = fm.contained_by_id(resource)
        product, quantity = self._item(
            backend, resource, "product", resource.get("quantity")
        )
        performer = resource.get("performingOrganization") or resource.get(
            "requestingOrganization"
        )
        if not performer:
            raise HcBusinessError(
                _(
                    "ChargeItem %s names no performing or requesting organization: "
                    "which ward used the item?",
                    resource.get("id"),
                ),
                kind="fhir_invalid",
            )
        ward = self._resolve_location(backend, performer, contained, _("Unknown ward"))
        if resource.get("costCenter"):
            account = self._resolve_service_line(
                backend, resource["costCenter"], contained
            )
        else:
            account = self._ward_service_line(ward)
        when = fm.occurrence(resource) or resource.get("enteredDate")
        return {
            "product_id": product.id,
            "quantity": quantity,
            "location_id": ward.id,
            "analytic_account_id": account.id,
            "date": fm.naive_utc(when) or False,
            "patient_token": self._token(resource.get("subject")),
        }

    def _delivery_values(self, backend, resource):
        supplied = resource.get("suppliedItem") or {}
        product, quantity = self._item(
            backend, supplied, "item", supplied.get("quantity")
        )
        if not resource.get("destination"):
            raise HcBusinessError(
                _("SupplyDelivery %s has no destination ward.", resource.get("id")),
                kind="fhir_invalid",
            )
        ward = self._resolve_location(
            backend,
            resource["destination"],
            fm.contained_by_id(resource),
            _("Unknown ward (destination)"),
        )
        return {
            "product_id": product.id,
            "quantity": quantity,
            "location_id": ward.id,
            "analytic_account_id": self._ward_service_line(ward).id,
            "date": fm.naive_utc(fm.occurrence(resource)) or False,
            "patient_token": self._token(resource.get("patient")),
        }

    def _ward_service_line(self, ward):
        if not ward.hc_ehr_analytic_account_id:
            raise HcBusinessError(
                _(
                    "No service line for %s: give the event a costCenter, or the "
                    "ward a default service line, then replay the message.",
                    ward.display_name,
                ),
                kind="no_service_line",
                records=ward,
            )
        return ward.hc_ehr_analytic_account_id
