from odoo import models

from .hold import hold


class AccountMove(models.Model):
    _inherit = "account.move"

    def _hc_run_three_way_match(self, *args, **kwargs):
        # the supplier bill is imported and linked to its order, not matched
        hold(self.env, "procurement.invoice")
        return super()._hc_run_three_way_match(*args, **kwargs)
