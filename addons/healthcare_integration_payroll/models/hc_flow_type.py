# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, models

PAYROLL_DOMAIN = "payroll"


class HcFlowType(models.Model):
    _inherit = "hc.flow.type"

    # EXTENDS hc.flow.type
    def _binding_defaults(self):
        """New payroll bindings start with their handler's personal data rules.

        National ids and bank accounts pass through payroll flows: a binding
        starts with the redaction rules that mask them before storage (the
        handler's ``_hc_default_redactions``) and a short payload retention;
        an integration manager may extend both on the binding.
        """
        defaults = super()._binding_defaults()
        if self.domain != PAYROLL_DOMAIN:
            return defaults
        handler = self._handler()
        defaults["payload_retention_days"] = handler._hc_payload_retention_days
        paths = handler._hc_default_redactions
        if paths:
            defaults["redaction_ids"] = [Command.clear()] + [
                Command.create({"path": path, "mode": "mask", "sequence": n})
                for n, path in enumerate(paths, start=1)
            ]
        return defaults
