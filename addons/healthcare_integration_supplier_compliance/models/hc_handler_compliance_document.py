# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models
from odoo.exceptions import ValidationError

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_procurement.lib import documents as docs

FIELDS = ("number", "issued_by", "issued_on", "valid_from", "valid_until")


class HcHandlerComplianceDocument(models.AbstractModel):
    """Compliance documents in from the compliance system.

    One document or a list, applied whole or not at all::

        {"id": "CMP-88412", "supplier": {"vat": "...", "gln": "...", "code": "..."},
         "type": "ISO13485", "number": "MD 612345", "issued_by": "BSI",
         "issued_on": "2026-01-10", "valid_from": "2026-01-10",
         "valid_until": "2029-01-09"}

    Found again by the system's ``id``; a copy with the same values changes
    nothing. The supplier is found by VAT, GLN or supplier code, then the
    backend's *Supplier* crosswalk; the type by its code. An unknown supplier
    or type, or dates that are inconsistent or overlap another document of the
    type, fail the message with the reason (replay once fixed).
    """

    _name = "hc.handler.compliance.document"
    _inherit = "hc.handler"
    _description = "Compliance handler: documents in"
    _hc_directions = ("inbound",)

    def process(self, message, document):
        items = document if isinstance(document, list) else [document]
        found = self.env["hc.compliance.document"]
        for item in items:
            found |= self._apply(message.flow_id, item)
        return found

    def _apply(self, flow, item):
        if not isinstance(item, dict) or not docs.text(item.get("id")):
            raise HcBusinessError(
                _("A compliance document must be an object with an id."),
                kind="invalid_document",
            )
        ref = docs.text(item["id"])
        try:
            values = {
                "number": docs.text(item.get("number")),
                "issued_by": docs.text(item.get("issued_by")) or False,
                "issued_on": docs.date(item.get("issued_on"), "issued_on") or False,
                "valid_from": docs.date(item.get("valid_from"), "valid_from") or False,
                "valid_until": docs.date(item.get("valid_until"), "valid_until")
                or False,
            }
        except docs.DocumentError as exc:
            raise HcBusinessError(
                _("Compliance document %(ref)s: %(error)s", ref=ref, error=exc),
                kind="invalid_document",
            ) from None
        if not values["number"]:
            raise HcBusinessError(
                _("Compliance document %s has no number.", ref), kind="invalid_document"
            )
        backend = flow.backend_id
        values["partner_id"] = self._supplier(backend, item, ref).id
        values["type_id"] = self._type(flow.company_id, item, ref).id
        documents = self.env["hc.compliance.document"]
        existing = documents.search(
            [("backend_id", "=", backend.id), ("external_id", "=", ref)]
        )
        if existing and existing._hc_same_as(values):
            return existing
        try:
            with self.env.cr.savepoint():
                if existing:
                    existing.write(values)
                    return existing
                return documents.create(
                    {
                        **values,
                        "backend_id": backend.id,
                        "external_id": ref,
                        "issuing_system": backend.name,
                    }
                )
        except ValidationError as exc:
            raise HcBusinessError(
                _(
                    "Compliance document %(ref)s refused: %(reason)s",
                    ref=ref,
                    reason=exc.args[0],
                ),
                kind="inconsistent_dates",
            ) from None

    def _supplier(self, backend, item, ref):
        keys = item.get("supplier") if isinstance(item.get("supplier"), dict) else {}
        keys = {k: docs.text(keys.get(k)) for k in ("vat", "gln", "code")}
        resolver = self.env["hc.procurement.resolver"]
        found = resolver._supplier_by_keys(keys)
        if not found and keys["code"]:
            mapped = self.env["hc.crosswalk"]._record_of(
                backend, "supplier", keys["code"]
            )
            if mapped and mapped._name == "res.partner":
                found = mapped.commercial_partner_id
        if len(found) != 1:
            raise HcBusinessError(
                _(
                    "Compliance document %(ref)s: %(count)s suppliers match "
                    "%(keys)s. Set the supplier's VAT, GLN or supplier code, or "
                    "map the code (Supplier crosswalk), then replay.",
                    ref=ref,
                    count=len(found),
                    keys=", ".join(f"{k} {v}" for k, v in keys.items() if v) or "-",
                ),
                kind="unknown_supplier",
                records=found or None,
            )
        return found

    def _type(self, company, item, ref):
        code = docs.text(item.get("type"))
        found = self.env["hc.compliance.document.type"].search(
            [("code", "=", code), ("company_id", "in", [company.id, False])],
            order="company_id",
            limit=1,
        )
        if not code or not found:
            raise HcBusinessError(
                _(
                    "Compliance document %(ref)s: no document type with code "
                    "%(code)s. Add it (Purchase > Configuration > Compliance "
                    "document types), then replay.",
                    ref=ref,
                    code=code or "-",
                ),
                kind="unknown_document_type",
            )
        return found
