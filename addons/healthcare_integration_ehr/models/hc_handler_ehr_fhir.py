# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import os

from odoo import _, models
from odoo.tools import config

from odoo.addons.healthcare_integration_core.exceptions import (
    HcBusinessError,
    HcMappingError,
)
from odoo.addons.healthcare_integration_core.lib import schema

from ..lib import fhir_http, fhir_screen, fhir_stamp, fhir_validate
from ..lib import fhir_map as fm

# where the key is configured (names, not the key)
TOKEN_KEY_OPTION = "hc_patient_token_key"  # noqa: S105
TOKEN_KEY_ENV = "HC_PATIENT_TOKEN_KEY"  # noqa: S105


def patient_token_key():
    """The key that tokenizes patient identifiers, kept outside the database."""
    value = os.environ.get(TOKEN_KEY_ENV) or config.get(TOKEN_KEY_OPTION)
    return value.encode() if value else None


class HcHandlerEhrFhir(models.AbstractModel):
    """Inbound FHIR R4 from the EHR: screened, validated, then applied per resource.

    ``screen_payload`` tokenizes patient references and drops (or refuses)
    personal data before anything is stored, then validates the screened
    document: what is not an acceptable resource of ``_hc_fhir_types`` (or a
    Bundle of them) is refused with FHIR issues, never stored. ``process``
    applies each resource through ``_process_resource``, which a domain
    handler overrides::

        class HcHandlerEhrThing(models.AbstractModel):
            _name = "hc.handler.ehr.thing"
            _inherit = "hc.handler.ehr.fhir"
            _hc_fhir_types = ("Thing",)

            def _process_resource(self, message, resource):
                return self.env["x.thing"]._apply(message.backend_id, resource)
    """

    _name = "hc.handler.ehr.fhir"
    _inherit = "hc.handler"
    _description = "EHR handler: FHIR R4 inbound"
    _hc_directions = ("inbound",)
    # resource types this handler applies (a Bundle of them is accepted too)
    _hc_fhir_types = ()

    # ------------------------------------------------------------------ screening

    def _screener(self, flow):
        mode = flow.ehr_personal_data or fhir_screen.MODE_DROP
        return fhir_screen.Screener(patient_token_key(), mode)

    def _fhir_examine(self, flow, body):
        """(screened bytes, or None; issues) of a received body.

        A body received by a RESTful interaction of the FHIR endpoint (the
        context's ``hc_fhir_interaction``) is also given its server-assigned
        ids and versions (``lib.fhir_stamp``).
        """
        try:
            document = schema.load_json(body)
        except schema.PayloadValidationError as exc:
            return None, [fhir_validate.Issue(str(exc), code="structure")]
        if not isinstance(document, dict) or not isinstance(
            document.get("resourceType"), str
        ):
            return None, [
                fhir_validate.Issue(
                    "not a FHIR resource: no resourceType", code="structure"
                )
            ]
        interaction = fhir_stamp.Interaction.from_context(
            self.env.context.get("hc_fhir_interaction")
        )
        if interaction:
            try:
                fhir_stamp.check_target(document, interaction)
            except fhir_http.FhirHttpError as exc:
                return None, [self._issue_of(exc)]
        try:
            screened = self._screener(flow).screen(document)
        except fhir_screen.ScreeningRefused as exc:
            return None, [fhir_validate.Issue(str(exc), code="security")]
        except ValueError as exc:  # a misconfigured token key
            return None, [fhir_validate.Issue(str(exc), code="exception")]
        issues = fhir_validate.check(screened.document, self._hc_fhir_types)
        document, issues = self._fhir_keep(screened, issues, interaction)
        if issues:
            return None, issues
        if interaction:
            try:
                document = self._stamp(flow, document, interaction)
            except fhir_http.FhirHttpError as exc:
                return None, [self._issue_of(exc)]
        stored = json.dumps(document, ensure_ascii=False, sort_keys=True)
        return stored.encode(), []

    def screen_payload(self, flow, body):
        # EXTENDS hc.handler: nothing of a patient reaches storage
        stored, issues = self._fhir_examine(flow, body)
        if issues:
            raise HcBusinessError(
                "; ".join(str(issue) for issue in issues), kind="fhir_invalid"
            )
        return stored

    # ------------------------------------------------------------------ processing

    def process(self, message, document):
        if self._fhir_is_batch(message, document):
            return self._fhir_split_batch(message, document)
        records = None
        for _prefix, resource in fhir_validate.resources(document):
            touched = self._process_resource(message, resource)
            records = touched if records is None else records | touched
        return records

    def _process_resource(self, message, resource):
        """Apply one screened, valid resource; the record(s) it touched."""
        raise NotImplementedError

    # ------------------------------------------------------------------ crosswalks

    def _crosswalk_record(self, backend, domain, codes, model):
        """The first record mapped from ``codes`` [(system, code)], or None."""
        values = [code for _system, code in codes]
        if not values:
            return None
        found = self.env["hc.crosswalk"]._resolve_many(backend, domain, values)
        for code in values:
            entry = found.get(code)
            record = entry.record_ref if entry else None
            if record and record._name == model:
                return record
        return None

    def _missing(self, backend, domain, codes, what):
        """An HcMappingError naming the codes of ``what`` that are not mapped."""
        shown = [code for _system, code in codes] or [_("(no code)")]
        return HcMappingError(
            _(
                "%(what)s: %(missing)s",
                what=what,
                missing=self.env["hc.crosswalk"]._missing_text(
                    backend, {(domain, code) for code in shown}
                ),
            ),
            domain,
            shown,
        )

    def _resolve_product(self, backend, codes):
        """The product of item codes: the item crosswalk, then GTIN = barcode."""
        product = self._crosswalk_record(backend, "product", codes, "product.product")
        if product:
            return product
        gtins = [code for system, code in codes if fm.is_gtin(system)]
        if gtins:
            product = self.env["product.product"].search(
                [("barcode", "in", gtins)], limit=1
            )
            if product:
                return product
        raise self._missing(backend, "product", codes, _("Unknown item"))

    def _resolve_uom(self, backend, unit, product):
        """The unit of measure of a (UCUM) unit code; the product's without one."""
        if not unit:
            return product.uom_id
        uom = self._crosswalk_record(backend, "uom", [("", unit)], "uom.uom")
        if not uom:
            raise self._missing(backend, "uom", [("", unit)], _("Unknown unit"))
        if uom.category_id != product.uom_id.category_id:
            raise HcBusinessError(
                _(
                    "Unit %(unit)s cannot measure %(product)s (unit category "
                    "%(category)s).",
                    unit=unit,
                    product=product.display_name,
                    category=product.uom_id.category_id.name,
                ),
                kind="unit_mismatch",
                records=product,
            )
        return uom

    def _resolve_location(self, backend, reference, contained, what):
        codes = fm.reference_codes(reference, contained)
        location = self._crosswalk_record(backend, "location", codes, "stock.location")
        if not location:
            raise self._missing(backend, "location", codes, what)
        return location

    def _resolve_service_line(self, backend, reference, contained):
        codes = fm.reference_codes(reference, contained)
        account = self._crosswalk_record(
            backend, "cost_center", codes, "account.analytic.account"
        )
        if not account:
            raise self._missing(
                backend, "cost_center", codes, _("Unknown service line")
            )
        return account
