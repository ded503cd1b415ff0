# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class MaintenanceRequest(models.Model):
    """Work orders of the EAM/CMMS, kept as maintenance requests."""

    _inherit = "maintenance.request"

    hc_eam_ref = fields.Char(
        string="EAM work order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Id of the work order in the EAM/CMMS it came from.",
    )
    hc_eam_updated_at = fields.Datetime(
        string="EAM last update",
        readonly=True,
        copy=False,
        help="Time of the last EAM event applied; older events are ignored.",
    )
    hc_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    hc_labour_cost = fields.Monetary(
        string="Labour cost", currency_field="hc_currency_id", copy=False
    )
    hc_parts_cost = fields.Monetary(
        string="Parts cost", currency_field="hc_currency_id", copy=False
    )
    hc_total_cost = fields.Monetary(
        string="Maintenance cost",
        currency_field="hc_currency_id",
        compute="_compute_hc_total_cost",
        store=True,
    )

    _sql_constraints = [
        (
            "hc_eam_ref_unique",
            "unique(company_id, hc_eam_ref)",
            "An EAM work order is kept once per company.",
        ),
    ]

    @api.depends("hc_labour_cost", "hc_parts_cost")
    def _compute_hc_total_cost(self):
        for request in self:
            request.hc_total_cost = request.hc_labour_cost + request.hc_parts_cost
