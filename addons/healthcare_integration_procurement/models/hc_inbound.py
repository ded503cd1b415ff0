# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class HcInbound(models.AbstractModel):
    _inherit = "hc.inbound"

    @api.model
    def _notify_business_owner(self, message, error):
        """Let an error record what a person must decide, after the rollback.

        A handler's business error rolls back everything the handler wrote; a
        decision to be taken (a substitution offered by a supplier) must still
        be kept for whoever decides. Errors carrying ``after_rollback`` get it
        called here, in the message's transaction, once the savepoint is gone.
        """
        # EXTENDS hc.inbound
        res = super()._notify_business_owner(message, error)
        after_rollback = getattr(error, "after_rollback", None)
        if after_rollback:
            after_rollback(self.env, message)
        return res
