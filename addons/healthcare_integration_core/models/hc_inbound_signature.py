# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcInboundSignature(models.Model):
    """A signature answered as a duplicate: used, so never accepted again.

    The accepted request's own signature is on its message; a partner's retry
    of it, re-signed and answered as a duplicate by its Idempotency-Key, has
    another signature, kept here, so that the captured retry re-sent without
    its key (or with another) is a duplicate too. Rows go with their message.
    """

    _name = "hc.inbound.signature"
    _description = "Integration Used Signature"
    _log_access = False

    flow_id = fields.Many2one("hc.flow", required=True, ondelete="cascade", index=True)
    digest = fields.Char(required=True)
    message_id = fields.Many2one("hc.message", required=True, ondelete="cascade")

    _sql_constraints = [
        (
            "flow_digest_unique",
            "unique(flow_id, digest)",
            "A signature is used once per flow.",
        ),
    ]
