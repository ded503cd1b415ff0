# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

RETIREMENT_OUT = "asset.retirement_out"
RETIREMENT_REASONS = [
    ("end_of_life", "End of life"),
    ("damaged", "Damaged beyond repair"),
    ("obsolete", "Obsolete"),
    ("sold", "Sold"),
    ("traded_in", "Traded in"),
    ("lost", "Lost or stolen"),
    ("recalled", "Recalled by the manufacturer"),
    ("other", "Other"),
]


class MaintenanceEquipment(models.Model):
    """Capital equipment: its purchase, receipt, asset, EAM sync and retirement."""

    _name = "maintenance.equipment"
    _inherit = ["maintenance.equipment", "hc.asset.eam.record"]
    _hc_eam_fields = frozenset(
        {
            "name",
            "serial_no",
            "model",
            "partner_id",
            "partner_ref",
            "location",
            "department_id",
            "warranty_date",
            "hc_cost_center_id",
            "hc_in_service_date",
            "active",
        }
    )

    hc_product_id = fields.Many2one(
        "product.product", string="Product", readonly=True, copy=False
    )
    hc_lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    hc_purchase_line_id = fields.Many2one(
        "purchase.order.line",
        string="Purchase order line",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    hc_purchase_id = fields.Many2one(
        related="hc_purchase_line_id.order_id",
        string="Purchase order",
        store=True,
        index="btree_not_null",
    )
    hc_receipt_id = fields.Many2one(
        "stock.picking", string="Receipt", readonly=True, copy=False
    )
    hc_asset_id = fields.Many2one(
        "account.asset", string="Asset", readonly=True, copy=False
    )
    hc_asset_state = fields.Selection(
        related="hc_asset_id.state", string="Asset status"
    )
    hc_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    hc_book_value = fields.Monetary(
        string="Book value",
        currency_field="hc_currency_id",
        compute="_compute_hc_book_value",
        compute_sudo=True,
        help="Purchase value less the depreciation posted; nothing once removed.",
    )
    hc_in_service_date = fields.Date(
        string="In service since",
        readonly=True,
        copy=False,
        tracking=True,
        help="Commissioning date: the depreciation of the asset starts then.",
    )
    hc_cost_center_id = fields.Many2one(
        "account.analytic.account",
        string="Cost centre",
        tracking=True,
        help="Main analytic account of the purchase, kept by the EAM/CMMS.",
    )
    hc_contract_ids = fields.One2many(
        "hc.asset.service.contract", "equipment_id", string="Service contracts"
    )
    hc_contract_count = fields.Integer(compute="_compute_hc_contract_count")
    hc_expiring_soon = fields.Boolean(
        string="Warranty or contract ending soon",
        compute="_compute_hc_expiring_soon",
        search="_search_hc_expiring_soon",
    )
    hc_warranty_announced = fields.Date(
        readonly=True, copy=False, help="Warranty end the owner was told about."
    )
    hc_returned = fields.Boolean(string="Returned to vendor", readonly=True, copy=False)
    hc_retirement_reason = fields.Selection(
        RETIREMENT_REASONS, string="Retirement reason", readonly=True, copy=False
    )
    hc_retirement_note = fields.Text(string="Retirement note", readonly=True)
    hc_disposal_value = fields.Monetary(
        string="Sale value at retirement",
        currency_field="hc_currency_id",
        readonly=True,
        copy=False,
    )
    hc_retired_from = fields.Selection(
        [("odoo", "Odoo"), ("eam", "EAM/CMMS")],
        string="Retirement started in",
        readonly=True,
        copy=False,
    )
    hc_open_work_order_count = fields.Integer(
        string="Open work orders", compute="_compute_hc_open_work_order_count"
    )

    # ------------------------------------------------------------------ computes

    @api.depends(
        "hc_asset_id.state",
        "hc_asset_id.purchase_value",
        "hc_asset_id.value_depreciated",
    )
    def _compute_hc_book_value(self):
        for equipment in self:
            asset = equipment.hc_asset_id
            if not asset or asset.state == "removed" or not asset.active:
                equipment.hc_book_value = 0.0
            else:
                equipment.hc_book_value = asset.purchase_value - asset.value_depreciated

    def _compute_hc_contract_count(self):
        counts = dict(
            self.env["hc.asset.service.contract"]._read_group(
                [("equipment_id", "in", self.ids)], ["equipment_id"], ["__count"]
            )
        )
        for equipment in self:
            equipment.hc_contract_count = counts.get(equipment, 0)

    def _compute_hc_open_work_order_count(self):
        for equipment in self:
            equipment.hc_open_work_order_count = len(equipment._hc_open_work_orders())

    def _hc_expiry_window(self):
        today = fields.Date.context_today(self)
        return today, today + timedelta(
            days=self.env.company.hc_asset_expiry_notice_days
        )

    def _compute_hc_expiring_soon(self):
        soon = self.search([("id", "in", self.ids), ("hc_expiring_soon", "=", True)])
        for equipment in self:
            equipment.hc_expiring_soon = equipment in soon

    def _search_hc_expiring_soon(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on %s", "hc_expiring_soon"))
        start, end = self._hc_expiry_window()
        domain = [
            "|",
            "&",
            ("warranty_date", ">=", start),
            ("warranty_date", "<=", end),
            (
                "hc_contract_ids",
                "any",
                [("date_end", ">=", start), ("date_end", "<=", end)],
            ),
        ]
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!", *domain]

    # ------------------------------------------------------------------ lifecycle

    def _hc_eam_status(self):
        self.ensure_one()
        if self.scrap_date:
            return "retired"
        if self.hc_returned:
            return "returned"
        if self.hc_in_service_date:
            return "in_service"
        return "received"

    def _hc_set_in_service(self, day):
        """Commission the equipment on ``day``: its asset depreciates from then."""
        for equipment in self:
            equipment.hc_in_service_date = day
            # the asset follows its equipment whoever commissions it; users of
            # maintenance (and the inbound processor) have no accounting rights
            asset = equipment.hc_asset_id.sudo()
            if asset.state == "draft" and asset.active:
                asset.date_start = day
                # OCA dates the depreciation base line on create only
                asset.depreciation_line_ids.filtered(
                    lambda line: line.type == "create"
                ).line_date = day
                asset.compute_depreciation_board()
            elif asset:
                asset.message_post(
                    body=_(
                        "The equipment was put in service on %(day)s; the asset "
                        "was already confirmed and keeps its start date.",
                        day=day,
                    )
                )

    def action_hc_put_in_service(self):
        self._hc_set_in_service(fields.Date.context_today(self))
        return True

    def _hc_open_work_orders(self):
        self.ensure_one()
        return self.maintenance_ids.filtered(
            lambda request: not request.stage_id.done and not request.archive
        )

    def _hc_retire(self, day, reason, note=None, sale_value=0.0, origin="odoo"):
        """Scrap the equipment, remove its asset (OCA) and tell the other side.

        A draft asset was never capitalized: it is cancelled. A confirmed one
        is removed through OCA's removal, which posts the gain or loss on the
        sale value. Retirements started in Odoo go out to the EAM/CMMS.
        """
        self.ensure_one()
        if self.scrap_date:
            return self
        asset = self.hc_asset_id.sudo()  # see _hc_set_in_service
        if asset.state == "draft":
            asset._hc_cancel(_("Cancelled: the equipment was retired before use."))
        elif asset.state in ("open", "close"):
            asset._hc_remove(day, sale_value, note)
        self.write(
            {
                "scrap_date": day,
                "hc_retirement_reason": reason,
                "hc_retirement_note": note or False,
                "hc_disposal_value": sale_value,
                "hc_retired_from": origin,
            }
        )
        # the inbound processor has no e-mail address to sign notes with
        self.sudo().message_post(
            body=_(
                "Retired on %(day)s (%(reason)s).",
                day=day,
                reason=dict(RETIREMENT_REASONS).get(reason, reason),
            )
        )
        if origin == "odoo":
            self._hc_send(
                RETIREMENT_OUT,
                idempotency_key=f"retirement/{self.id}",
                ordering_key=f"equipment/{self.id}",
            )
        return self

    def action_hc_retire(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Retire %s", self.display_name),
            "res_model": "hc.asset.retire.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_equipment_id": self.id},
        }

    def _hc_mark_returned(self, picking):
        """The equipment went back to its vendor: cancel its draft asset, archive it."""
        for equipment in self:
            note = _(
                "Returned to the vendor by %(picking)s.", picking=picking.display_name
            )
            asset = equipment.hc_asset_id.sudo()  # see _hc_set_in_service
            if asset.state == "draft":
                asset._hc_cancel(note)
            elif asset:
                asset.message_post(
                    body=Markup("%s<br/>%s")
                    % (
                        note,
                        _(
                            "The asset is already confirmed: remove it through "
                            "the asset removal."
                        ),
                    )
                )
            equipment.message_post(body=note)
            equipment.write({"active": False, "hc_returned": True})

    def _hc_biomedical_owner(self):
        """Who is told about this equipment's warranty and contracts."""
        self.ensure_one()
        return (
            self.technician_user_id
            or self.category_id.technician_user_id
            or self.owner_user_id
            or self.maintenance_team_id.member_ids[:1]
            or self.create_uid
        )

    # ------------------------------------------------------------------ actions

    @api.model
    def _hc_action(self, domain, name=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_asset.hc_asset_equipment_action"
        )
        action.update(
            domain=domain,
            context={"active_test": False, "search_default_hc_capital": 0},
            name=name or _("Equipment"),
        )
        return action

    def _hc_form(self, record):
        if not record:
            return False
        return record.get_formview_action()

    def action_hc_open_purchase(self):
        return self._hc_form(self.hc_purchase_id)

    def action_hc_open_receipt(self):
        return self._hc_form(self.hc_receipt_id)

    def action_hc_open_asset(self):
        return self._hc_form(self.hc_asset_id)

    def action_hc_view_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_asset.hc_asset_service_contract_action"
        )
        action.update(
            domain=[("equipment_id", "=", self.id)],
            context={"default_equipment_id": self.id},
        )
        return action
