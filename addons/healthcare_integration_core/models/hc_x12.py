# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import dataclasses

from odoo import _, api, models

from ..lib import schema, x12
from ..lib import states as st
from .hc_payload import REQUEST


class HcX12(models.AbstractModel):
    """X12 interchanges as the runtime receives them: split per set, acknowledged.

    A received interchange holding several transaction sets becomes one child
    message per set (each a complete interchange with that one set), so that a
    set that fails does not hold the others; the received message itself is
    done once split. When its flow asks for it, a 997 or 999 goes back to the
    sender, accepting or rejecting each set. Control numbers come from one
    database sequence (``_next_control``), usable by handlers building X12.
    """

    _name = "hc.x12"
    _description = "Integration X12 Interchanges"

    def init(self):
        self.env.cr.execute(
            "CREATE SEQUENCE IF NOT EXISTS hc_x12_control_seq "
            "MINVALUE 1 MAXVALUE 999999999 CYCLE"
        )

    @api.model
    def _next_control(self):
        """A fresh control number (ISA13, GS06, ST02), as an int."""
        self.env.cr.execute("SELECT nextval('hc_x12_control_seq')")
        return self.env.cr.fetchone()[0]

    def _control_numbers(self):
        return self._next_control

    @api.model
    def _parse(self, body):
        """The interchanges of ``body``; a structural error is a validation error."""
        try:
            return x12.parse(body, strict=False)
        except x12.X12Error as exc:
            raise schema.PayloadValidationError([f"X12: {exc}"]) from None

    @api.model
    def _receive(self, message):
        """Split and acknowledge a received interchange; the values for the message.

        Returns None when the message holds a single valid set (the handler
        processes it as it is).
        """
        interchanges = self._parse(message._body())
        sets = [
            (interchange, group, ts)
            for interchange in interchanges
            for group in interchange.groups
            for ts in group.transaction_sets
        ]
        if message.flow_id.x12_ack != "none":
            self._acknowledge(message, interchanges)
        if len(sets) == 1 and not self._errors(interchanges):
            return None
        children = [self._split_child(message, *found) for found in sets]
        rejected = self._rejected_sets(interchanges)
        return {
            "result_summary": _(
                "%(n)s transaction set(s) split, %(bad)s rejected",
                n=len(children),
                bad=len(rejected),
            )
        }

    @staticmethod
    def _errors(interchanges):
        return [
            error
            for interchange in interchanges
            for group in interchange.groups
            for error in (
                *group.errors,
                *(e for t in group.transaction_sets for e in t.errors),
            )
        ]

    @staticmethod
    def _rejected_sets(interchanges):
        return [
            ts
            for interchange in interchanges
            for group in interchange.groups
            for ts in group.transaction_sets
            if ts.errors
        ]

    def _split_child(self, message, interchange, group, transaction_set):
        single = dataclasses.replace(
            interchange,
            groups=(dataclasses.replace(group, transaction_sets=(transaction_set,)),),
        )
        body = x12.serialize(single, interchange.delimiters)
        key = (
            f"{message.idempotency_key[:150]}/{interchange.control_number}/"
            f"{group.control_number}/{transaction_set.control_number}"
        )
        ingested = self.env["hc.inbound"]._ingest(
            message.flow_id,
            body,
            idempotency_key=key,
            correlation_id=message.correlation_id,
            parent=message,
            parent_relation="split",
        )
        child = message.browse(ingested.id)
        if transaction_set.errors and child.state not in st.FINAL:
            child._fail(
                "validation",
                "\n".join(f"X12: {error}" for error in transaction_set.errors),
            )
        return child

    def _acknowledge(self, message, interchanges):
        """Queue a 997/999 per functional group back to the sender."""
        build = x12.build_999 if message.flow_id.x12_ack == "999" else x12.build_997
        for interchange in interchanges:
            for group in interchange.groups:
                results = x12.validate_group(group)
                ack = build(interchange, group, results, self._control_numbers())
                self._queue_ack(message, ack, interchange.delimiters)

    def _queue_ack(self, message, ack, delimiters):
        body = x12.serialize(ack, delimiters)
        messages = self.env["hc.message"]
        ack_message = messages.sudo().create(
            messages._base_vals(
                message.flow_id,
                direction="outbound",
                parent_id=message.id,
                parent_relation="ack",
                correlation_id=message.correlation_id,
                idempotency_key=f"ack/{ack.control_number}",
                payload_size=len(body),
                state=st.QUEUED,
                endpoint=message.flow_id.endpoint or "/",
                http_method="POST",
            )
        )
        ack_message._store_payload(REQUEST, body)
        ack_message._enqueue()
        return ack_message
