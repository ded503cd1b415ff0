# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HcHandlerProcurementSupplier(models.AbstractModel):
    _inherit = "hc.handler.procurement.supplier"

    def _upsert(self, backend, record):
        # EXTENDS healthcare_integration_procurement: a supplier from a sourcing
        # platform that requires onboarding waits for a compliance approver
        partner = super()._upsert(backend, record)
        if backend.hc_supplier_onboarding and not partner.hc_onboarding_state:
            partner.write(
                {"hc_onboarding_state": "pending", "hc_compliance_required": True}
            )
        return partner
