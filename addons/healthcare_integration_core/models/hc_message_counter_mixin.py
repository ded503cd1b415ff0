# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HcMessageCounterMixin(models.AbstractModel):
    """A smart button counting and opening the messages of a record."""

    _name = "hc.message.counter.mixin"
    _description = "Integration Message Counter Mixin"

    # the field of hc.message that points at records of the inheriting model
    _hc_message_link = None

    hc_message_count = fields.Integer(compute="_compute_hc_message_count")

    def _compute_hc_message_count(self):
        counts = dict(
            self.env["hc.message"]._read_group(
                [(self._hc_message_link, "in", self.ids)],
                [self._hc_message_link],
                ["__count"],
            )
        )
        for record in self:
            record.hc_message_count = counts.get(record, 0)

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "healthcare_integration_core.hc_message_action"
        )
        action["domain"] = [(self._hc_message_link, "=", self.id)]
        return action
