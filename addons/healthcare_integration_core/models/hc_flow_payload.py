# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import _, models
from odoo.exceptions import UserError

from ..lib import redact, schema


class HcFlow(models.Model):
    """What a flow does with a payload (serialize, validate against its
    schema, minimize by its redaction rules) and the outbound API: ``_send``,
    ``send`` (RPC) and ``_send_batch``."""

    _inherit = "hc.flow"

    # ------------------------------------------------------------------ payloads

    def _serialize(self, payload):
        """Bytes of a payload given as dict/list (JSON) or str/bytes."""
        if isinstance(payload, bytes):
            return payload
        if isinstance(payload, str):
            return payload.encode()
        return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()

    def _schema(self):
        """(schema type, schema text) in force: the flow's, or its type's."""
        self.ensure_one()
        if self.schema_type == "type":
            return self.flow_type_id._schema_in_force()
        return self.schema_type, self.schema

    def _validate_payload(self, body):
        """Errors of ``body`` against the flow's format and schema."""
        self.ensure_one()
        schema_type, schema_text = self._schema()
        return schema.validate_payload(
            self.payload_format, schema_text if schema_type != "none" else None, body
        )

    def _redact(self, body):
        """The payload minimized by the flow's redaction rules."""
        if not body or not self:
            return body
        settings = self._job_settings()
        if not settings.has_redaction:
            return body
        rules = [(rule.path, rule.mode) for rule in self.redaction_ids]
        if not rules:
            return body
        return redact.redact_payload(settings.payload_format, body, rules)

    # ------------------------------------------------------------------ outbound API

    def _check_outbound(self):
        if self.direction != "outbound":
            raise UserError(_("Flow %s is not outbound.", self.display_name))

    def _send(
        self,
        payload,
        record=None,
        idempotency_key=None,
        correlation_id=None,
        ordering_key=None,
        parent=None,
    ):
        """Queue ``payload`` for delivery; returns the hc.message.

        The message is stored in the caller's transaction and its job runs only
        after that transaction commits. A payload that fails the flow's schema
        is stored as a failed message and not sent. The same idempotency key on
        the same flow returns the message already stored for it::

            message = flow._send({"order": "PO-7"}, record=order,
                                 idempotency_key=f"{order.name}/rev{order.hc_revision}")
        """
        self.ensure_one()
        self._check_outbound()
        return self.env["hc.message"]._create_outbound(
            self,
            self._serialize(payload),
            record=record,
            idempotency_key=idempotency_key,
            correlation_id=correlation_id,
            ordering_key=ordering_key,
            parent=parent,
        )

    def send(
        self, payload, idempotency_key=None, correlation_id=None, ordering_key=None
    ):
        """Queue ``payload`` for delivery (RPC); answers the message's reference.

        Over XML-RPC/JSON-RPC, retry with the same ``idempotency_key``: a call
        that committed but whose answer was lost then returns the same message.
        """
        message = self._send(
            payload,
            idempotency_key=idempotency_key,
            correlation_id=correlation_id,
            ordering_key=ordering_key,
        )
        return {"id": message.id, "name": message.name, "state": message.state}

    def _send_batch(self, pages, key=None):
        """Push ``pages`` [(payload, watermark after the page), ...] as one run.

        Each page is an outbound message delivered like any other; the flow's
        watermark advances only past pages delivered in order, and the run sums
        up the outcome once every page is final. With a ``key`` (e.g. the
        period of a month-end), a second push of the same key returns the
        first run and sends nothing.
        """
        self.ensure_one()
        self._check_outbound()
        return self.env["hc.sync.run"]._start_push(self, pages, key=key)
