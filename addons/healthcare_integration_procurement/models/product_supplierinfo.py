# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

REVIEW_STATES = [
    ("ok", "In use"),
    ("to_review", "Price change to review"),
    ("rejected", "Change refused"),
]


class ProductSupplierinfo(models.Model):
    """Vendor prices, as the catalog pull keeps them."""

    _inherit = "product.supplierinfo"

    hc_catalog_key = fields.Char(
        string="Catalog line",
        readonly=True,
        copy=False,
        help="Identity of the price line in the supplier's catalog.",
    )
    hc_backend_id = fields.Many2one(
        "hc.backend", string="Catalog source", readonly=True, copy=False
    )
    hc_vendor_uom = fields.Char(
        string="Supplier unit",
        readonly=True,
        help="The unit the supplier quoted the price in (converted to the "
        "product's purchase unit).",
    )
    hc_review_state = fields.Selection(
        REVIEW_STATES, string="Catalog review", default="ok", copy=False
    )
    hc_pending_price = fields.Float(
        string="Proposed price",
        readonly=True,
        copy=False,
        digits="Product Price",
        help="Price sent by the supplier, waiting for review before it is used.",
    )
    hc_previous_price = fields.Float(
        string="Previous price", readonly=True, copy=False, digits="Product Price"
    )
    hc_review_note = fields.Char(
        string="Decision note",
        copy=False,
        help="Why the price change is approved or refused; kept in the audit log.",
    )

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS product_supplierinfo_hc_catalog_key_uniq
                ON product_supplierinfo (partner_id, hc_catalog_key)
             WHERE hc_catalog_key IS NOT NULL
            """
        )
        # catalog pages resolve supplier item codes: one index probe per code
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS product_supplierinfo_hc_partner_code_idx
                ON product_supplierinfo (partner_id, product_code, id)
             WHERE product_code IS NOT NULL
            """
        )

    def _check_reviewable(self):
        if self.filtered(lambda line: line.hc_review_state != "to_review"):
            raise UserError(_("Only price changes waiting for review can be decided."))

    def action_hc_approve_price(self):
        """Use the proposed price from now on."""
        self._check_reviewable()
        for line in self:
            line._hc_audit_review("price_change_approved")
            line.write(
                {
                    "hc_previous_price": line.price,
                    "price": line.hc_pending_price,
                    "hc_pending_price": 0.0,
                    "hc_review_state": "ok",
                }
            )
        return True

    def action_hc_refuse_price(self):
        """Keep the price in use; the proposed one is dropped."""
        self._check_reviewable()
        for line in self:
            line._hc_audit_review("price_change_refused")
        self.write({"hc_pending_price": 0.0, "hc_review_state": "rejected"})
        return True

    def _hc_audit_review(self, action):
        """Who decided on which price change, when and why, in the audit chain."""
        self.ensure_one()
        self.env["hc.audit.log"].sudo()._log(
            action,
            self,
            {
                "supplier": self.partner_id.display_name,
                "product": self.product_tmpl_id.display_name,
                "price_in_use": self.price,
                "proposed_price": self.hc_pending_price,
                "currency": self.currency_id.name,
                "by": self.env.user.name,
                "at": fields.Datetime.to_string(fields.Datetime.now()),
                "reason": self.hc_review_note or None,
            },
        )
