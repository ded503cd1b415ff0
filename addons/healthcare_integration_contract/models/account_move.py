# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import fields, models

from odoo.addons.healthcare_integration_procurement.lib import matching

from ..lib import contracts as lib


class AccountMove(models.Model):
    """The three-way match also holds a bill line to its contract price."""

    _inherit = "account.move"

    def _compute_hc_match_tolerance(self):
        # EXTENDS healthcare_integration_procurement: the bill also shows the
        # contract price tolerance it was held to
        res = super()._compute_hc_match_tolerance()
        tolerances = self.env["hc.procurement.tolerance"]
        for bill in self.filtered("hc_match_state"):
            percent, amount = tolerances._contract_limits(
                bill.company_id, bill.partner_id
            )
            bill.hc_match_tolerance = (
                f"{bill.hc_match_tolerance} {lib.describe_tolerance(percent, amount)}"
            )
        return res

    def _hc_review_verdicts(self, inputs, verdicts):
        # EXTENDS healthcare_integration_procurement: the billed price against
        # the contract price valid on the order date, with its own tolerance;
        # outside it the line fails as a contract variance and the bill is
        # blocked like any mismatch (approve with a reason, or credit note)
        extra = super()._hc_review_verdicts(inputs, verdicts)
        prices = self._hc_contract_prices_of(inputs)
        if not prices:
            return extra
        percent, amount = self.env["hc.procurement.tolerance"]._contract_limits(
            self.company_id, self.partner_id
        )
        for (line, data), verdict, more in zip(inputs, verdicts, extra, strict=True):
            found = prices.get(line.purchase_line_id.id)
            if found is None or not data.on_order:
                continue
            contract, price = found
            more.update(contract_price=float(price), contract_id=contract.id)
            if matching.within(data.invoiced_price - price, price, percent, amount):
                continue
            verdict.codes.append(lib.CONTRACT_VARIANCE)
            verdict.reasons.append(
                lib.variance_reason(
                    data.reference,
                    data.invoiced_price,
                    price,
                    contract.hc_platform_ref or contract.name,
                )
            )
            verdict.ok = False
        return extra

    def _hc_contract_prices_of(self, inputs):
        """{order line id: (contract, contract price in the order line's unit
        and currency)} of the bill's lines a contract covers."""
        order_lines = self.env["purchase.order.line"].browse(
            [
                line.purchase_line_id.id
                for line, _data in inputs
                if line.purchase_line_id
            ]
        )
        order_lines = order_lines.filtered("product_id")
        keys = {
            ol.id: (
                ol.order_id.partner_id.commercial_partner_id.id,
                ol.product_id.id,
                # the day the order was placed: confirmed, else its order date
                fields.Date.to_date(ol.order_id.date_approve or ol.order_id.date_order),
            )
            for ol in order_lines
        }
        found = self.env["purchase.requisition"]._hc_contract_prices(
            keys.values(), self.company_id
        )
        prices = {}
        for order_line in order_lines:
            contract_price = found.get(keys[order_line.id])
            if contract_price is None:
                continue
            uom = self.env["uom.uom"].browse(contract_price.uom_id)
            price = uom._compute_price(contract_price.price, order_line.product_uom)
            currency = self.env["res.currency"].browse(contract_price.currency_id)
            if currency != order_line.currency_id:
                price = currency._convert(
                    price,
                    order_line.currency_id,
                    self.company_id,
                    keys[order_line.id][2],
                    round=False,
                )
            contract = self.env["purchase.requisition"].browse(
                contract_price.contract_id
            )
            prices[order_line.id] = (contract, Decimal(str(round(price, 6))))
        return prices
