# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.healthcare_integration_core.lib import redact, schema
from odoo.addons.healthcare_integration_core.models.hc_payload import REQUEST, RESPONSE

from ..lib import inputs as lib


class HcHandlerPayrollInputs(models.AbstractModel):
    """Compensation inputs of a pay period out to the provider, as JSON.

    Flow type ``payroll.inputs_json``: one ``hc.payroll.batch`` per message,
    keyed by the batch's name (provider, period, version) so it goes out once.
    A provider that acknowledges in its answer (``{"status": "accepted",
    "totals": [...]}``) is reconciled at once; others acknowledge later on
    ``payroll.inputs_ack``. Amounts are masked in the stored copies once
    delivered (not before: a message that failed must replay whole).
    """

    _name = "hc.handler.payroll.inputs"
    _inherit = "hc.handler.payroll"
    _description = "Payroll: compensation inputs out (JSON)"
    _hc_directions = ("outbound",)
    _hc_mask_when_done = ("$.lines[*].amount", "$.totals.amount")
    _hc_mask_reply = ("$.totals[*].amount",)

    def select_flows(self, record, flows):
        return flows.filtered(lambda f: f.backend_id == record.provider_id.backend_id)

    def build_payload(self, record, flow):
        return record._hc_document()

    def on_delivered(self, message, reply):
        batch = self._hc_batch(message)
        self._hc_mask_delivered(message)
        if not batch:
            return
        batch.sudo().delivered_at = fields.Datetime.now()
        document = self._hc_reply_document(reply)
        if isinstance(document, dict) and document.get("status") in (
            "accepted",
            "rejected",
        ):
            try:
                batch._hc_reconcile(document)
            except lib.InputError as exc:
                raise UserError(str(exc)) from None

    def file_name_values(self, message):
        """Placeholders of the file name when the flow writes files (SFTP, folder)."""
        batch = self._hc_batch(message)
        if not batch:
            return {}
        return {
            "batch": batch.name.replace("/", "_"),
            "period": batch.period_id._code(),
            "version": batch.version,
            "provider": batch.provider_id.backend_id.code,
        }

    # ------------------------------------------------------------------ helpers

    def _hc_batch(self, message):
        record = message._linked_record()
        return record if record and record._name == "hc.payroll.batch" else None

    @staticmethod
    def _hc_reply_document(reply):
        """The provider's answer as JSON, whatever the format of the batch."""
        try:
            return schema.load_json(reply.body) if reply.body else None
        except schema.PayloadValidationError:
            return None

    def _hc_mask_delivered(self, message):
        """Mask pay in the stored request and answer of a delivered batch."""
        self._hc_mask_stored(message, REQUEST, self._hc_masked_request)
        self._hc_mask_stored(message, RESPONSE, self._hc_masked_reply)

    def _hc_mask_stored(self, message, kind, mask):
        body = self.env["hc.payload"]._get(message.id, kind)
        if body:
            masked = mask(body)
            if masked != body:
                message._store_payload(kind, masked)

    def _hc_masked_request(self, body):
        rules = [(path, redact.MODE_MASK) for path in self._hc_mask_when_done]
        return redact.redact_payload("json", body, rules)

    def _hc_masked_reply(self, body):
        try:
            json.loads(body)
        except ValueError:
            return body
        rules = [(path, redact.MODE_MASK) for path in self._hc_mask_reply]
        return redact.redact_payload("json", body, rules)
