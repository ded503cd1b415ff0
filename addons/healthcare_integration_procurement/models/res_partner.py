# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


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

    def _hc_answer_flows(self):
        """The suppliers' scheduled inbound flows: what they send back
        (acknowledgements, ship notices, invoices), pulled by the schedule."""
        backends = self.env["hc.backend"]
        for partner in self:
            backends |= partner._hc_procurement_backend()
        flows = (
            self.env["hc.flow"]
            .sudo()
            .search([("backend_id", "in", backends.ids), ("direction", "=", "inbound")])
        )
        return flows.filtered(lambda flow: flow._is_scheduled())

    def action_hc_fetch_answers(self):
        """*Fetch answers now*: the buyer does not wait for the schedule.

        Runs the suppliers' answer flows as their schedule would (a run
        already at work is shown rather than doubled); the orders follow live.
        """
        flows = self._hc_answer_flows()
        if not flows:
            raise UserError(
                _("No answers to fetch: the supplier sends none on a schedule.")
            )
        return flows.action_run_batch()
