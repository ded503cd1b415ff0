# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

ALERT_CRON = "healthcare_integration_ops.cron_hc_alert_evaluate"


class HcMessageActions(models.AbstractModel):
    """A failure taken in charge or resolved closes its alert without waiting
    for the alert rules' next round."""

    _inherit = "hc.message.actions"

    # EXTENDS hc.message.actions
    def _recheck_alerts(self):
        self.env.ref(ALERT_CRON).sudo()._trigger()
        return super()._recheck_alerts()
