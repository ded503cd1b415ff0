from odoo import models

from .hold import hold


class HcEhrSupplyRequest(models.Model):
    _inherit = "hc.ehr.supply.request"

    def _after_reservation(self):
        # the transfer is created and its stock reserved, the request's
        # shortage not handled yet
        hold(self.env, "ehr.supply_request")
        return super()._after_reservation()
