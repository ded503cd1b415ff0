# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models
from odoo.exceptions import AccessError

from .hc_message_payload import PAYLOAD_FIELDS


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _record_to_stream(self, record, field_name):
        # Payloads are read through the audited previews only: /web/content
        # runs in a read-only transaction where no audit entry can be written.
        if record._name == "hc.message" and field_name in PAYLOAD_FIELDS:
            if not self.env.su:
                raise AccessError(
                    _("Message payloads are shown on the message, not downloaded.")
                )
        return super()._record_to_stream(record, field_name)
