# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.matching import Tolerance


class HcProcurementTolerance(models.Model):
    """Three-way match tolerances of a company, optionally for one supplier."""

    _name = "hc.procurement.tolerance"
    _description = "Three-way Match Tolerance"
    _order = "company_id, partner_id"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        domain=[("parent_id", "=", False)],
        help="Empty: the company's tolerance, for suppliers without their own.",
    )
    qty_percent = fields.Float(
        string="Quantity (%)",
        default=0.0,
        help="Invoiced quantity may exceed the received (and ordered) quantity "
        "by this percentage.",
    )
    # an absolute limit of -1 is "no limit"; the screen shows a checkbox
    qty_amount = fields.Float(
        string="Quantity (units)",
        default=-1.0,
        help="... and by at most this many units.",
    )
    qty_amount_limited = fields.Boolean(
        string="Limit units",
        compute="_compute_limited",
        inverse="_inverse_qty_amount_limited",
        help="Also limit the quantity variance to a number of units.",
    )
    price_percent = fields.Float(
        string="Price (%)",
        default=2.0,
        help="Invoiced unit price may differ from the ordered one by this "
        "percentage.",
    )
    price_amount = fields.Float(
        string="Price (amount)",
        default=-1.0,
        help="... and by at most this amount per unit.",
    )
    price_amount_limited = fields.Boolean(
        string="Limit amount",
        compute="_compute_limited",
        inverse="_inverse_price_amount_limited",
        help="Also limit the price variance to an amount per unit.",
    )

    _sql_constraints = [
        (
            "company_partner_unique",
            "unique(company_id, partner_id)",
            "One tolerance per company and supplier.",
        ),
    ]

    @api.constrains("qty_percent", "price_percent")
    def _check_percentages(self):
        for tolerance in self:
            if tolerance.qty_percent < 0 or tolerance.price_percent < 0:
                raise ValidationError(_("Tolerance percentages cannot be negative."))

    @api.depends("qty_amount", "price_amount")
    def _compute_limited(self):
        for tolerance in self:
            tolerance.qty_amount_limited = tolerance.qty_amount >= 0
            tolerance.price_amount_limited = tolerance.price_amount >= 0

    def _inverse_qty_amount_limited(self):
        for tolerance in self:
            tolerance.qty_amount = self._limit_value(
                tolerance.qty_amount_limited, tolerance.qty_amount
            )

    def _inverse_price_amount_limited(self):
        for tolerance in self:
            tolerance.price_amount = self._limit_value(
                tolerance.price_amount_limited, tolerance.price_amount
            )

    @staticmethod
    def _limit_value(limited, value):
        if not limited:
            return -1.0
        return max(value, 0.0)

    @api.depends("company_id", "partner_id")
    def _compute_display_name(self):
        for tolerance in self:
            tolerance.display_name = (
                tolerance.partner_id.display_name or tolerance.company_id.name
            )

    @api.model
    def _in_force(self, company, partner):
        """The tolerance record in force: the supplier's, else the company's
        (empty when neither exists)."""
        tolerances = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", [partner.commercial_partner_id.id, False]),
            ]
        )
        return tolerances.filtered("partner_id")[:1] or tolerances[:1]

    @api.model
    def _for(self, company, partner):
        """The tolerance in force: the supplier's, else the company's, else 0."""
        chosen = self._in_force(company, partner)
        if not chosen:
            return Tolerance()

        def limit(value):
            return None if value < 0 else Decimal(str(value))

        return Tolerance(
            qty_percent=limit(chosen.qty_percent),
            qty_amount=limit(chosen.qty_amount),
            price_percent=limit(chosen.price_percent),
            price_amount=limit(chosen.price_amount),
        )
