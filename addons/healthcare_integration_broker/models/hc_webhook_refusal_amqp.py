# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcWebhookRefusal(models.Model):
    """Broker deliveries dead-lettered are counted with refused webhooks."""

    _inherit = "hc.webhook.refusal"

    reason_code = fields.Selection(
        selection_add=[("unstorable", "Could not be stored (dead-lettered)")],
        ondelete={"unstorable": "cascade"},
    )
