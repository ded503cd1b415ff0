# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    hc_equipment_ids = fields.One2many(
        "maintenance.equipment", "hc_receipt_id", string="Equipment"
    )
    hc_equipment_count = fields.Integer(
        string="Equipment count", compute="_compute_hc_equipment_count"
    )
    hc_has_capital_equipment = fields.Boolean(compute="_compute_hc_equipment_count")

    def _compute_hc_equipment_count(self):
        counts = dict(
            self.env["maintenance.equipment"]
            .with_context(active_test=False)
            ._read_group(
                [("hc_receipt_id", "in", self.ids)], ["hc_receipt_id"], ["__count"]
            )
        )
        for picking in self:
            picking.hc_equipment_count = counts.get(picking, 0)
            picking.hc_has_capital_equipment = any(
                move.product_id.product_tmpl_id._hc_asset_profile()
                for move in picking.move_ids
            )

    def _action_done(self):
        # EXTENDS stock: capital equipment follows its receipt or its return
        self._hc_check_capital_tracking()
        res = super()._action_done()
        self._hc_sync_capital_equipment()
        return res

    def _hc_capital_moves(self):
        return self.move_ids.filtered(
            lambda m: m.product_id.product_tmpl_id._hc_asset_profile()
        )

    def _hc_check_capital_tracking(self):
        for move in self._hc_capital_moves():
            if move.product_id.tracking != "serial":
                raise UserError(
                    _(
                        "%s is capital equipment but is not tracked by serial "
                        "number: track it by serial number, then validate.",
                        move.product_id.display_name,
                    )
                )

    def _hc_sync_capital_equipment(self):
        """Create the equipment of received serials; archive returned ones."""
        lines = (
            self._hc_capital_moves()
            .filtered(lambda m: m.state == "done")
            .move_line_ids.filtered(lambda line: line.quantity > 0)
        )
        received = lines.filtered(
            lambda line: line.move_id.purchase_line_id
            and line.location_id.usage == "supplier"
        )
        returned = lines.filtered(lambda line: line.move_id._is_purchase_return())
        equipment = received._hc_receive_capital_equipment()
        returned._hc_return_capital_equipment()
        return equipment

    def action_hc_create_equipment(self):
        """Create the equipment a done receipt is missing (e.g. after setup)."""
        done = self.filtered(lambda p: p.state == "done")
        done._hc_sync_capital_equipment()
        return done.action_hc_view_equipment() if len(done) == 1 else True

    def action_hc_view_equipment(self):
        self.ensure_one()
        equipments = self.env["maintenance.equipment"].with_context(active_test=False)
        records = equipments.search([("hc_receipt_id", "=", self.id)])
        if len(records) == 1:
            return records.get_formview_action()
        return equipments._hc_action(
            [("hc_receipt_id", "=", self.id)], _("Equipment of %s", self.name)
        )
