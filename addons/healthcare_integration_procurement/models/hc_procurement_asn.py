# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcProcurementAsn(models.Model):
    """A supplier's ship notice, and the receipts it prefilled."""

    _name = "hc.procurement.asn"
    _description = "Supplier Ship Notice"
    _order = "id desc"

    name = fields.Char(string="Shipment", required=True, readonly=True)
    backend_id = fields.Many2one("hc.backend", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    order_id = fields.Many2one("purchase.order", readonly=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True)
    picking_ids = fields.Many2many(
        "stock.picking",
        "hc_procurement_asn_picking_rel",
        "asn_id",
        "picking_id",
        string="Receipts",
        readonly=True,
    )
    message_id = fields.Many2one("hc.message", readonly=True, ondelete="set null")
    ship_date = fields.Date(readonly=True)
    summary = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "shipment_unique",
            "unique(backend_id, name, order_id)",
            "A ship notice is applied once per order.",
        ),
    ]
