# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class HcMaintenance(models.AbstractModel):
    """Retention keeps the counts of the messages it deletes (metrics counters)."""

    _inherit = "hc.maintenance"

    # EXTENDS hc.maintenance
    @api.model
    def _delete_messages(self, limit):
        # the same ids super() deletes: same query, same transaction
        ids = self._expired("metadata_retention_days", limit=limit)
        self.env["hc.ops.tally"]._retire(ids)
        return super()._delete_messages(limit)
