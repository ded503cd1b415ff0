# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

STATES = [("pending", "To decide"), ("accepted", "Accepted"), ("refused", "Refused")]
KINDS = [("substitution", "Substitution"), ("addition", "Added line")]


class HcProcurementSubstitution(models.Model):
    """What a supplier offers that the buyer did not order: the buyer decides.

    A substitution is an item offered instead of an ordered line; an added
    line (``kind`` addition: a Peppol OrderResponse line with status 1) is an
    item the supplier adds to the order. Neither is applied by itself: the
    acknowledgement that offers it waits as a business exception (nothing of
    it applied); accepting or refusing replays it once every offer of it is
    decided, and the replay applies the decisions (a new order line for the
    substitute or the added item; the ordered line reduced as for a rejection,
    or the added line left out).
    """

    _name = "hc.procurement.substitution"
    _description = "Supplier Offer (substitution or added line)"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state desc, id desc"

    order_id = fields.Many2one(
        "purchase.order", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True)
    user_id = fields.Many2one(related="order_id.user_id", string="Buyer", store=True)
    kind = fields.Selection(KINDS, default="substitution", required=True, readonly=True)
    line_id = fields.Many2one(
        "purchase.order.line",
        string="Ordered line",
        readonly=True,
        ondelete="cascade",
        help="The line a substitution replaces (none for an added line).",
    )
    added_line_ref = fields.Char(
        string="Supplier's line",
        readonly=True,
        help="The number the supplier gave the line it adds.",
    )
    offered_date = fields.Date(string="Promised date", readonly=True)
    result_line_id = fields.Many2one(
        "purchase.order.line",
        string="Order line",
        readonly=True,
        ondelete="set null",
        help="The order line the accepted added line became.",
    )
    line_number = fields.Integer(related="line_id.hc_line_number")
    ordered_product_id = fields.Many2one(related="line_id.product_id", string="Ordered")
    offered_code = fields.Char(string="Offered item", required=True, readonly=True)
    offered_gtin = fields.Char(string="Offered GTIN", readonly=True)
    offered_description = fields.Char(readonly=True)
    offered_product_id = fields.Many2one(
        "product.product",
        string="Product",
        help="The Odoo product of the offered item; required to accept.",
    )
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    offered_price = fields.Float(readonly=True, digits="Product Price")
    state = fields.Selection(STATES, default="pending", required=True, readonly=True)
    message_id = fields.Many2one(
        "hc.message", string="Acknowledgement", readonly=True, ondelete="set null"
    )
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_at = fields.Datetime(readonly=True)
    decision_note = fields.Char(
        help="Why the substitute is accepted or refused; kept in the audit log."
    )

    _sql_constraints = [
        (
            "offer_unique",
            "unique(line_id, offered_code)",
            "An offered item is decided once per order line.",
        ),
    ]

    @api.constrains("kind", "line_id")
    def _check_line(self):
        for offer in self:
            if offer.kind == "substitution" and not offer.line_id:
                raise ValidationError(_("A substitution replaces an ordered line."))

    @api.depends("order_id", "line_number", "offered_code", "kind")
    def _compute_display_name(self):
        for offer in self:
            if offer.kind == "addition":
                offer.display_name = _(
                    "%(order)s added: %(code)s",
                    order=offer.order_id.name,
                    code=offer.offered_code,
                )
                continue
            offer.display_name = _(
                "%(order)s line %(line)s: %(code)s",
                order=offer.order_id.name,
                line=offer.line_number,
                code=offer.offered_code,
            )

    @api.model
    def _record_offers(self, message, offers):
        """Keep pending offers [(line, substitute dict, qty), ...] (no duplicate)."""
        created = self.browse()
        for line, substitute, quantity in offers:
            code = substitute.get("item_code") or substitute.get("gtin")
            existing = self.sudo().search(
                [("line_id", "=", line.id), ("offered_code", "=", code)]
            )
            if existing:
                existing.message_id = message
                continue
            offer = self.sudo().create(
                {
                    "order_id": line.order_id.id,
                    "line_id": line.id,
                    "offered_code": code,
                    "offered_gtin": substitute.get("gtin"),
                    "offered_description": substitute.get("description"),
                    "offered_product_id": substitute.get("product_id") or False,
                    "quantity": float(quantity),
                    "offered_price": float(substitute.get("unit_price") or 0.0),
                    "message_id": message.id,
                }
            )
            offer._notify_buyer()
            created |= offer
        return created

    @api.model
    def _record_additions(self, message, additions):
        """Keep the lines a supplier adds [(order, added line dict), ...] as
        pending offers (no duplicate)."""
        created = self.browse()
        for order, added in additions:
            code = added.get("item_code") or added.get("gtin")
            existing = self.sudo().search(
                [
                    ("order_id", "=", order.id),
                    ("kind", "=", "addition"),
                    ("offered_code", "=", code),
                ]
            )
            if existing:
                existing.message_id = message
                continue
            offer = self.sudo().create(
                {
                    "kind": "addition",
                    "order_id": order.id,
                    "added_line_ref": added.get("line_number"),
                    "offered_code": code,
                    "offered_gtin": added.get("gtin"),
                    "offered_description": added.get("description"),
                    "offered_product_id": added.get("product_id") or False,
                    "quantity": float(added["quantity"]),
                    "offered_price": float(added.get("unit_price") or 0.0),
                    "offered_date": added.get("date") or False,
                    "message_id": message.id,
                }
            )
            offer._notify_buyer()
            created |= offer
        return created

    def _notify_buyer(self):
        for offer in self:
            order = offer.order_id
            if offer.kind == "addition":
                note = _(
                    "%(supplier)s adds a line to %(order)s: %(offered)s (item "
                    "%(code)s), %(qty)s at %(price)s. Accept it into the order "
                    "(choose the product) or decline it; nothing of the "
                    "supplier's answer applies until you decide.",
                    supplier=order.partner_id.display_name,
                    order=order.name,
                    offered=offer.offered_product_id.display_name
                    or offer.offered_description
                    or offer.offered_code,
                    code=offer.offered_code,
                    qty=offer.quantity,
                    price=offer.offered_price,
                )
                order.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=order._hc_buyer().id,
                    summary=_("Line added by the supplier to decide"),
                    note=note,
                )
                self.env["hc.procurement.resolver"]._note(offer, note)
                continue
            note = _(
                "Line %(line)s: you ordered %(ordered)s; %(supplier)s offers "
                "%(offered)s (item %(code)s) instead, %(qty)s. Accept or refuse "
                "the substitution.",
                line=offer.line_number,
                ordered=offer.ordered_product_id.display_name,
                supplier=order.partner_id.display_name,
                offered=offer.offered_product_id.display_name
                or offer.offered_description
                or offer.offered_code,
                code=offer.offered_code,
                qty=offer.quantity,
            )
            order.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=order._hc_buyer().id,
                summary=_("Substitution to decide"),
                note=note,
            )
            self.env["hc.procurement.resolver"]._note(offer, note)

    def _decide(self, state):
        for offer in self:
            if offer.state != "pending":
                raise UserError(_("%s is already decided.", offer.display_name))
            if state == "accepted" and not offer.offered_product_id:
                raise UserError(
                    _("Choose the substitute product before accepting the offer.")
                )
        self.write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "decided_at": fields.Datetime.now(),
            }
        )
        for offer in self:
            offer.message_post(
                body=_(
                    "%(what)s by %(user)s.",
                    what=dict(STATES)[state],
                    user=self.env.user.name,
                )
            )
            self.env["hc.audit.log"].sudo()._log(
                f"substitution_{state}",
                offer,
                {
                    "order": offer.order_id.name,
                    "line": offer.line_number,
                    "ordered": offer.ordered_product_id.display_name,
                    "offered": offer.offered_code,
                    "substitute": offer.offered_product_id.display_name or None,
                    "quantity": offer.quantity,
                    "offered_price": offer.offered_price,
                    "by": self.env.user.name,
                    "at": fields.Datetime.to_string(offer.decided_at),
                    "reason": offer.decision_note or None,
                },
            )
        self._replay_when_decided()

    def _replay_when_decided(self):
        """Replay each acknowledgement once every offer of it is decided."""
        # the buyer need not be an integration user to see the message
        for message in self.sudo().message_id:
            waiting = self.sudo().search_count(
                [("message_id", "=", message.id), ("state", "=", "pending")]
            )
            if not waiting and message.state == "dead":
                # The buyer is not an integration manager: the replay they
                # trigger is the one this decision was waiting for.
                message.sudo()._replay()

    def action_accept(self):
        self._decide("accepted")
        return True

    def action_refuse(self):
        self._decide("refused")
        return True
