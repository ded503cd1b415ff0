# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    """Suppliers: the backend they trade through and their sync state."""

    _name = "res.partner"
    _inherit = ["res.partner", "hc.consumer.mixin"]

    hc_procurement_backend_id = fields.Many2one(
        "hc.backend",
        string="Procurement backend",
        index="btree_not_null",
        help="The supplier's system: orders go out and its acknowledgements, "
        "ship notices and invoices come in through this backend.",
    )
    hc_supplier_code = fields.Char(
        string="Supplier code",
        index="btree_not_null",
        help="The supplier's id in the procurement platform.",
    )
    hc_supplier_synced_at = fields.Datetime(
        string="Last supplier sync", readonly=True, copy=False
    )
    hc_supplier_sync_backend_id = fields.Many2one(
        "hc.backend",
        string="Synced from",
        readonly=True,
        copy=False,
        help="The system of record of the supplier's master data.",
    )
    hc_ack_sla_hours = fields.Integer(
        string="Acknowledgement SLA (hours)",
        default=24,
        help="An order not acknowledged within this time after it was sent is "
        "listed as late.",
    )

    def _hc_procurement_backend(self):
        """The procurement backend of the supplier (of its company)."""
        self.ensure_one()
        return (
            self.hc_procurement_backend_id
            or self.commercial_partner_id.hc_procurement_backend_id
        )
