# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        # EXTENDS account: and what was invoiced, once the bill is posted
        posted = super()._post(soft=soft)
        orders = posted.invoice_line_ids.purchase_line_id.order_id
        orders._hc_platform_requests()._hc_send_status()
        return posted
