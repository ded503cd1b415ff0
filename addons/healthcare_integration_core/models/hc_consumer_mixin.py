# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models

from ..lib import states as st

_logger = logging.getLogger(__name__)


class HcConsumerMixin(models.AbstractModel):
    """For business records that are exchanged: their messages, and one call to send.

    A domain record inherits it (``_inherit = ["purchase.order",
    "hc.consumer.mixin"]``) and gets a Messages smart button, the state of its
    last exchange, and ``_hc_send``::

        def button_confirm(self):
            res = super().button_confirm()
            for order in self:
                order._hc_send(
                    "procurement.po_out",
                    idempotency_key=f"{order.name}/rev{order.hc_revision}",
                )
            return res

    Add the button to the record's form view::

        <div name="button_box" position="inside">
            <button name="action_view_hc_messages" type="object"
                    class="oe_stat_button" icon="fa-exchange"
                    groups="healthcare_integration_core.group_hc_user">
                <field name="hc_message_count" widget="statinfo" string="Messages"/>
            </button>
        </div>
    """

    _name = "hc.consumer.mixin"
    _description = "Integration Consumer Mixin"

    hc_message_count = fields.Integer(
        string="Integration messages",
        compute="_compute_hc_messages",
        groups="healthcare_integration_core.group_hc_user",
    )
    hc_last_state = fields.Selection(
        st.STATES,
        string="Last exchange",
        compute="_compute_hc_messages",
        groups="healthcare_integration_core.group_hc_user",
    )

    def _compute_hc_messages(self):
        messages = self.env["hc.message"].sudo().with_context(active_test=False)
        groups = messages._read_group(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", [rid for rid in self.ids if isinstance(rid, int)]),
            ],
            ["res_id"],
            ["id:max", "__count"],
        )
        last = messages.browse([last_id for _res_id, last_id, _count in groups])
        state_of = {message.id: message.state for message in last}
        found = {
            res_id: (state_of[last_id], count) for res_id, last_id, count in groups
        }
        for record in self:
            state, count = found.get(record.id, (False, 0))
            record.hc_message_count = count
            record.hc_last_state = state

    def _hc_company(self):
        """The company whose bindings the record goes out through."""
        self.ensure_one()
        company = self["company_id"] if "company_id" in self._fields else False
        return company or self.env.company

    @api.model
    def _hc_bindings(self, flow_type_code, company):
        return (
            self.env["hc.flow"]
            .sudo()
            .search(
                [
                    ("flow_type_id.code", "=", flow_type_code),
                    ("backend_id.active", "=", True),
                    ("company_id", "=", company.id),
                ]
            )
        )

    def _hc_send(
        self,
        flow_type_code,
        payload=None,
        idempotency_key=None,
        ordering_key=None,
        correlation_id=None,
    ):
        """Queue the record out through the active binding(s) of a flow type.

        The handler of the type chooses among the bindings of the record's
        company (``select_flows``) and builds the payload when none is given
        (``build_payload``). With no binding this is a no-op (logged), not an
        error: an installation may not use every flow. Returns the messages.
        """
        self.ensure_one()
        messages = self.env["hc.message"]
        flows = self._hc_bindings(flow_type_code, self._hc_company())
        if flows:
            flows = flows[0]._handler().select_flows(self, flows)
        if not flows:
            _logger.info(
                "%s not sent: no active %s flow for company %s",
                self.display_name,
                flow_type_code,
                self._hc_company().name,
            )
            return messages
        for flow in flows:
            body = payload
            if body is None:
                body = flow._handler().build_payload(self, flow)
            messages |= flow._send(
                body,
                record=self,
                idempotency_key=idempotency_key,
                ordering_key=ordering_key,
                correlation_id=correlation_id,
            )
        return messages

    def action_view_hc_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_core.hc_message_action"
        )
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["name"] = _("Messages of %s", self.display_name)
        return action
