from odoo import models

from .hold import hold


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _hc_asset_values(self, equipment):
        # the receipt is done and the equipment created, its asset not yet
        hold(self.env, "asset.receipt")
        return super()._hc_asset_values(equipment)
