# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    hc_ehr_request_id = fields.Many2one(
        "hc.ehr.supply.request",
        string="EHR supply request",
        index="btree_not_null",
        readonly=True,
        copy=True,
        help="The EHR's SupplyRequest this transfer serves (backorders keep it).",
    )

    def _action_done(self):
        # EXTENDS stock: a transfer done for an EHR request goes back as a
        # SupplyDelivery. Whoever validates the transfer may not create
        # integration messages: the request sends them as superuser.
        res = super()._action_done()
        for picking in self.filtered(
            lambda p: p.hc_ehr_request_id and p.state == "done"
        ):
            picking.hc_ehr_request_id.sudo()._on_transfer_done(picking)
        return res

    def action_view_hc_ehr_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hc.ehr.supply.request",
            "res_id": self.hc_ehr_request_id.id,
            "view_mode": "form",
        }
