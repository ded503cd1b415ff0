# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class HcProcurementTolerance(models.Model):
    """The contract variance's own tolerance, beside the order's."""

    _inherit = "hc.procurement.tolerance"

    contract_percent = fields.Float(
        string="Contract price (%)",
        default=0.0,
        help="Invoiced unit price may differ from the contract price valid on "
        "the order date by this percentage.",
    )
    # -1 is "no limit", as for the order's tolerances
    contract_amount = fields.Float(
        string="Contract price (amount)",
        default=-1.0,
        help="... and by at most this amount per unit.",
    )
    contract_amount_limited = fields.Boolean(
        string="Limit contract amount",
        compute="_compute_contract_amount_limited",
        inverse="_inverse_contract_amount_limited",
    )

    @api.constrains("contract_percent")
    def _check_contract_percent(self):
        if any(tolerance.contract_percent < 0 for tolerance in self):
            raise ValidationError(_("Tolerance percentages cannot be negative."))

    @api.depends("contract_amount")
    def _compute_contract_amount_limited(self):
        for tolerance in self:
            tolerance.contract_amount_limited = tolerance.contract_amount >= 0

    def _inverse_contract_amount_limited(self):
        for tolerance in self:
            tolerance.contract_amount = self._limit_value(
                tolerance.contract_amount_limited, tolerance.contract_amount
            )

    @api.model
    def _contract_limits(self, company, partner):
        """(percent, amount) of the contract variance in force (the
        supplier's, else the company's; none: no variance allowed)."""
        chosen = self._in_force(company, partner)
        if not chosen:
            return Decimal(0), None
        amount = chosen.contract_amount
        return (
            Decimal(str(chosen.contract_percent)),
            None if amount < 0 else Decimal(str(amount)),
        )
