# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HcMessage(models.Model):
    _inherit = "hc.message"

    # EXTENDS hc.message.runtime
    def _hc_on_finished(self):
        result = super()._hc_on_finished()
        # KPIs are the integration's bookkeeping: whoever finished the message
        self.env["hc.kpi"].sudo()._observe_finished(self.sudo())
        return result
