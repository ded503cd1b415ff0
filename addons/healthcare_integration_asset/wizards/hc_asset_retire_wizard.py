# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.maintenance_equipment import RETIREMENT_REASONS


class HcAssetRetireWizard(models.TransientModel):
    """Retire an equipment from Odoo: scrap it, remove its asset, tell the EAM."""

    _name = "hc.asset.retire.wizard"
    _description = "Retire Equipment"

    equipment_id = fields.Many2one("maintenance.equipment", required=True)
    currency_id = fields.Many2one(related="equipment_id.hc_currency_id")
    retire_date = fields.Date(
        string="Retirement date", required=True, default=fields.Date.context_today
    )
    reason = fields.Selection(RETIREMENT_REASONS, required=True, default="end_of_life")
    sale_value = fields.Monetary(
        help="Sale or trade-in value; the removal posts the gain or loss."
    )
    note = fields.Text()
    book_value = fields.Monetary(related="equipment_id.hc_book_value")
    open_work_order_count = fields.Integer(
        related="equipment_id.hc_open_work_order_count"
    )
    confirm_open_work_orders = fields.Boolean(
        string="Retire despite open work orders",
        help="The equipment has open work orders; tick to retire it anyway.",
    )

    @api.constrains("sale_value")
    def _check_sale_value(self):
        for wizard in self:
            if wizard.sale_value < 0:
                raise UserError(_("The sale value cannot be negative."))

    def action_retire(self):
        self.ensure_one()
        equipment = self.equipment_id
        if equipment.scrap_date:
            raise UserError(_("%s is already retired.", equipment.display_name))
        if equipment._hc_open_work_orders() and not self.confirm_open_work_orders:
            raise UserError(
                _(
                    "%s has open work orders: confirm that it is retired anyway.",
                    equipment.display_name,
                )
            )
        equipment._hc_retire(
            self.retire_date,
            self.reason,
            note=self.note,
            sale_value=self.sale_value,
            origin="odoo",
        )
        return {"type": "ir.actions.act_window_close"}
