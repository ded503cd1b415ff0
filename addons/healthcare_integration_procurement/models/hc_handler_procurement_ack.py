# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime as dt
from decimal import Decimal

from markupsafe import Markup, escape

from odoo import _, fields, models
from odoo.tools import float_compare

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_core.lib import schema

from ..lib import documents as docs
from ..lib import ubl_documents, x12_documents


def _noon(day):
    return dt.datetime.combine(day, dt.time(12, 0)) if day else False


class HcHandlerProcurementAck(models.AbstractModel):
    """Order acknowledgements in: JSON, X12 855 or UBL OrderResponse.

    Per line (found by line number and item): accepted (the confirmed date
    updates the line and its incoming move); quantity changed (the line's
    quantity becomes the confirmed one); backordered (the confirmed part keeps
    the receipt, the rest moves to a backorder receipt on the new date);
    rejected (the line's quantity becomes what is confirmed, the buyer gets an
    activity); substitution and line added by the supplier (never applied by
    themselves: the message waits as a ``substitution`` business exception
    until the buyer decides, then is replayed).
    """

    _name = "hc.handler.procurement.ack"
    _inherit = "hc.handler"
    _description = "Procurement handler: order acknowledgement in"
    _hc_directions = ("inbound",)

    def decode(self, message, body):
        fmt = message.flow_id._job_settings().payload_format
        try:
            if fmt == "x12":
                return x12_documents.read_855(body)
            if fmt == "xml":
                return [ubl_documents.read_order_response(schema.parse_xml(body))]
            return [docs.read_ack_json(schema.load_json(body))]
        except docs.DocumentError as exc:
            raise schema.PayloadValidationError([str(exc)]) from None

    def process(self, message, document):
        resolver = self.env["hc.procurement.resolver"]
        backend = message.backend_id
        orders = []
        for ack in document:
            order = resolver._purchase_order(backend, ack["po_number"])
            resolver._check_peppol_parties(order, ack.get("parties"))
            ack = self._as_ordered(order, self._complete_ack(order, ack))
            orders.append((order, ack))
        offers, additions = [], []
        for order, ack in orders:
            offers += self._undecided_offers(order, ack, backend)
            additions += self._undecided_additions(order, ack, backend)
        if offers or additions:
            self._wait_for_decisions(offers, additions)
        touched = self.env["purchase.order"]
        for order, ack in orders:
            # The processor is no purchase user: the supplier's answer is
            # applied to an order of this backend's supplier (checked above).
            touched |= self._apply(order.sudo(), ack, backend)
        return touched

    def _as_ordered(self, order, ack):
        """The answer with each quantity left out (UBL: a line accepted,
        changed or substituted without ``cbc:Quantity``) read as the line's
        ordered quantity."""
        if all(e["quantity"] is not None for ln in ack["lines"] for e in ln["acks"]):
            return ack
        resolver = self.env["hc.procurement.resolver"]
        lines = []
        for doc_line in ack["lines"]:
            line = resolver._order_line(
                order, doc_line["line_number"], doc_line["item_code"], doc_line["gtin"]
            )
            ordered = Decimal(str(line.product_qty))
            acks = [
                dict(e, quantity=ordered) if e["quantity"] is None else e
                for e in doc_line["acks"]
            ]
            lines.append(dict(doc_line, acks=acks))
        return dict(ack, lines=lines)

    def _complete_ack(self, order, ack):
        """The acknowledgement with a line per order line when it answers the
        whole order (``header_status``: an X12 855 without PO1, BAK02 AK/RJ;
        a Peppol OrderResponse AP/RE without lines),
        and line numbers for lines naming only their item (no PO101)."""
        lines = order.order_line.filtered("hc_line_number")
        if ack.get("header_status") and not ack["lines"]:
            status = ack["header_status"]
            return dict(
                ack,
                lines=[
                    {
                        "line_number": line.hc_line_number,
                        "item_code": None,
                        "gtin": None,
                        "acks": [
                            {
                                "status": status,
                                "quantity": Decimal(0)
                                if status == docs.REJECTED
                                else Decimal(str(line.product_qty)),
                                "date": None,
                                "substitute": None,
                            }
                        ],
                    }
                    for line in lines
                ],
            )
        completed = []
        for doc_line in ack["lines"]:
            if doc_line.get("line_number") is None:
                found = lines.filtered(
                    lambda line, d=doc_line: line._hc_item_matches(
                        d["item_code"], d["gtin"]
                    )
                )[:1]
                doc_line = dict(doc_line, line_number=found.hc_line_number or None)
            completed.append(doc_line)
        return dict(ack, lines=completed)

    # ------------------------------------------------------------------ applying

    def _apply(self, order, ack, backend):
        resolver = self.env["hc.procurement.resolver"]
        rows, changed = [], False
        for doc_line in ack["lines"]:
            line = resolver._order_line(
                order, doc_line["line_number"], doc_line["item_code"], doc_line["gtin"]
            )
            state, text = self._apply_line(line, doc_line["acks"], backend)
            changed = changed or state != "accepted"
            rows.append((line.hc_line_number, line.product_id.display_name, text))
        added = self._apply_additions(order, ack)
        changed = changed or bool(added)
        rows += added
        lines = order.order_line.filtered("hc_line_number")
        all_rejected = lines and all(
            line.hc_ack_state == "rejected" or not line.product_qty for line in lines
        )
        order.write(
            {
                "hc_exchange_state": "rejected" if all_rejected else "acknowledged",
                "hc_ack_reference": ack.get("reference") or False,
                "hc_acknowledged_at": fields.Datetime.now(),
                "partner_ref": order.partner_ref or ack.get("reference") or False,
            }
        )
        body = Markup("%s<ul>%s</ul>") % (
            _("Acknowledged by the supplier (%s):", ack.get("reference") or "-"),
            Markup("").join(
                Markup("<li>%s %s: %s</li>") % (escape(n), escape(p), escape(t))
                for n, p, t in rows
            ),
        )
        self.env["hc.procurement.resolver"]._note(order, body)
        if changed:
            summary = (
                _("The supplier rejected order %s", order.name)
                if all_rejected
                else _("The supplier changed order %s", order.name)
            )
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=order._hc_buyer().id,
                summary=summary,
                note=body,
            )
        return order

    def _apply_line(self, line, acks, backend):
        totals, dates, prices = {}, {}, {}
        substituted = Decimal(0)
        for entry in acks:
            status = entry["status"]
            totals.setdefault(status, Decimal(0))
            if status == docs.SUBSTITUTED:
                offer = self._offer_of(line, entry["substitute"])
                if offer.state == "accepted":
                    self._add_substitute(line, offer, entry)
                    substituted += entry["quantity"]
                else:
                    totals[docs.REJECTED] = (
                        totals.get(docs.REJECTED, 0) + entry["quantity"]
                    )
                continue
            totals[status] += entry["quantity"]
            if entry["date"]:
                dates.setdefault(status, entry["date"])
            if entry.get("unit_price") is not None:
                prices[status] = entry["unit_price"]
        confirmed = totals.get(docs.ACCEPTED, 0) + totals.get(docs.CHANGED, 0)
        backordered = totals.get(docs.BACKORDERED, Decimal(0))
        new_qty = float(confirmed + backordered)
        rounding = line.product_uom.rounding
        ordered = max(line.hc_ordered_qty, line.product_qty)
        if (
            float_compare(
                new_qty + float(substituted), ordered, precision_rounding=rounding
            )
            > 0
        ):
            raise HcBusinessError(
                _(
                    "Line %(line)s of %(po)s: the supplier confirms %(qty)s, more "
                    "than the %(ordered)s ordered.",
                    line=line.hc_line_number,
                    po=line.order_id.name,
                    qty=new_qty + float(substituted),
                    ordered=ordered,
                ),
                kind="over_confirmed",
                records=line.order_id,
            )
        state = self._line_state(line, totals, substituted, new_qty)
        if float_compare(new_qty, line.product_qty, precision_rounding=rounding) < 0:
            line.product_qty = new_qty
        # after the quantity: a new quantity recomputes the price from the catalog
        price = prices.get(docs.CHANGED)
        if price is not None:
            line.price_unit = float(price)
        when = dates.get(docs.ACCEPTED) or dates.get(docs.CHANGED)
        if when:
            line.date_planned = _noon(when)
            line.move_ids.filtered(
                lambda m: m.state not in ("done", "cancel") and not m.hc_ack_backorder
            ).write({"date": _noon(when)})
        if backordered:
            self._split_backorder(line, float(backordered), dates.get(docs.BACKORDERED))
        line.write(
            {
                "hc_ack_state": state,
                "hc_confirmed_qty": float(confirmed),
                "hc_confirmed_date": when or False,
                "hc_backorder_qty": float(backordered),
                "hc_backorder_date": dates.get(docs.BACKORDERED) or False,
            }
        )
        text = dict(line._fields["hc_ack_state"].selection)[state]
        text += _(", confirmed %(qty)s", qty=float(confirmed))
        if when:
            text += _(" for %s", when)
        if price is not None:
            text += _(", price %s", float(price))
        if backordered:
            text += _(
                ", %(qty)s backordered to %(date)s",
                qty=float(backordered),
                date=dates.get(docs.BACKORDERED) or "?",
            )
        return state, text

    @staticmethod
    def _line_state(line, totals, substituted, new_qty):
        if substituted:
            return "substituted"
        if not new_qty and docs.REJECTED in totals:
            return "rejected"
        if totals.get(docs.BACKORDERED):
            return "backordered"
        rounding = line.product_uom.rounding
        if (
            docs.REJECTED in totals
            or docs.CHANGED in totals
            or float_compare(new_qty, line.product_qty, precision_rounding=rounding) < 0
        ):
            return "changed"
        return "accepted"

    def _split_backorder(self, line, quantity, when):
        """Move ``quantity`` of the line's receipt to a backorder receipt."""
        open_moves = line.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and m.picking_id
        )
        if open_moves.filtered("hc_ack_backorder"):
            return  # applied already (a replay)
        move = open_moves[:1]
        if not move:
            return
        quantity = line.product_uom._compute_quantity(quantity, move.product_id.uom_id)
        new_moves = move.env["stock.move"].create(move._split(quantity))
        new_moves._action_confirm(merge=False)
        values = {"hc_ack_backorder": True}
        if when:
            values.update(date=_noon(when), date_deadline=_noon(when))
        new_moves.write(values)
        move.picking_id._create_backorder(backorder_moves=new_moves)

    def _add_substitute(self, line, offer, entry):
        order = line.order_id
        if order.order_line.filtered(
            lambda ln: ln.hc_substitute_for_id == line
            and ln.product_id == offer.offered_product_id
        ):
            return  # applied already (a replay)
        price = entry["substitute"].get("unit_price")
        top = max(order.order_line.mapped("hc_line_number") or [0])
        order.env["purchase.order.line"].create(
            {
                "order_id": order.id,
                "product_id": offer.offered_product_id.id,
                "product_qty": float(entry["quantity"]),
                "product_uom": line.product_uom.id,
                "price_unit": float(price) if price is not None else line.price_unit,
                "date_planned": _noon(entry["date"]) or line.date_planned,
                "taxes_id": [(6, 0, line.taxes_id.ids)],
                "hc_line_number": top + 1,
                "hc_ordered_qty": float(entry["quantity"]),
                "hc_substitute_for_id": line.id,
                "hc_ack_state": "accepted",
                "hc_confirmed_qty": float(entry["quantity"]),
            }
        )
