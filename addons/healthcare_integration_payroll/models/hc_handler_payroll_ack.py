# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError

from ..lib import inputs as lib


class HcHandlerPayrollAck(models.AbstractModel):
    """The provider's acknowledgement of a compensation inputs batch, in later.

    Flow type ``payroll.inputs_ack``: ``{"batch": "<name>", "status":
    "accepted" | "rejected", "totals": [{"employee_id", "code", "quantity",
    "amount"}, ...]}``. The totals are reconciled against what the batch sent;
    differences are listed on the batch for a person to resolve (see
    ``hc.payroll.batch._hc_reconcile``). Amounts are masked in the stored
    payload once reconciled.
    """

    _name = "hc.handler.payroll.ack"
    _inherit = "hc.handler.payroll"
    _description = "Payroll: batch acknowledgements in (JSON)"
    _hc_directions = ("inbound",)
    _hc_mask_when_done = ("$.totals[*].amount",)

    def process(self, message, document):
        provider = self._hc_provider(message)
        batch = (
            self.env["hc.payroll.batch"]
            .sudo()
            .search(
                [("provider_id", "=", provider.id), ("name", "=", document["batch"])],
                limit=1,
            )
        )
        if not batch:
            raise HcBusinessError(
                _(
                    "Provider %(provider)s acknowledges batch %(batch)s, which it was "
                    "never sent.",
                    provider=provider.name,
                    batch=document["batch"],
                ),
                kind="unknown_batch",
            )
        try:
            batch._hc_reconcile(document)
        except lib.InputError as exc:
            raise HcBusinessError(
                _("The acknowledgement of %(batch)s is unreadable: %(error)s")
                % {"batch": batch.name, "error": exc},
                kind="invalid_ack",
            ) from None
        self._hc_mask_processed(message)
        return batch
