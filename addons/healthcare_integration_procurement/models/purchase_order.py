# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models

ORDER_FLOW_TYPES = (
    "procurement.po_out",
    "procurement.po_out_x12",
    "procurement.po_out_ubl",
)
TRANSMISSION_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("acknowledged", "Acknowledged"),
    ("rejected", "Rejected"),
    ("cancel_sent", "Cancellation sent"),
    ("failed", "Failed"),
]


class PurchaseOrder(models.Model):
    """Orders go out to their supplier's system when confirmed or cancelled."""

    _name = "purchase.order"
    _inherit = ["purchase.order", "hc.consumer.mixin"]

    hc_revision = fields.Integer(
        string="Revision",
        readonly=True,
        copy=False,
        help="Each confirmation sends a new revision of the order.",
    )
    hc_transmission_state = fields.Selection(
        TRANSMISSION_STATES,
        string="Transmission",
        compute="_compute_hc_transmission_state",
        search="_search_hc_transmission_state",
    )
    hc_exchange_state = fields.Selection(
        TRANSMISSION_STATES[:-1],
        string="Exchange state",
        readonly=True,
        copy=False,
        index=True,
        help="Where the exchange with the supplier stands; see Transmission.",
    )
    hc_sent_at = fields.Datetime(string="Sent at", readonly=True, copy=False)
    hc_ack_due = fields.Datetime(
        string="Acknowledgement due", readonly=True, copy=False, index=True
    )
    hc_ack_late = fields.Boolean(
        string="Acknowledgement late",
        compute="_compute_hc_ack_late",
        search="_search_hc_ack_late",
    )
    hc_ack_reference = fields.Char(
        string="Supplier acknowledgement", readonly=True, copy=False
    )
    hc_acknowledged_at = fields.Datetime(
        string="Acknowledged on", readonly=True, copy=False
    )
    hc_substitution_ids = fields.One2many(
        "hc.procurement.substitution", "order_id", string="Substitutions"
    )
    hc_asn_ids = fields.One2many(
        "hc.procurement.asn", "order_id", string="Ship notices"
    )

    # ------------------------------------------------------------------ states

    def _hc_last_order_message(self):
        self.ensure_one()
        return (
            self.env["hc.message"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("flow_type_id.code", "in", ORDER_FLOW_TYPES),
                    ("parent_relation", "!=", "replay"),
                ],
                order="id desc",
                limit=1,
            )
        )

    @api.depends("hc_exchange_state")
    def _compute_hc_transmission_state(self):
        for order in self:
            state = order.hc_exchange_state
            if state in ("queued", "sent", "cancel_sent") and order.id:
                last = order._hc_last_order_message()
                dead = last.state == "dead" and not last.superseded_by_id
                state = "failed" if dead else state
            order.hc_transmission_state = state

    def _search_hc_transmission_state(self, operator, value):
        if operator not in ("=", "in"):
            return [("hc_exchange_state", operator, value)]
        wanted = [value] if operator == "=" else list(value)
        failed_ids = self._hc_failed_order_ids()
        domain = [("hc_exchange_state", "in", [v for v in wanted if v != "failed"])]
        if "failed" in wanted:
            return ["|", ("id", "in", failed_ids), *domain]
        return ["&", ("id", "not in", failed_ids), *domain]

    def _hc_failed_order_ids(self):
        self.env["hc.message"].flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (m.res_id) m.res_id, m.state
              FROM hc_message m JOIN hc_flow_type t ON t.id = m.flow_type_id
             WHERE m.res_model = 'purchase.order' AND t.code IN %s
                   AND m.parent_relation IS DISTINCT FROM 'replay'
             ORDER BY m.res_id, m.id DESC
            """,
            (ORDER_FLOW_TYPES,),
        )
        return [res_id for res_id, state in self.env.cr.fetchall() if state == "dead"]

    def _compute_hc_ack_late(self):
        now = fields.Datetime.now()
        for order in self:
            order.hc_ack_late = bool(
                order.hc_exchange_state == "sent"
                and order.hc_ack_due
                and order.hc_ack_due < now
            )

    def _search_hc_ack_late(self, operator, value):
        late = [
            ("hc_exchange_state", "=", "sent"),
            ("hc_ack_due", "<", fields.Datetime.now()),
        ]
        return late if (operator == "=") == bool(value) else ["!", "&", *late]

    def write(self, vals):
        res = super().write(vals)
        if "hc_exchange_state" in vals:
            # an open order form shows its new transmission state at once
            self.env["hc.live"]._notify(self)
        return res

    # ------------------------------------------------------------------ sending

    def button_approve(self, force=False):
        # EXTENDS purchase: an approved order goes out as a new revision
        res = super().button_approve(force=force)
        for order in self.filtered(lambda o: o.state == "purchase"):
            order._hc_send_revision()
        return res

    def button_cancel(self):
        # EXTENDS purchase: a cancelled order that went out is cancelled there too
        sent = self.filtered(lambda o: o.hc_revision and o.hc_exchange_state)
        res = super().button_cancel()
        for order in sent.filtered(lambda o: o.state == "cancel"):
            order._hc_send_orders(f"{order.name}/rev{order.hc_revision}/cancel")
        return res

    def _hc_send_revision(self):
        """Number the lines, bump the revision and queue the order out."""
        self.ensure_one()
        self.order_line._hc_number_lines()
        self.hc_revision += 1
        return self._hc_send_orders(f"{self.name}/rev{self.hc_revision}")

    def _hc_send_orders(self, key):
        messages = self.env["hc.message"]
        for code in ORDER_FLOW_TYPES:
            messages |= self._hc_send(code, idempotency_key=key, ordering_key=self.name)
        if messages:
            self.hc_exchange_state = "queued"
        return messages

    def action_hc_resend(self):
        """Send the order again as a new revision (after a change)."""
        for order in self.filtered(lambda o: o.state in ("purchase", "done")):
            order._hc_send_revision()
        return True

    def action_hc_fetch_answers(self):
        """*Fetch answers now* on orders (or, from the list with nothing
        selected, on every supplier with a procurement backend)."""
        suppliers = self.partner_id.commercial_partner_id
        if not self:
            suppliers = self.env["res.partner"].search(
                [("hc_procurement_backend_id", "!=", False)]
            )
        return suppliers.action_hc_fetch_answers()

    def _hc_mark_sent(self, cancelled=False):
        now = fields.Datetime.now()
        if cancelled:
            self.hc_exchange_state = "cancel_sent"
            return
        self.write(
            {
                "hc_exchange_state": "sent",
                "hc_sent_at": now,
                "hc_ack_due": self._hc_ack_due_from(now),
            }
        )

    def _hc_ack_due_from(self, moment):
        """When the supplier's acknowledgement of what is sent at ``moment``
        is due: its acknowledgement SLA later (24 hours unless set)."""
        hours = self.partner_id.commercial_partner_id.hc_ack_sla_hours or 24
        return moment + timedelta(hours=hours)

    def _hc_peppol_ordering(self):
        """Whether the order goes to its supplier over Peppol: the supplier's
        procurement backend has an active Peppol order flow."""
        self.ensure_one()
        backend = self.partner_id.commercial_partner_id._hc_procurement_backend()
        if not backend:
            return False
        return bool(
            self.env["hc.flow"]
            .sudo()
            .search_count(
                [
                    ("backend_id", "=", backend.id),
                    ("flow_type_id.code", "=", "procurement.po_out_ubl"),
                ],
                limit=1,
            )
        )

    def _hc_buyer(self):
        return self.user_id or self.create_uid

    def _hc_x12_rejected(self, message, reason):
        """The supplier's 997/999 rejected the 850 of ``message``: the order
        was not received; its buyer is told (hook of hc.message)."""
        for order in self.sudo():
            order.hc_exchange_state = "rejected"
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=order._hc_buyer().id,
                summary=_("The supplier's EDI rejected order %s", order.name),
                note=_("%(message)s: %(reason)s", message=message.name, reason=reason),
            )

    def action_view_hc_substitutions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_procurement.hc_procurement_substitution_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        return action
