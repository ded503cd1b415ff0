# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

COVERAGES = [
    ("full", "Full cover"),
    ("parts", "Parts only"),
    ("labour", "Labour only"),
    ("preventive", "Preventive maintenance"),
    ("on_call", "On call"),
]


class HcAssetServiceContract(models.Model):
    """A vendor's service contract on one equipment, from the EAM or entered here."""

    _name = "hc.asset.service.contract"
    _description = "Equipment Service Contract"
    _inherit = ["mail.thread"]
    _order = "date_end desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Contract", required=True, tracking=True)
    external_ref = fields.Char(
        string="EAM contract id",
        copy=False,
        index="btree_not_null",
        help="Id of the contract in the EAM/CMMS it came from.",
    )
    equipment_id = fields.Many2one(
        "maintenance.equipment",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="equipment_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Vendor", tracking=True, check_company=True
    )
    coverage = fields.Selection(COVERAGES, required=True, default="full", tracking=True)
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", required=True, tracking=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    yearly_cost = fields.Monetary(tracking=True)
    note = fields.Text()
    active = fields.Boolean(default=True)
    end_announced = fields.Date(
        readonly=True, copy=False, help="End date the owner was told about."
    )
    expiring_soon = fields.Boolean(
        string="Ending soon",
        compute="_compute_expiring_soon",
        search="_search_expiring_soon",
    )

    _sql_constraints = [
        (
            "external_ref_unique",
            "unique(equipment_id, external_ref)",
            "An EAM contract is kept once per equipment.",
        ),
    ]

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if contract.date_end < contract.date_start:
                raise ValidationError(
                    _("Contract %s ends before it starts.", contract.name)
                )

    def _expiry_window(self):
        today = fields.Date.context_today(self)
        return today, today + timedelta(
            days=self.env.company.hc_asset_expiry_notice_days
        )

    def _compute_expiring_soon(self):
        start, end = self._expiry_window()
        for contract in self:
            contract.expiring_soon = bool(
                contract.date_end and start <= contract.date_end <= end
            )

    def _search_expiring_soon(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on %s", "expiring_soon"))
        start, end = self._expiry_window()
        domain = ["&", ("date_end", ">=", start), ("date_end", "<=", end)]
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!", *domain]
