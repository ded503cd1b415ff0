# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockPicking(models.Model):
    """Receipts: the ship notices that prefilled them; what was received goes out."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "hc.consumer.mixin"]

    hc_asn_ids = fields.Many2many(
        "hc.procurement.asn",
        "hc_procurement_asn_picking_rel",
        "picking_id",
        "asn_id",
        string="Ship notices",
        readonly=True,
        copy=False,
    )
    hc_asn_count = fields.Integer(compute="_compute_hc_asn_count")

    def _compute_hc_asn_count(self):
        for picking in self:
            picking.hc_asn_count = len(picking.hc_asn_ids)

    def _action_done(self):
        # EXTENDS stock: a validated supplier receipt is reported to the supplier
        res = super()._action_done()
        receipts = self.filtered(
            lambda p: p.state == "done"
            and p.picking_type_code == "incoming"
            and p.purchase_id
        )
        for receipt in receipts:
            receipt._hc_send("procurement.receipt_out", idempotency_key=receipt.name)
        # bills already received for these lines may match now (the warehouse
        # user validating the receipt need not be an accountant)
        bills = receipts.sudo().move_ids.purchase_line_id.invoice_lines.move_id
        bills.filtered("hc_match_state")._hc_rematch()
        return res

    def action_view_hc_asns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_procurement.hc_procurement_asn_action"
        )
        action["domain"] = [("id", "in", self.hc_asn_ids.ids)]
        return action
