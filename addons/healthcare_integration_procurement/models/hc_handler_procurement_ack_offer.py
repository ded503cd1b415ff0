# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models

from ..exceptions import HcDecisionPending
from ..lib import documents as docs
from .hc_handler_procurement_ack import _noon


class HcHandlerProcurementAck(models.AbstractModel):
    """What a supplier offers in its acknowledgement that the buyer did not
    order: a substitute for an ordered line, or a line it adds (a Peppol
    OrderResponse line with status 1).

    The acknowledgement waits as a ``substitution`` business exception (the
    same decision queue as substitutions, nothing of it applied) until the
    buyer accepts each added line into the order or declines it; the replay
    then applies the answer with the decisions: an accepted line becomes an
    order line (the supplier's quantity, price and promised date, on the
    order's receipt), a declined one is left out and said so in the order's
    chatter.
    """

    _inherit = "hc.handler.procurement.ack"

    def _offer_of(self, line, substitute):
        code = substitute.get("item_code") or substitute.get("gtin")
        return (
            self.env["hc.procurement.substitution"]
            .sudo()
            .search([("line_id", "=", line.id), ("offered_code", "=", code)], limit=1)
        )

    def _undecided_offers(self, order, ack, backend):
        resolver = self.env["hc.procurement.resolver"]
        offers = []
        for doc_line in ack["lines"]:
            line = resolver._order_line(
                order, doc_line["line_number"], doc_line["item_code"], doc_line["gtin"]
            )
            for entry in doc_line["acks"]:
                if entry["status"] != docs.SUBSTITUTED:
                    continue
                if self._offer_of(line, entry["substitute"]).state in (
                    "accepted",
                    "refused",
                ):
                    continue
                product = resolver._product(
                    order.partner_id.commercial_partner_id,
                    backend,
                    entry["substitute"]["item_code"],
                    entry["substitute"]["gtin"],
                )
                offers.append(
                    (
                        line,
                        dict(entry["substitute"], product_id=product.id),
                        entry["quantity"],
                    )
                )
        return offers

    def _wait_for_decisions(self, offers, additions=()):
        """Nothing of the answer applies: it waits for the buyer's decision on
        each substitution and each line the supplier added (see
        ``hc_handler_procurement_ack_addition``)."""
        described = [
            self.env._(
                "%(po)s line %(line)s: ordered %(ordered)s, offered %(offered)s",
                po=line.order_id.name,
                line=line.hc_line_number,
                ordered=line.product_id.display_name,
                offered=substitute.get("item_code") or substitute.get("gtin"),
            )
            for line, substitute, _qty in offers
        ] + self._describe_additions(additions)
        kept = [(line.id, substitute, qty) for line, substitute, qty in offers]
        added = [(order.id, line) for order, line in additions]

        def record(env, message):
            lines = env["purchase.order.line"].sudo()
            orders = env["purchase.order"].sudo()
            offers = env["hc.procurement.substitution"]
            offers._record_offers(
                message, [(lines.browse(lid), sub, qty) for lid, sub, qty in kept]
            )
            offers._record_additions(
                message, [(orders.browse(oid), line) for oid, line in added]
            )

        what = (
            _("Substitution offered")
            if not additions
            else _("Line added by the supplier")
            if not offers
            else _("Substitution offered and line added by the supplier")
        )
        raise HcDecisionPending(
            _(
                "%(what)s, waiting for the buyer's decision: %(described)s",
                what=what,
                described="; ".join(described),
            ),
            kind="substitution",
            record_decision=record,
        )

    # ------------------------------------------------------------------ added lines

    def _undecided_additions(self, order, ack, backend):
        """[(order, added line with its product)] not decided yet."""
        resolver = self.env["hc.procurement.resolver"]
        supplier = order.partner_id.commercial_partner_id
        additions = []
        for added in ack.get("added") or ():
            if self._addition_of(order, added).state in ("accepted", "refused"):
                continue
            product = resolver._product(
                supplier, backend, added["item_code"], added["gtin"]
            )
            additions.append((order, dict(added, product_id=product.id)))
        return additions

    def _addition_of(self, order, added):
        code = added.get("item_code") or added.get("gtin")
        return (
            self.env["hc.procurement.substitution"]
            .sudo()
            .search(
                [
                    ("order_id", "=", order.id),
                    ("kind", "=", "addition"),
                    ("offered_code", "=", code),
                ],
                limit=1,
            )
        )

    def _describe_additions(self, additions):
        return [
            self.env._(
                "%(po)s: line %(line)s added, %(item)s",
                po=order.name,
                line=added["line_number"],
                item=added.get("item_code") or added.get("gtin"),
            )
            for order, added in additions
        ]

    def _apply_additions(self, order, ack):
        """Apply the buyer's decision on each added line; [(line, item, text)]
        for the order's chatter."""
        rows = []
        for added in ack.get("added") or ():
            offer = self._addition_of(order, added)
            item = added.get("description") or offer.offered_code
            if offer.state != "accepted":
                rows.append(
                    (
                        added["line_number"],
                        item,
                        self.env._("added by the supplier, declined by the buyer"),
                    )
                )
                continue
            if not offer.result_line_id:
                offer.result_line_id = self._add_offered_line(order, offer)
            rows.append(
                (
                    offer.result_line_id.hc_line_number,
                    offer.result_line_id.product_id.display_name,
                    self.env._(
                        "added by the supplier, accepted by the buyer: %(qty)s",
                        qty=offer.quantity,
                    ),
                )
            )
        return rows

    def _add_offered_line(self, order, offer):
        """The order line an accepted added line becomes: the supplier's line
        number when it is free, else the next one."""
        numbers = order.order_line.mapped("hc_line_number")
        wanted = offer.added_line_ref or ""
        number = (
            int(wanted)
            if wanted.isdigit() and int(wanted) not in numbers
            else max(numbers or [0]) + 1
        )
        product = offer.offered_product_id
        taxes = product.supplier_taxes_id.filtered(
            lambda tax: tax.company_id == order.company_id
        )
        values = {
            "order_id": order.id,
            "product_id": product.id,
            "product_qty": offer.quantity,
            "product_uom": product.uom_po_id.id,
            "date_planned": _noon(offer.offered_date) or order.date_planned,
            "taxes_id": [(6, 0, order.fiscal_position_id.map_tax(taxes).ids)],
            "hc_line_number": number,
            "hc_ordered_qty": offer.quantity,
            "hc_ack_state": "accepted",
            "hc_confirmed_qty": offer.quantity,
            "hc_confirmed_date": offer.offered_date or False,
        }
        if offer.offered_price:
            # without a price of the supplier's, the catalog's applies
            values["price_unit"] = offer.offered_price
        return order.env["purchase.order.line"].create(values)
