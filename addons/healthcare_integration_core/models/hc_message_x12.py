# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib import retry, x12
from .hc_payload import REQUEST

# business errors that wait for a decision rather than reject the document
WAITING_KINDS = frozenset({"substitution"})
# AK5/IK5 (or AK9) status of a received 997/999 -> what the sent set became
ACK_STATUSES = {
    "A": "accepted",
    "E": "accepted_errors",
    "P": "accepted_errors",
    "R": "rejected",
    "M": "rejected",
    "W": "rejected",
    "X": "rejected",
}


class HcMessage(models.Model):
    """X12 on messages: a sent interchange keeps its group control number and
    shows what the partner's 997/999 said of it; an X12 message rejected for
    business reasons answers with an 824 when its flow asks for it."""

    _inherit = "hc.message"  # pylint: disable=consider-merging-classes-inherited

    x12_group_control = fields.Char(
        string="X12 group control number",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="GS06 of the X12 interchange this message sent, matched with the "
        "AK102 of the partner's 997/999.",
    )
    x12_ack_status = fields.Selection(
        [
            ("awaiting", "Awaiting acknowledgement"),
            ("accepted", "Accepted"),
            ("accepted_errors", "Accepted with errors"),
            ("rejected", "Rejected"),
        ],
        string="X12 acknowledgement",
        readonly=True,
        copy=False,
        help="What the partner's functional acknowledgement (997/999) said of "
        "the X12 interchange this message sent; awaiting (an answer was asked "
        "for) counts as late once the flow's SLA is over.",
    )

    # EXTENDS hc.message
    def _store_payload(self, kind, body):
        result = super()._store_payload(kind, body)
        if (
            kind == REQUEST
            and self.direction == "outbound"
            and self.flow_id.payload_format == "x12"
            and not self.parent_relation
        ):
            try:
                interchanges = x12.parse(body)
            except x12.X12Error:
                interchanges = []
            groups = [group for found in interchanges for group in found.groups]
            if len(groups) == 1:
                self.x12_group_control = groups[0].control_number
                # ISA14 = 1: the partner is asked to answer (late past the SLA)
                if interchanges[0].ack_requested:
                    self.x12_ack_status = "awaiting"
        return result

    # EXTENDS hc.message (hc_message_states)
    def _fail(self, error_class, error_text, **vals):
        result = super()._fail(error_class, error_text, **vals)
        for message in self:
            flow = message.flow_id
            if (
                error_class == retry.ERROR_BUSINESS
                and flow.x12_advice
                and flow.payload_format == "x12"
                and message.direction == "inbound"
                and vals.get("exception_kind") not in WAITING_KINDS
            ):
                self.env["hc.x12"]._advise(message, error_text)
        return result

    def _x12_acknowledged(self, record, answered):
        """Note the partner's 997/999 ``record`` (``read_ack``) on this sent
        message; ``answered`` is the AK2 entry of its set (or None: the
        group's AK9 decides). A rejection is put to the linked record's
        ``_hc_x12_rejected(message, reason)`` when it has one."""
        self.ensure_one()
        status = ACK_STATUSES.get((answered or record)["status"], "rejected")
        self.sudo().x12_ack_status = status
        if status != "rejected":
            return status
        reason = self.env._(
            "%(type)s from the partner rejected group %(group)s%(codes)s",
            type=record["type"],
            group=record["group_control_number"],
            codes=f" ({', '.join((answered or record)['codes'])})"
            if (answered or record)["codes"]
            else "",
        )
        linked = self._linked_record()
        if linked is not None and hasattr(linked, "_hc_x12_rejected"):
            linked._hc_x12_rejected(self, reason)
        return status
