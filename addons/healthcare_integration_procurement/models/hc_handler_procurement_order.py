# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from decimal import Decimal

from lxml import etree

from odoo import fields, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_core.lib import schema, x12

from ..lib import documents as docs
from ..lib import peppol_ordering, x12_documents, x12_maps


def _gtin_pair(barcode):
    """(UP|EN|UK, GTIN) of a barcode by its length, or None when it is no GTIN
    (the vendor and buyer part numbers then name the item)."""
    try:
        return x12_maps.gtin_id(barcode or "")
    except x12.X12Error:
        return None


# characters X12 cannot carry in a value (delimiters, line breaks)
_X12_UNSAFE = re.compile(r"[*~:^>|\r\n]+")


def _x12_text(value, size=80):
    return _X12_UNSAFE.sub(" ", value or "").strip()[:size] or None


class HcHandlerProcurementOrder(models.AbstractModel):
    """Purchase orders out, in the format of the supplier's binding.

    One flow type per format: ``procurement.po_out`` (JSON),
    ``procurement.po_out_x12`` (X12 850, 004010 or 005010 as set on the
    backend) and ``procurement.po_out_ubl`` (Peppol BIS Advanced Ordering:
    the order built by Odoo's ``purchase_edi_ubl_bis3``, then order changes
    and the cancellation). An order goes out through the bindings on its
    supplier's backend only. Each revision is one message (key
    ``<order>/rev<n>``); a cancellation is ``<order>/rev<n>/cancel``.
    """

    _name = "hc.handler.procurement.order"
    _inherit = "hc.handler"
    _description = "Procurement handler: purchase order out"
    _hc_directions = ("outbound",)

    def select_flows(self, record, flows):
        backend = record.partner_id.commercial_partner_id._hc_procurement_backend()
        return flows.filtered(lambda flow: flow.backend_id == backend)

    def build_payload(self, record, flow):
        cancelled = record.state == "cancel"
        builders = {
            "json": self._build_json,
            "x12": self._build_850,
            "xml": self._build_ubl,
        }
        return builders[flow.payload_format](record, flow, cancelled)

    def on_delivered(self, message, reply):
        order = message._linked_record()
        if order:
            order._hc_mark_sent(cancelled=order.state == "cancel")

    def file_name_values(self, message):
        """Placeholders of the file name on file transports (see README)."""
        order = message._linked_record()
        values = {"order": re.sub(r"[^\w.-]", "_", order.name if order else "order")}
        values["revision"] = order.hc_revision if order else 0
        if message.flow_id._job_settings().payload_format == "x12":
            values["control"] = x12_documents.interchange_control(message._body())
        return values

    # ------------------------------------------------------------------ lines

    def _lines(self, order):
        return order.order_line.filtered(
            lambda line: not line.display_type and line.hc_line_number
        ).sorted("hc_line_number")

    def _uom_code(self, flow, uom, default):
        entries = self.env["hc.crosswalk"].search(
            [
                ("backend_id", "=", flow.backend_id.id),
                ("domain", "=", "uom"),
                ("record_ref", "=", f"uom.uom,{uom.id}"),
            ],
            limit=1,
        )
        return entries.external_code or default

    # ------------------------------------------------------------------ JSON

    def _party(self, partner):
        return {
            "name": partner.name,
            "vat": partner.vat or None,
            "gln": partner.global_location_number or None,
            "street": partner.street or None,
            "city": partner.city or None,
            "zip": partner.zip or None,
            "country": partner.country_id.code or None,
        }

    def _build_json(self, order, flow, cancelled):
        supplier = order.partner_id.commercial_partner_id
        ship_to = (
            order.picking_type_id.warehouse_id.partner_id or order.company_id.partner_id
        )
        unece = self.env["account.edi.common"]
        return {
            "action": "cancel" if cancelled else "order",
            "po_number": order.name,
            "revision": order.hc_revision,
            "date": fields.Date.to_string(order.date_approve or order.date_order),
            "currency": order.currency_id.name,
            "buyer": self._party(order.company_id.partner_id),
            "ship_to": self._party(ship_to),
            "supplier": {
                "code": supplier.hc_supplier_code or None,
                "vat": supplier.vat or None,
                "gln": supplier.global_location_number or None,
            },
            "payment_term": order.payment_term_id.name or None,
            "lines": [
                {
                    "line_number": line.hc_line_number,
                    "item": line._hc_vendor_code() or None,
                    "gtin": line.product_id.barcode or None,
                    "buyer_item": line.product_id.default_code or None,
                    "description": line.name,
                    "quantity": line.product_qty,
                    "uom": self._uom_code(
                        flow,
                        line.product_uom,
                        unece._get_uom_unece_code(line.product_uom),
                    ),
                    "unit_price": line.price_unit,
                    "date_planned": fields.Date.to_string(line.date_planned),
                }
                for line in self._lines(order)
            ],
            "totals": {
                "untaxed": order.amount_untaxed,
                "tax": order.amount_tax,
                "total": order.amount_total,
            },
        }

    # ------------------------------------------------------------------ X12 850

    def _x12_party(self, qualifier, partner, code=None):
        party = {"qualifier": qualifier, "name": _x12_text(partner.name, 60)}
        if partner.global_location_number:
            party.update(id_qualifier="UL", id=partner.global_location_number)
        elif code:
            party.update(id_qualifier="92", id=_x12_text(code, 80))
        return party

    def _build_850(self, order, flow, cancelled):
        backend = flow.backend_id
        supplier = order.partner_id.commercial_partner_id
        ship_to = order.picking_type_id.warehouse_id.partner_id
        purpose = x12_documents.PURPOSE_ORIGINAL
        if cancelled:
            purpose = x12_documents.PURPOSE_CANCEL
        elif order.hc_revision > 1:
            purpose = x12_documents.PURPOSE_REPLACE
        lines = []
        for line in self._lines(order):
            ids = {}
            if line._hc_vendor_code():
                ids["VP"] = _x12_text(line._hc_vendor_code(), 48)
            if line.product_id.default_code:
                ids["IN"] = _x12_text(line.product_id.default_code, 48)
            gtin = _gtin_pair(line.product_id.barcode)
            if gtin:
                ids[gtin[0]] = gtin[1]
            lines.append(
                {
                    "line_number": str(line.hc_line_number),
                    "quantity": Decimal(str(line.product_qty)),
                    "uom": self._uom_code(flow, line.product_uom, "EA"),
                    "unit_price": Decimal(str(line.price_unit)),
                    "basis": "PE",
                    "ids": ids,
                    "description": _x12_text(line.name),
                    "dates": {"002": line.date_planned.date()},
                }
            )
        record = {
            "purpose": purpose,
            "type": "SA",
            "po_number": order.name,
            "date": (order.date_approve or order.date_order).date(),
            "currency": order.currency_id.name,
            "refs": {"IA": _x12_text(supplier.hc_supplier_code or supplier.ref, 30)}
            if (supplier.hc_supplier_code or supplier.ref)
            else {},
            "parties": [
                self._x12_party("BY", order.company_id.partner_id),
                *([self._x12_party("ST", ship_to)] if ship_to else []),
                self._x12_party("SE", supplier, supplier.hc_supplier_code),
            ],
            "lines": lines,
        }
        try:
            return x12_documents.build_850(
                record,
                backend._x12_envelope(),
                backend._x12_control_numbers(),
                backend.x12_version or "004010",
            )
        except docs.DocumentError as exc:
            raise HcBusinessError(str(exc), kind="x12_build", records=order) from None

    # ------------------------------------------------------------------ UBL

    def _build_ubl(self, order, flow, cancelled):
        """Peppol BIS Advanced Ordering: the first revision is an Order (built
        by Odoo), a later one an Order Change against the last order document
        the supplier received, a cancellation an Order Cancellation."""
        builder = self.env["purchase.edi.xml.ubl_bis3"].with_context(hc_peppol=True)
        builder._hc_check_peppol(order)
        order_xml = builder._export_order(order)
        if cancelled:
            return peppol_ordering.order_cancellation(
                order_xml,
                fields.Date.context_today(order),
                f"Order {order.name} cancelled by the buyer",
            )
        previous = self._ubl_order_received(order, flow)
        if previous is None:
            return order_xml
        return peppol_ordering.order_change(
            order_xml,
            previous,
            sequence=max(order.hc_revision - 1, 1),
            document_id=f"{order.name}-rev{order.hc_revision}",
        )

    def _ubl_order_received(self, order, flow):
        """The last Order or Order Change of ``order`` delivered on ``flow``
        (parsed), or None when the supplier has none (or it was cancelled)."""
        if not flow:
            return None
        message = (
            self.env["hc.message"]
            .sudo()
            .search(
                [
                    ("res_model", "=", order._name),
                    ("res_id", "=", order.id),
                    ("flow_id", "=", flow.id),
                    ("state", "=", "done"),
                ],
                order="id desc",
                limit=1,
            )
        )
        if not message:
            return None
        root = schema.parse_xml(message._body()).getroot()
        if etree.QName(root).localname not in ("Order", "OrderChange"):
            return None
        return root
