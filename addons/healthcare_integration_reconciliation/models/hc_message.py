# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models

_logger = logging.getLogger(__name__)


class HcMessage(models.Model):
    _inherit = "hc.message"

    # EXTENDS hc.message.states
    def _hc_on_finished(self):
        result = super()._hc_on_finished()
        # KPIs are the integration's bookkeeping, whoever finished the message;
        # a KPI that cannot be observed never fails the message's job
        try:
            with self.env.cr.savepoint():
                self.env["hc.kpi"].sudo()._observe_finished(self.sudo())
        except Exception:
            _logger.exception("KPIs of %s not observed", self.name)
        return result
