# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcHandlerProcurementReceipt(models.AbstractModel):
    """Receipts out: what a validated supplier receipt received (JSON).

    Per order line: the quantity received, its lots (with expiry dates) and
    serial numbers, what the ship notices announced, and what was refused
    (damaged, wrong item) with the reason typed on the receipt's operations.
    """

    _name = "hc.handler.procurement.receipt"
    _inherit = "hc.handler"
    _description = "Procurement handler: goods receipt out"
    _hc_directions = ("outbound",)

    def select_flows(self, record, flows):
        backend = record.purchase_id.partner_id.commercial_partner_id
        backend = backend._hc_procurement_backend()
        return flows.filtered(lambda flow: flow.backend_id == backend)

    def build_payload(self, record, flow):
        order = record.purchase_id
        lines = []
        moves = record.move_ids.filtered(lambda m: m.purchase_line_id)
        for po_line in moves.purchase_line_id.sorted("hc_line_number"):
            line_moves = moves.filtered(lambda m, po=po_line: m.purchase_line_id == po)
            done = line_moves.filtered(lambda m: m.state == "done")
            move_lines = done.move_line_ids
            received = sum(
                m.product_uom._compute_quantity(m.quantity, po_line.product_uom)
                for m in done
            )
            tracking = po_line.product_id.tracking
            lines.append(
                {
                    "line_number": po_line.hc_line_number,
                    "item": po_line._hc_vendor_code() or None,
                    "gtin": po_line.product_id.barcode or None,
                    "ordered": po_line.product_qty,
                    "shipped": sum(line_moves.mapped("hc_asn_qty")),
                    "received": received,
                    "uom": po_line.product_uom.name,
                    "lots": [
                        {
                            "lot": ml.lot_id.name or ml.lot_name,
                            "quantity": ml.quantity,
                            "expiry": fields.Date.to_string(ml.lot_id.expiration_date)
                            if ml.lot_id.expiration_date
                            else None,
                        }
                        for ml in move_lines
                        if tracking == "lot"
                    ],
                    "serials": [
                        ml.lot_id.name or ml.lot_name
                        for ml in move_lines
                        if tracking == "serial"
                    ],
                    "refused": sum(line_moves.mapped("hc_refused_qty")),
                    "refused_reason": "; ".join(
                        filter(None, line_moves.mapped("hc_refused_reason"))
                    )
                    or None,
                }
            )
        return {
            "receipt": record.name,
            "po_number": order.name,
            "supplier_order_ref": order.partner_ref or None,
            "date_done": fields.Datetime.to_string(record.date_done),
            "ship_notices": record.hc_asn_ids.mapped("name"),
            "lines": lines,
        }
