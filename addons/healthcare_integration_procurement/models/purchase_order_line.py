# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

ACK_STATES = [
    ("accepted", "Accepted"),
    ("changed", "Quantity changed"),
    ("backordered", "Backordered"),
    ("rejected", "Rejected"),
    ("substituted", "Substitution offered"),
]


class PurchaseOrderLine(models.Model):
    """Order lines keep the number the supplier knows them by."""

    _inherit = "purchase.order.line"

    hc_line_number = fields.Integer(
        string="Line no.",
        readonly=True,
        copy=False,
        help="Line number sent to the supplier; acknowledgements, ship notices "
        "and invoices refer to it.",
    )
    hc_ordered_qty = fields.Float(
        string="Qty sent",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="Quantity of the line in the last revision sent to the supplier.",
    )
    hc_ack_state = fields.Selection(
        ACK_STATES, string="Supplier answer", readonly=True, copy=False
    )
    hc_confirmed_qty = fields.Float(
        string="Confirmed qty",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    hc_confirmed_date = fields.Date(string="Confirmed date", readonly=True, copy=False)
    hc_backorder_qty = fields.Float(
        string="Backordered qty",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    hc_backorder_date = fields.Date(string="Backorder date", readonly=True, copy=False)
    hc_outstanding_qty = fields.Float(
        string="Still to come",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="What the supplier's last ship notice for the line says will "
        "follow in a later shipment (Peppol despatch advice outstanding "
        "quantity).",
    )
    hc_outstanding_reason = fields.Char(
        string="Why still to come",
        readonly=True,
        copy=False,
        help="The supplier's reason for the quantity still to come.",
    )
    hc_substitute_for_id = fields.Many2one(
        "purchase.order.line",
        string="Substitute for",
        readonly=True,
        copy=False,
        help="The line whose item the supplier replaced by this one.",
    )

    def _hc_number_lines(self):
        """Give numbered lines their number for good: 1, 2, ... by position."""
        for order in self.order_id:
            lines = order.order_line.filtered(lambda line: not line.display_type)
            top = max(lines.mapped("hc_line_number") or [0])
            for line in lines.sorted(lambda line: (line.sequence, line.id)):
                if not line.hc_line_number:
                    top += 1
                    line.hc_line_number = top
                line.hc_ordered_qty = line.product_qty

    def _hc_vendor_code(self):
        """The supplier's code of the line's product, if the catalog has one."""
        self.ensure_one()
        partner = self.order_id.partner_id.commercial_partner_id
        infos = self.product_id.seller_ids.filtered(
            lambda s: s.partner_id.commercial_partner_id == partner and s.product_code
        )
        return infos[:1].product_code or False

    def _hc_item_matches(self, item_code, gtin):
        """The line's product is the item a supplier names (code or GTIN)."""
        self.ensure_one()
        if not item_code and not gtin:
            return True
        product = self.product_id
        if gtin and product.barcode and gtin.lstrip("0") == product.barcode.lstrip("0"):
            return True
        codes = {self._hc_vendor_code(), product.default_code} - {False, None}
        return bool(item_code and item_code in codes)
