# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .hc_handler_ehr_master import LOCATION_FLOW

EXCHANGED_FIELDS = {"name", "barcode", "active", "location_id", "hc_ehr_location"}


class StockLocation(models.Model):
    _name = "stock.location"
    _inherit = ["stock.location", "hc.consumer.mixin"]

    hc_ehr_location = fields.Boolean(
        string="Known to the EHR",
        help="Sent to the EHR as a FHIR Location when it changes; the EHR's "
        "codes for it come back into the location crosswalk.",
    )
    hc_ehr_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Default service line",
        help="Service line charged with supplies used on this ward when the "
        "EHR's usage event names none.",
    )

    def write(self, vals):
        res = super().write(vals)
        if EXCHANGED_FIELDS & set(vals):
            self.filtered("hc_ehr_location")._hc_ehr_send()
        return res

    def _hc_ehr_send(self):
        handler = self.env["hc.handler.ehr.master"]
        for location in self:
            handler._send_record(location, LOCATION_FLOW)

    def action_hc_ehr_send(self):
        self._hc_ehr_send()
        return True
