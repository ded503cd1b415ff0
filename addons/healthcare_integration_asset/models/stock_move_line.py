# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..lib import finance


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _hc_receive_capital_equipment(self):
        """One equipment and one draft asset per received serial; returns them.

        Idempotent: a serial that already has its equipment is skipped, so
        validating again, re-running the creation or receiving a backorder
        never duplicates. Equipment returned to its vendor earlier and received
        again is reactivated with a new draft asset.
        """
        # Receiving is a stock user's act; the equipment and the asset it
        # creates are not theirs to write, hence sudo on these two models.
        equipments = self.env["maintenance.equipment"].sudo()
        received = equipments.browse()
        for line in self:
            existing = line._hc_existing_equipment()
            if existing and (
                not existing.hc_returned or existing.hc_receipt_id == line.picking_id
            ):
                continue
            values = line._hc_equipment_values()
            if existing:
                existing.write({**values, "active": True, "hc_returned": False})
                existing.message_post(
                    body=_("Received again by %s.", line.picking_id.display_name)
                )
                equipment = existing
            else:
                equipment = equipments.with_company(line.company_id).create(values)
            asset = (
                self.env["account.asset"]
                .sudo()
                .with_company(line.company_id)
                .create(line._hc_asset_values(equipment))
            )
            equipment.hc_asset_id = asset
            equipment.message_post(
                body=Markup(_("Received by %(picking)s; draft asset %(asset)s."))
                % {
                    "picking": line.picking_id._get_html_link(),
                    "asset": asset._get_html_link(),
                }
            )
            received |= equipment
        return received

    def _hc_existing_equipment(self):
        self.ensure_one()
        if not self.lot_id:
            raise UserError(
                _(
                    "%s is capital equipment: give each unit its serial number "
                    "before validating the receipt.",
                    self.product_id.display_name,
                )
            )
        equipments = (
            self.env["maintenance.equipment"].sudo().with_context(active_test=False)
        )
        equipment = equipments.search([("hc_lot_id", "=", self.lot_id.id)], limit=1)
        if equipment:
            return equipment
        equipment = equipments.search([("serial_no", "=", self.lot_id.name)], limit=1)
        if equipment and equipment.hc_product_id not in (
            self.product_id,
            self.env["product.product"],
        ):
            raise UserError(
                _(
                    "Serial number %(serial)s is already used by equipment "
                    "%(equipment)s of another product.",
                    serial=self.lot_id.name,
                    equipment=equipment.display_name,
                )
            )
        return equipment

    def _hc_received_on(self):
        return fields.Date.context_today(
            self, self.picking_id.date_done or fields.Datetime.now()
        )

    def _hc_warranty_months(self):
        product = self.product_id
        vendor = self.move_id.purchase_line_id.order_id.partner_id
        sellers = product.seller_ids.filtered(
            lambda s: s.partner_id == vendor.commercial_partner_id
            or s.partner_id == vendor
        )
        return (
            next((s.hc_warranty_months for s in sellers if s.hc_warranty_months), 0)
            or product.hc_warranty_months
            or product.categ_id.hc_warranty_months
        )

    def _hc_equipment_values(self):
        """Values of the equipment of one received serial."""
        self.ensure_one()
        product = self.product_id
        po_line = self.move_id.purchase_line_id
        order = po_line.order_id
        received_on = self._hc_received_on()
        months = self._hc_warranty_months()
        seller = product.seller_ids.filtered(
            lambda s: s.partner_id == order.partner_id and s.product_code
        )[:1]
        department = self.location_dest_id._hc_department()
        category = product.categ_id.hc_equipment_category_id
        return {
            "name": product.name,
            "company_id": self.company_id.id,
            "category_id": category.id,
            "technician_user_id": category.technician_user_id.id,
            "serial_no": self.lot_id.name,
            "model": product.hc_equipment_model or product.default_code or False,
            "partner_id": order.partner_id.id,
            "partner_ref": seller.product_code or order.partner_ref or False,
            "cost": po_line._get_stock_move_price_unit(),
            "effective_date": received_on,
            "warranty_date": received_on + relativedelta(months=months)
            if months
            else False,
            "location": self.location_dest_id.complete_name,
            "equipment_assign_to": "department" if department else "other",
            "department_id": department.id,
            "hc_product_id": product.id,
            "hc_lot_id": self.lot_id.id,
            "hc_purchase_line_id": po_line.id,
            "hc_receipt_id": self.picking_id.id,
            "hc_cost_center_id": finance.main_cost_centre(
                po_line.analytic_distribution
            ),
        }

    def _hc_asset_values(self, equipment):
        """Values of the draft asset of one received serial (OCA)."""
        self.ensure_one()
        po_line = self.move_id.purchase_line_id
        return {
            "name": f"{self.product_id.name} ({self.lot_id.name})",
            "code": self.lot_id.name[:32],
            "profile_id": self.product_id.product_tmpl_id._hc_asset_profile().id,
            "purchase_value": equipment.cost,
            "date_start": self._hc_received_on(),
            "partner_id": po_line.order_id.partner_id.id,
            "company_id": self.company_id.id,
            "analytic_distribution": po_line.analytic_distribution or False,
            "hc_equipment_id": equipment.id,
            "hc_purchase_line_id": po_line.id,
        }

    def _hc_return_capital_equipment(self):
        """Equipment of the serials sent back to their vendor."""
        equipments = self.env["maintenance.equipment"].sudo()  # see above
        for line in self.filtered("lot_id"):
            equipment = equipments.search(
                [("hc_lot_id", "=", line.lot_id.id), ("hc_returned", "=", False)],
                limit=1,
            )
            equipment._hc_mark_returned(line.picking_id)
