# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    hc_asset_profile_id = fields.Many2one(
        "account.asset.profile",
        string="Capital equipment asset profile",
        help="Makes this product capital equipment, whatever its category.",
    )
    hc_warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Warranty from receipt; a vendor's warranty on the vendor "
        "pricelist line comes first, the category's last.",
    )
    hc_equipment_model = fields.Char(
        string="Equipment model",
        help="Manufacturer's model, given to the equipment created on receipt.",
    )

    def _hc_asset_profile(self):
        """The asset profile that makes this product capital equipment, if any."""
        self.ensure_one()
        return self.hc_asset_profile_id or self.categ_id.hc_asset_profile_id

    @api.constrains("hc_asset_profile_id", "tracking", "categ_id")
    def _check_hc_capital_tracking(self):
        for template in self:
            if template._hc_asset_profile() and template.tracking != "serial":
                raise ValidationError(
                    _(
                        "%s is capital equipment: track it by unique serial "
                        "number, so that each unit becomes one equipment.",
                        template.display_name,
                    )
                )
