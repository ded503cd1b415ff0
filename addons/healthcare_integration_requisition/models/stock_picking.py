# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        # EXTENDS stock: the platform learns what was received of its requisitions
        res = super()._action_done()
        self.move_ids.purchase_line_id.order_id._hc_platform_requests()._hc_send_status()
        return res
