# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import namedtuple
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# states of a blanket order whose prices are in force
IN_FORCE = ("confirmed", "done")
# states whose periods may not overlap (a draft is checked when confirmed)
CHECKED = ("confirmed",)

ContractPrice = namedtuple(
    "ContractPrice", "price uom_id currency_id contract_id contract_name"
)


class PurchaseRequisition(models.Model):
    """A supplier contract is an Odoo blanket order (purchase agreement).

    From the contract repository it carries the platform's id and the digest
    of what the repository sent. Two contracts in force of one supplier may
    not share an item on a common day: the contract price of a day must be
    one price. An agreement without a start or an end date is open on that
    side (Odoo's own rule refuses an end before the start).
    """

    _inherit = "purchase.requisition"

    hc_backend_id = fields.Many2one(
        "hc.backend", string="Contract repository", readonly=True, copy=False
    )
    hc_platform_ref = fields.Char(
        string="Platform contract id", readonly=True, copy=False, index=True
    )
    hc_digest = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        (
            "hc_platform_ref_unique",
            "unique(hc_backend_id, hc_platform_ref)",
            "A platform contract is one agreement per repository.",
        ),
    ]

    @api.constrains("state", "date_start", "date_end", "vendor_id", "line_ids")
    def _check_hc_contract_period(self):
        for contract in self.filtered(
            lambda c: c.requisition_type == "blanket_order" and c.state in CHECKED
        ):
            # Odoo refuses an end before the start; an agreement without a
            # start or an end date is open on that side
            clash = contract._hc_overlapping()
            if clash:
                other, product = clash
                raise ValidationError(
                    _(
                        "%(contract)s (%(start)s to %(end)s) overlaps %(other)s "
                        "(%(ostart)s to %(oend)s) of %(supplier)s for "
                        "%(product)s: one price per item and day.",
                        contract=contract.hc_platform_ref or contract.name,
                        start=contract.date_start,
                        end=contract.date_end,
                        other=other.hc_platform_ref or other.name,
                        ostart=other.date_start,
                        oend=other.date_end,
                        supplier=contract.vendor_id.display_name,
                        product=product.display_name,
                    )
                )

    def _hc_overlapping(self):
        """(other contract, product) in force for the same supplier and item
        on a day of this one's period, or None."""
        self.ensure_one()
        others = self.sudo().search(
            [
                ("id", "!=", self.id),
                ("requisition_type", "=", "blanket_order"),
                ("state", "in", CHECKED),
                ("company_id", "=", self.company_id.id),
                ("vendor_id", "=", self.vendor_id.id),
                "|",
                ("date_start", "=", False),
                ("date_start", "<=", self.date_end or date.max),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", self.date_start or date.min),
                ("line_ids.product_id", "in", self.line_ids.product_id.ids),
            ],
            limit=1,
        )
        for other in others:
            common = self.line_ids.product_id & other.line_ids.product_id
            return other, common[:1]
        return None

    # ------------------------------------------------------------------ lookup

    @api.model
    def _hc_contract_prices(self, keys, company=None):
        """The contract price of each (supplier id, product id, date).

        ``{key: ContractPrice(price, uom_id, currency_id, contract_id,
        contract_name)}`` for the keys a contract in force of ``company``
        (default: the environment's) covers (the supplier's commercial
        entity, the contract's period holding the date), in one query however
        many keys: the three-way match asks it for a bill's lines, a report
        or a benchmark for ten thousand::

            prices = env["purchase.requisition"]._hc_contract_prices(
                [(supplier.id, product.id, order.date_order.date())], order.company_id
            )
        """
        company = company or self.env.company
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        self.env["purchase.requisition"].flush_model()
        self.env["purchase.requisition.line"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        # one statement for the lot (a search per line is the naive loop the
        # governance benchmark compares against)
        self.env.cr.execute(
            """
            SELECT k.partner_id, k.product_id, k.day, found.price_unit,
                   found.product_uom_id, found.currency_id, found.id, found.name
              FROM unnest(%s::int[], %s::int[], %s::date[])
                   AS k(partner_id, product_id, day)
              JOIN res_partner p ON p.id = k.partner_id
             CROSS JOIN LATERAL (
                   SELECT l.price_unit, l.product_uom_id, r.currency_id, r.id,
                          r.name
                     FROM purchase_requisition r
                     JOIN purchase_requisition_line l ON l.requisition_id = r.id
                    WHERE r.vendor_id = p.commercial_partner_id
                      AND l.product_id = k.product_id
                      AND r.requisition_type = 'blanket_order'
                      AND r.company_id = %s
                      AND r.state IN %s
                      AND r.active
                      AND coalesce(r.date_start, k.day) <= k.day
                      AND coalesce(r.date_end, k.day) >= k.day
                    ORDER BY r.date_start DESC NULLS LAST, r.id DESC
                    LIMIT 1
             ) AS found
            """,
            (
                [key[0] for key in keys],
                [key[1] for key in keys],
                [key[2] for key in keys],
                company.id,
                IN_FORCE,
            ),
        )
        return {
            (partner, product, day): ContractPrice(*rest)
            for partner, product, day, *rest in self.env.cr.fetchall()
        }

    @api.model
    def _hc_contract_price(self, partner, product, day, company=None):
        """The ``ContractPrice`` of ``product`` from ``partner`` on ``day``,
        or None (one key of ``_hc_contract_prices``)."""
        key = (partner.id, product.id, day)
        return self._hc_contract_prices([key], company).get(key)
