# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib.suppliers import normalize_vat


class HcProcurementResolver(models.AbstractModel):
    """Lookups the procurement handlers share: who, which order, which line.

    A document received on a backend may only touch the orders of the
    suppliers trading through that backend: a supplier never acknowledges,
    ships or invoices another supplier's order. Lines are found by the line
    number sent with the order and the item, never by database ids.
    """

    _name = "hc.procurement.resolver"
    _description = "Procurement lookups"

    @api.model
    def _suppliers(self, backend):
        return (
            self.env["res.partner"]
            .sudo()
            .search([("hc_procurement_backend_id", "=", backend.id)])
        )

    @api.model
    def _supplier(self, backend, info=None):
        """The supplier a document of ``backend`` comes from.

        One supplier on the backend: that one. Several (a procurement
        platform): the one the document names by VAT, GLN or supplier code.
        """
        suppliers = self._suppliers(backend)
        info = info or {}
        if len(suppliers) > 1:
            vat = normalize_vat(info.get("vat"))
            suppliers = suppliers.filtered(
                lambda p: (vat and normalize_vat(p.vat) == vat)
                or (info.get("gln") and p.global_location_number == info["gln"])
                or (info.get("code") and p.hc_supplier_code == info["code"])
            )
        if len(suppliers) != 1:
            raise HcBusinessError(
                _(
                    "Backend %(backend)s: cannot tell which supplier sent this "
                    "document (%(count)s candidates). Link the supplier to the "
                    "backend (Procurement backend on the vendor).",
                    backend=backend.code,
                    count=len(suppliers),
                ),
                kind="unknown_supplier",
            )
        return suppliers

    @api.model
    def _check_peppol_parties(self, order, parties):
        """A Peppol document names its seller and buyer by Peppol address: they
        must be the order's supplier and company (one access point may carry
        the documents of many suppliers). ``parties`` is
        ``{"seller": (eas, endpoint) | None, "buyer": ...}``, e.g. from
        ``ubl_documents.read_order_response``."""
        expected = {
            "seller": order.partner_id.commercial_partner_id,
            "buyer": order.company_id.partner_id,
        }
        for role, partner in expected.items():
            named = (parties or {}).get(role)
            ours = (partner.peppol_eas, partner.peppol_endpoint)
            if named and partner.peppol_endpoint and tuple(named) != ours:
                raise HcBusinessError(
                    _(
                        "The document's %(role)s %(named)s is not the %(role)s "
                        "of order %(po)s (%(partner)s, %(ours)s).",
                        role=role,
                        named=":".join(named),
                        po=order.name,
                        partner=partner.display_name,
                        ours=":".join(ours),
                    ),
                    kind="unknown_order",
                    records=order,
                )

    def _purchase_order(self, backend, po_number):
        """The confirmed order ``po_number`` of a supplier of ``backend``."""
        orders = (
            self.env["purchase.order"]
            .sudo()
            .search(
                [
                    ("name", "=", po_number),
                    ("company_id", "=", backend.company_id.id),
                ]
            )
            .filtered(
                lambda o: o.partner_id.commercial_partner_id._hc_procurement_backend()
                == backend
            )
        )
        if not orders:
            raise HcBusinessError(
                _(
                    "Order %(po)s is not an order of a supplier of backend "
                    "%(backend)s.",
                    po=po_number,
                    backend=backend.code,
                ),
                kind="unknown_order",
            )
        order = orders[:1]
        if order.state == "cancel":
            raise HcBusinessError(
                _("Order %s is cancelled.", order.name),
                kind="cancelled_order",
                records=order,
            )
        if order.state not in ("purchase", "done"):
            raise HcBusinessError(
                _("Order %s is not confirmed.", order.name),
                kind="unconfirmed_order",
                records=order,
            )
        return order

    @api.model
    def _order_line(self, order, line_number, item_code=None, gtin=None):
        """The line numbered ``line_number`` of ``order``, naming the same item."""
        try:
            number = int(str(line_number).strip())
        except (TypeError, ValueError):
            number = None
        lines = order.order_line.filtered(
            lambda line: number and line.hc_line_number == number
        )
        if not lines:
            raise HcBusinessError(
                _(
                    "Order %(po)s has no line %(line)s.",
                    po=order.name,
                    line=line_number,
                ),
                kind="unknown_line",
                records=order,
            )
        line = lines[:1]
        if not line._hc_item_matches(item_code, gtin):
            raise HcBusinessError(
                _(
                    "Line %(line)s of order %(po)s is %(product)s, not item "
                    "%(item)s.",
                    line=line_number,
                    po=order.name,
                    product=line.product_id.display_name,
                    item=item_code or gtin,
                ),
                kind="line_mismatch",
                records=order,
            )
        return line

    @api.model
    def _product(self, supplier, backend, item_code=None, gtin=None):
        """The product a supplier's item code or GTIN stands for (or empty)."""
        products = self.env["product.product"].sudo()
        if item_code:
            info = (
                self.env["product.supplierinfo"]
                .sudo()
                .search(
                    [
                        ("partner_id", "=", supplier.commercial_partner_id.id),
                        ("product_code", "=", item_code),
                    ],
                    limit=1,
                )
            )
            if info:
                return info.product_id or info.product_tmpl_id.product_variant_id
            mapped = self.env["hc.crosswalk"]._record_of(backend, "product", item_code)
            if mapped and mapped._name == "product.product":
                return mapped
        if gtin:
            found = products.search([("barcode", "in", _gtin_forms(gtin))], limit=1)
            if found:
                return found
        return products

    @api.model
    def _uom(self, backend, code, default):
        """The Odoo unit of a partner's unit code (crosswalk), else ``default``."""
        if not code:
            return default
        mapped = self.env["hc.crosswalk"]._record_of(backend, "uom", code)
        return mapped if mapped and mapped._name == "uom.uom" else default

    @api.model
    def _note(self, record, body, **kwargs):
        """Post ``body`` on ``record`` as a note signed by OdooBot.

        Inbound processing runs as the Integration Processor, which has no
        mailbox: what it writes in a chatter is a note of the system's.
        """
        return record.sudo().message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            **kwargs,
        )

    @api.model
    def _supplier_by_keys(self, keys):
        """Partners (companies) with the VAT, GLN or supplier code given."""
        partners = self.env["res.partner"].sudo()
        found = partners.browse()
        if keys.get("code"):
            found |= partners.search([("hc_supplier_code", "=", keys["code"])])
        if keys.get("gln"):
            found |= partners.search([("global_location_number", "=", keys["gln"])])
        vat = normalize_vat(keys.get("vat"))
        if vat:
            found |= partners.search(
                [("vat", "!=", False), ("parent_id", "=", False)]
            ).filtered(lambda p: normalize_vat(p.vat) == vat)
        return found.commercial_partner_id


def _gtin_forms(gtin):
    """A GTIN as written with and without its leading zeros (GTIN-8..14)."""
    bare = gtin.lstrip("0")
    return list({gtin, bare, *(bare.zfill(n) for n in (8, 12, 13, 14))})
