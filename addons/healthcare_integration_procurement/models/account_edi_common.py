# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountEdiCommon(models.AbstractModel):
    """Odoo's UBL/CII importer, told which supplier a received invoice is from.

    When an invoice comes through a procurement flow, the supplier was already
    identified by the governed rules (backend, VAT, GLN, crosswalk): the
    importer must not match or create a partner by name, and it reads item
    codes as the supplier's own codes first.
    """

    _inherit = "account.edi.common"

    def _import_partner(self, company_id, name, phone, email, vat, *args, **kwargs):
        # EXTENDS account_edi_ubl_cii
        supplier_id = self.env.context.get("hc_procurement_supplier_id")
        if supplier_id:
            return self.env["res.partner"].browse(supplier_id), []
        return super()._import_partner(
            company_id, name, phone, email, vat, *args, **kwargs
        )

    def _import_product(self, **product_vals):
        # EXTENDS account_edi_ubl_cii
        supplier_id = self.env.context.get("hc_procurement_supplier_id")
        code = product_vals.get("default_code")
        if supplier_id and code:
            info = self.env["product.supplierinfo"].search(
                [
                    ("partner_id", "=", supplier_id),
                    ("product_code", "=", code),
                ],
                limit=1,
            )
            if info:
                return info.product_id or info.product_tmpl_id.product_variant_id
        return super()._import_product(**product_vals)
