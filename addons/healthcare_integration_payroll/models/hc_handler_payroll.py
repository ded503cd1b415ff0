# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_core.lib import redact
from odoo.addons.healthcare_integration_core.models.hc_payload import REQUEST


class HcHandlerPayroll(models.AbstractModel):
    """What the payroll handlers share: personal data rules and the provider.

    A payroll handler declares which parts of its payloads are personal data::

        class HcHandlerPayrollResults(models.AbstractModel):
            _name = "hc.handler.payroll.results"
            _inherit = "hc.handler.payroll"
            # masked before storage: processing does not need them
            _hc_default_redactions = ("$.employees[*].national_id",)
            # needed to process, masked in the stored copy once processed
            _hc_mask_when_done = ("$.employees[*].net",)

    New bindings of payroll types get ``_hc_default_redactions`` as redaction
    rules and ``_hc_payload_retention_days`` as retention (core handler hooks,
    read by ``hc.flow.type._binding_defaults``).
    """

    _name = "hc.handler.payroll"
    _inherit = "hc.handler"
    _description = "Payroll handlers (common)"

    _hc_mask_when_done = ()
    _hc_payload_retention_days = 30

    def _hc_mask_processed(self, message):
        """Mask ``_hc_mask_when_done`` in the stored payload of a processed message.

        Called at the end of ``process``: when processing fails, this is rolled
        back with the rest, so that a replay still has the whole payload.
        """
        if not self._hc_mask_when_done:
            return
        rules = [(path, redact.MODE_MASK) for path in self._hc_mask_when_done]
        body = message._body()
        masked = redact.redact_payload(message.flow_id.payload_format, body, rules)
        if masked != body:
            message._store_payload(REQUEST, masked)

    def _hc_provider(self, message):
        """The payroll provider reached on the message's backend."""
        provider = (
            self.env["hc.payroll.provider"].sudo()._for_backend(message.backend_id)
        )
        if not provider:
            raise HcBusinessError(
                _(
                    "Backend %s is no payroll provider's backend: configure the "
                    "provider (Integration > Payroll > Configuration).",
                    message.backend_id.name,
                ),
                kind="no_provider",
            )
        return provider
