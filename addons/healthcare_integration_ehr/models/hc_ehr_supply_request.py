# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.tools import float_compare, float_is_zero

from ..lib import fhir_map as fm

FHIR_STATUSES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("cancelled", "Cancelled"),
    ("completed", "Completed"),
    ("entered-in-error", "Entered in error"),
    ("unknown", "Unknown"),
]
PRIORITIES = [
    ("routine", "Routine"),
    ("urgent", "Urgent"),
    ("asap", "ASAP"),
    ("stat", "STAT"),
]
STATES = [
    ("hold", "On hold in the EHR"),
    ("waiting", "Waiting for stock"),
    ("partial", "Partly reserved"),
    ("reserved", "Reserved"),
    ("in_progress", "Partly delivered"),
    ("done", "Delivered"),
    ("cancelled", "Cancelled"),
]
SUPPLIED_STATUSES = ("active", "unknown")
OPEN_MOVE_STATES = ("draft", "waiting", "confirmed", "partially_available", "assigned")


class HcEhrSupplyRequest(models.Model):
    """A SupplyRequest of the EHR and the stock Odoo moves for it.

    The EHR owns the demand (what, how many, where, by when); Odoo owns how
    it is served: an internal transfer from the supplying store to the ward,
    reserved at once, replenished through the procurement rules of the
    route *EHR ward supply* (a purchase or a resupply for what the store
    cannot reserve). No patient data is kept here.
    """

    _name = "hc.ehr.supply.request"
    _description = "EHR Supply Request"
    _inherit = ["mail.thread", "hc.consumer.mixin", "hc.ehr.ward.supply"]
    _order = "id desc"

    name = fields.Char(readonly=True, default="/", copy=False, required=True)
    backend_id = fields.Many2one(
        "hc.backend", required=True, index=True, ondelete="restrict", readonly=True
    )
    company_id = fields.Many2one(
        related="backend_id.company_id", store=True, index=True
    )
    fhir_id = fields.Char(
        string="EHR request id", required=True, readonly=True, index=True
    )
    identifier = fields.Char(readonly=True, help="Business identifier in the EHR.")
    version_key = fields.Char(
        readonly=True, help="Version of the SupplyRequest last applied."
    )
    fhir_status = fields.Selection(
        FHIR_STATUSES, string="EHR status", readonly=True, tracking=True
    )
    priority = fields.Selection(PRIORITIES, default="routine", readonly=True)
    urgent = fields.Boolean(compute="_compute_urgent", store=True)
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    product_qty = fields.Float(
        "Quantity", digits="Product Unit of Measure", readonly=True, tracking=True
    )
    product_uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    item_system = fields.Char(readonly=True)
    item_code = fields.Char(string="EHR item code", readonly=True)
    unit_code = fields.Char(string="EHR unit", readonly=True)
    location_id = fields.Many2one("stock.location", string="Ward", readonly=True)
    location_src_id = fields.Many2one(
        "stock.location",
        string="Supplying store",
        readonly=True,
        help="deliverFrom of the request; empty: the store of the ward's rule.",
    )
    deliver_to = fields.Char(readonly=True, help="deliverTo, as received.")
    date_needed = fields.Datetime(readonly=True, tracking=True)
    procurement_group_id = fields.Many2one(
        "procurement.group", readonly=True, copy=False
    )
    picking_ids = fields.One2many(
        "stock.picking", "hc_ehr_request_id", string="Transfers", readonly=True
    )
    picking_count = fields.Integer(compute="_compute_picking_count")
    purchase_line_ids = fields.One2many(
        related="procurement_group_id.purchase_line_ids", string="Replenishment"
    )
    purchase_count = fields.Integer(compute="_compute_picking_count")
    qty_reserved = fields.Float(
        compute="_compute_quantities", store=True, digits="Product Unit of Measure"
    )
    qty_delivered = fields.Float(
        compute="_compute_quantities", store=True, digits="Product Unit of Measure"
    )
    qty_short = fields.Float(
        "Shortage",
        compute="_compute_quantities",
        store=True,
        digits="Product Unit of Measure",
    )
    state = fields.Selection(
        STATES, compute="_compute_quantities", store=True, index=True, tracking=True
    )
    delivery_fhir_id = fields.Char(
        string="SupplyDelivery id",
        readonly=True,
        copy=False,
        help="Id of the SupplyDelivery of this request in the EHR.",
    )
    delivery_state = fields.Selection(
        related="hc_last_state", string="Last exchange with the EHR"
    )

    _sql_constraints = [
        (
            "fhir_id_unique",
            "unique(backend_id, fhir_id)",
            "An EHR supply request is received once per backend.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = sequence.next_by_code("hc.ehr.supply.request") or "/"
        return super().create(vals_list)

    @api.depends("priority")
    def _compute_urgent(self):
        for request in self:
            request.urgent = fm.is_urgent(request.priority)

    def _compute_picking_count(self):
        for request in self:
            request.picking_count = len(request.picking_ids)
            request.purchase_count = len(request.purchase_line_ids.order_id)

    def _ward_moves(self):
        return self.picking_ids.move_ids.filtered(
            lambda m: m.location_dest_id == self.location_id
        )

    @api.depends(
        "fhir_status",
        "product_qty",
        "picking_ids.state",
        "picking_ids.move_ids.state",
        "picking_ids.move_ids.quantity",
    )
    def _compute_quantities(self):
        for request in self:
            moves = request._ward_moves()
            uom = request.product_uom_id
            done = moves.filtered(lambda m: m.state == "done")
            open_moves = moves.filtered(lambda m: m.state in OPEN_MOVE_STATES)
            delivered = sum(
                m.product_uom._compute_quantity(m.quantity, uom) for m in done
            )
            reserved = sum(
                m.product_uom._compute_quantity(m.quantity, uom) for m in open_moves
            )
            request.qty_delivered = delivered
            request.qty_reserved = reserved
            request.qty_short = (
                max(request.product_qty - delivered - reserved, 0.0)
                if open_moves
                else 0.0
            )
            request.state = request._state_of(delivered, reserved, open_moves)

    def _state_of(self, delivered, reserved, open_moves):
        rounding = self.product_uom_id.rounding or 0.01
        if self.fhir_status in fm.CLOSED_STATUSES:
            return "cancelled"
        if not self.picking_ids:
            return "hold"
        if not open_moves:
            return "done" if delivered else "cancelled"
        if not float_is_zero(delivered, precision_rounding=rounding):
            return "in_progress"
        if float_is_zero(reserved, precision_rounding=rounding):
            return "waiting"
        wanted = self.product_qty - delivered
        if float_compare(reserved, wanted, precision_rounding=rounding) < 0:
            return "partial"
        return "reserved"

    # ------------------------------------------------------------------ supply

    def _note(self, text):
        # the processor has no e-mail address to post as: a logged note
        self._message_log(body=text)

    def _start_supply(self):
        """Reserve the transfer of a new request and replenish its shortage."""
        for request in self:
            if request.fhir_status not in SUPPLIED_STATUSES:
                continue
            request.procurement_group_id = self.env["procurement.group"].create(
                {"name": request.name, "move_type": "direct"}
            )
            request._procure(request.product_qty)
            request._after_reservation()

    def _after_reservation(self):
        self.flush_recordset()
        if self.qty_short > 0:
            self._send_backordered()

    def _open_moves(self):
        return self._ward_moves().filtered(lambda m: m.state in OPEN_MOVE_STATES)

    def _update_from_ehr(self, values):
        """A new version of an active request: follow its quantity, date, priority."""
        self.ensure_one()
        same_item = (
            values["product_id"] == self.product_id.id
            and values["location_id"] == self.location_id.id
            and values["location_src_id"] == (self.location_src_id.id or False)
            and values["product_uom_id"] == self.product_uom_id.id
        )
        if not same_item or not self.procurement_group_id:
            self._open_moves().picking_id.action_cancel()
            self.write({**values, "procurement_group_id": False})
            self.picking_ids.filtered(lambda p: p.state == "cancel").write(
                {"hc_ehr_request_id": False}
            )
            self._note(_("Item, unit or locations changed: supply started over."))
            self._start_supply()
            return
        previous = self.product_qty
        self.write(values)
        self._follow_quantity(previous)
        self._open_moves().picking_id.write(
            {
                "priority": "1" if self.urgent else "0",
                "scheduled_date": self.date_needed or fields.Datetime.now(),
            }
        )
        self._after_reservation()

    def _follow_quantity(self, previous):
        rounding = self.product_uom_id.rounding
        if float_compare(self.product_qty, previous, precision_rounding=rounding) == 0:
            return
        open_moves = self._open_moves()
        remaining = self.product_qty - self.qty_delivered
        open_qty = sum(
            m.product_uom._compute_quantity(m.product_uom_qty, self.product_uom_id)
            for m in open_moves
        )
        if float_compare(remaining, 0, precision_rounding=rounding) <= 0:
            open_moves.picking_id.action_cancel()
        elif float_compare(remaining, open_qty, precision_rounding=rounding) > 0:
            self._procure(remaining - open_qty)
        elif open_moves:
            self._reduce(open_moves, open_qty - remaining)
        self._note(
            _(
                "Quantity changed in the EHR from %(old)s to %(new)s.",
                old=previous,
                new=self.product_qty,
            )
        )

    def _reduce(self, moves, quantity):
        # Odoo notes a lowered demand in the transfer's chatter, which needs an
        # author with an e-mail address; the Integration Processor has none.
        moves = moves.with_user(SUPERUSER_ID)
        moves._do_unreserve()
        for move in moves.sorted("id", reverse=True):
            own = self.product_uom_id._compute_quantity(quantity, move.product_uom)
            if own >= move.product_uom_qty:
                quantity -= move.product_uom._compute_quantity(
                    move.product_uom_qty, self.product_uom_id
                )
                move._action_cancel()
            else:
                move.product_uom_qty -= own
                break
        moves.filtered(lambda m: m.state != "cancel")._action_assign()

    def _cancel_from_ehr(self, version, status):
        """Cancelled or entered in error in the EHR: cancel what is still open."""
        self.ensure_one()
        open_pickings = self._open_moves().picking_id
        open_pickings.action_cancel()
        self.write({"fhir_status": status, "version_key": version})
        orders = self.sudo().purchase_line_ids.order_id
        text = _("%(status)s in the EHR: open transfers cancelled.", status=status)
        if orders:
            text += " " + _(
                "Replenishment %(orders)s was not changed: review it.",
                orders=", ".join(orders.mapped("name")),
            )
        self._note(text)

    # ------------------------------------------------------------------ events

    def _on_transfer_done(self, picking):
        """A transfer of the request was validated: tell the EHR (SupplyDelivery)."""
        self.ensure_one()
        self.flush_recordset()
        self._hc_send(
            "ehr.supply_delivery_out",
            idempotency_key=f"{self.name}/{picking.name}",
            ordering_key=self.name,
        )
        if self._open_moves():
            self._send_backordered()

    def _expected_date(self):
        """When the awaited supply is expected: the replenishment's planned date."""
        lines = self.sudo().purchase_line_ids.filtered(
            lambda line: line.state != "cancel"
        )
        dates = lines.mapped("date_planned") or self._open_moves().mapped("date")
        return min(dates) if dates else self.date_needed

    def _send_backordered(self):
        watches = self.env["hc.ehr.watch"]
        watches._send_event(
            self.backend_id,
            self.product_id,
            self.location_id,
            "backordered",
            expected=self._expected_date(),
            request=self,
        )

    # ------------------------------------------------------------------ actions

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {}
        if len(self.picking_ids) == 1:
            # one transfer (the usual case): its form, where the ward shows
            form = self.env.ref("stock.view_picking_form")
            action.update(
                res_id=self.picking_ids.id, view_mode="form", views=[(form.id, "form")]
            )
        return action

    def action_view_purchases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_rfq")
        action["domain"] = [("id", "in", self.purchase_line_ids.order_id.ids)]
        action["context"] = {}
        return action
