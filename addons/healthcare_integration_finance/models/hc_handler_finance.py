# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import journal as lib


class HcHandlerFinanceJournal(models.AbstractModel):
    """A hand-off batch out (``finance.journal_out`` JSON,
    ``finance.journal_out_csv`` CSV with a trailer row of control totals)."""

    _name = "hc.handler.finance.journal"
    _inherit = "hc.handler"
    _description = "Finance: journal entry batches out"
    _hc_directions = ("outbound",)

    def build_payload(self, record, flow):
        batch = record.sudo()
        entries = batch._entries()
        currency = batch.currency_id.name
        if flow.payload_format == "csv":
            return lib.batch_csv(batch.name, currency, entries)
        return lib.batch_json(batch.name, str(batch.cutoff), currency, entries)

    def file_name_values(self, message):
        batch = message._linked_record()
        return {"batch": (batch.name if batch else message.name).replace("/", "-")}


class HcHandlerFinanceAck(models.AbstractModel):
    """The finance system's acknowledgement of a batch (``finance.journal_ack``):
    ``{"batch", "status": "accepted" | "rejected", "control": {"entries",
    "lines", "debit", "credit"}, "rejected_entries": {entry: reason}}``."""

    _name = "hc.handler.finance.ack"
    _inherit = "hc.handler"
    _description = "Finance: batch acknowledgements in"
    _hc_directions = ("inbound",)

    def process(self, message, document):
        try:
            name, accepted, received, rejected = lib.read_ack(document)
        except lib.AckError as exc:
            raise HcBusinessError(str(exc), kind="invalid_ack") from None
        batch = (
            self.env["hc.finance.batch"]
            .sudo()
            .search(
                [("name", "=", name), ("company_id", "=", message.company_id.id)],
                limit=1,
            )
        )
        if not batch:
            raise HcBusinessError(
                _("The finance system acknowledges %s, which was never sent.", name),
                kind="unknown_batch",
            )
        # recorded on the batch, not raised: a raise would roll the result back
        state = batch._reconcile_ack(accepted, received, rejected)
        if state != "acknowledged":
            batch._notify_owner(message.flow_id)
        return batch
