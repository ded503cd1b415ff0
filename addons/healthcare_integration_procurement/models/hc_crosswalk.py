# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HcCrosswalk(models.Model):
    """Supplier payment terms are mapped like any other code."""

    _inherit = "hc.crosswalk"

    domain = fields.Selection(
        selection_add=[("payment_term", "Payment term")],
        ondelete={"payment_term": "cascade"},
    )

    @api.model
    def _selection_record_ref(self):
        # EXTENDS hc.crosswalk
        selection = super()._selection_record_ref()
        return [*selection, ("account.payment.term", "Payment Terms")]

    @api.model
    def _record_of(self, backend, domain, code):
        """The Odoo record a code stands for (empty when unmapped)."""
        entry = self._resolve_many(backend, domain, [code]).get(code)
        return entry.record_ref if entry and entry.record_ref else None
