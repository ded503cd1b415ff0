# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json

from odoo import Command, _, fields, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_procurement.lib import documents as docs


class HcHandlerRequisitionPo(models.AbstractModel):
    """Orders placed on the platform for approved requisitions::

        {"po_number": "EP-PO-7781", "requisition_id": "REQ-2026-0042",
         "supplier": {"vat": "...", "gln": "...", "code": "..."},
         "lines": [{"line": 1, "quantity": 20, "unit_price": 8.50}]}

    Each becomes a request for quotation linked to the requisition's lines
    (``line`` is the requisition line's number), charged to its cost centre,
    for a buyer to confirm in Odoo (where the supplier's compliance and the
    order's approval are checked). Its status goes back with the
    requisition's. Odoo owns the approval: the requisition must be approved.
    """

    _name = "hc.handler.requisition.po"
    _inherit = "hc.handler"
    _description = "Requisition handler: platform orders in"
    _hc_directions = ("inbound",)

    def process(self, message, document):
        if not isinstance(document, dict) or not docs.text(document.get("po_number")):
            raise HcBusinessError(
                _("A platform order must be an object with a po_number."),
                kind="invalid_order",
            )
        backend = message.backend_id
        ref = docs.text(document["po_number"])
        digest = hashlib.sha256(
            json.dumps(document, sort_keys=True, default=str).encode()
        ).hexdigest()
        # the processor reads and writes orders as procurement's handlers do
        orders = self.env["purchase.order"].sudo()
        existing = orders.search(
            [
                ("hc_platform_backend_id", "=", backend.id),
                ("hc_platform_po_ref", "=", ref),
            ]
        )
        if existing:
            if existing.hc_platform_digest != digest:
                raise HcBusinessError(
                    _(
                        "Platform order %(ref)s changed after it was imported as "
                        "%(order)s: change it in Odoo, or cancel it and place a "
                        "new one.",
                        ref=ref,
                        order=existing.name,
                    ),
                    kind="order_changed",
                    records=existing,
                )
            return existing
        request = self._approved_request(backend, ref, document)
        supplier = self._supplier(backend, ref, document)
        order = orders.create(
            {
                "partner_id": supplier.id,
                "company_id": request.company_id.id,
                "origin": f"{request.name} ({request.hc_platform_ref})",
                "hc_platform_backend_id": backend.id,
                "hc_platform_po_ref": ref,
                "hc_platform_digest": digest,
                "order_line": self._lines(request, ref, document),
            }
        )
        request.sudo().button_in_progress()
        return order

    def _approved_request(self, backend, ref, document):
        requisition = docs.text(document.get("requisition_id"))
        request = self.env["purchase.request"].search(
            [("hc_backend_id", "=", backend.id), ("hc_platform_ref", "=", requisition)]
        )
        if not request:
            raise HcBusinessError(
                _(
                    "Platform order %(ref)s is for requisition %(req)s, which is "
                    "not in Odoo (yet): replay once it is.",
                    ref=ref,
                    req=requisition or "-",
                ),
                kind="unknown_requisition",
            )
        if request.state not in ("approved", "in_progress"):
            raise HcBusinessError(
                _(
                    "Platform order %(ref)s: requisition %(req)s is not approved "
                    "in Odoo (%(state)s).",
                    ref=ref,
                    req=requisition,
                    state=dict(request._fields["state"].selection)[request.state],
                ),
                kind="requisition_not_approved",
                records=request,
            )
        return request

    def _supplier(self, backend, ref, document):
        keys = (
            document.get("supplier")
            if isinstance(document.get("supplier"), dict)
            else {}
        )
        keys = {key: docs.text(keys.get(key)) for key in ("vat", "gln", "code")}
        found = self.env["hc.procurement.resolver"]._supplier_by_keys(keys)
        if not found and keys["code"]:
            mapped = self.env["hc.crosswalk"]._record_of(
                backend, "supplier", keys["code"]
            )
            if mapped and mapped._name == "res.partner":
                found = mapped.commercial_partner_id
        if len(found) != 1:
            raise HcBusinessError(
                _(
                    "Platform order %(ref)s: %(count)s suppliers match %(keys)s. "
                    "Map the supplier code (Supplier crosswalk), then replay.",
                    ref=ref,
                    count=len(found),
                    keys=", ".join(f"{k} {v}" for k, v in keys.items() if v) or "-",
                ),
                kind="mapping",
            )
        return found

    def _lines(self, request, ref, document):
        by_number = {line.hc_line_number: line for line in request.line_ids}
        lines = []
        for item in document.get("lines") or []:
            try:
                number = int(str(item.get("line")).strip())
                quantity = docs.decimal(item.get("quantity"), f"{ref}: quantity")
                price = docs.decimal(item.get("unit_price"), f"{ref}: unit_price")
            except (AttributeError, ValueError) as exc:
                raise HcBusinessError(
                    _("Platform order %(ref)s: %(error)s", ref=ref, error=exc),
                    kind="invalid_order",
                ) from None
            request_line = by_number.get(number)
            if not request_line:
                raise HcBusinessError(
                    _(
                        "Platform order %(ref)s: requisition %(req)s has no line "
                        "%(line)s.",
                        ref=ref,
                        req=request.hc_platform_ref,
                        line=number,
                    ),
                    kind="unknown_line",
                    records=request,
                )
            product = request_line.product_id
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": request_line.name or product.display_name,
                        "product_qty": float(quantity),
                        "product_uom": request_line.product_uom_id.id,
                        "price_unit": float(price),
                        "date_planned": request_line.date_required
                        or fields.Datetime.now(),
                        "analytic_distribution": request_line.analytic_distribution,
                        "purchase_request_lines": [Command.link(request_line.id)],
                    }
                )
            )
        if not lines:
            raise HcBusinessError(
                _("Platform order %s has no lines.", ref), kind="invalid_order"
            )
        return lines
