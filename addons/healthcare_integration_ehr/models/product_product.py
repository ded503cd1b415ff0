# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .hc_handler_ehr_master import ITEM_FLOW

EXCHANGED_FIELDS = {
    "name",
    "default_code",
    "barcode",
    "uom_id",
    "active",
    "hc_ehr_item",
}


class ProductTemplate(models.Model):
    _inherit = "product.template"

    hc_ehr_item = fields.Boolean(
        string="Clinical supply (EHR)",
        help="Sent to the EHR as a FHIR DeviceDefinition when it changes: code, "
        "GTIN, unit and whether it is active.",
    )

    def write(self, vals):
        res = super().write(vals)
        if EXCHANGED_FIELDS & set(vals):
            self.with_context(active_test=False).product_variant_ids.filtered(
                "hc_ehr_item"
            )._hc_ehr_send()
        return res


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "hc.consumer.mixin"]

    def write(self, vals):
        res = super().write(vals)
        if EXCHANGED_FIELDS & set(vals):
            self.filtered("hc_ehr_item")._hc_ehr_send()
        return res

    def _hc_ehr_send(self):
        handler = self.env["hc.handler.ehr.master"]
        for product in self:
            handler._send_record(product, ITEM_FLOW)

    def action_hc_ehr_send(self):
        self._hc_ehr_send()
        return True
