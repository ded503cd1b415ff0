# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime as dt

from odoo import _, models
from odoo.tools import float_compare, float_round

from odoo.addons.healthcare_integration_core.exceptions import HcBusinessError
from odoo.addons.healthcare_integration_core.lib import schema

from ..lib import documents as docs
from ..lib import ubl_documents, x12_documents


class HcHandlerProcurementAsn(models.AbstractModel):
    """Ship notices in: JSON, X12 856 or UBL DespatchAdvice.

    The open receipt of each order is prefilled with the shipped quantities,
    lots and serial numbers (with their expiry dates); what was not shipped
    stays expected, and what the supplier says is still to come (UBL
    ``OutstandingQuantity`` and its reason) is kept on the order line and in
    the ship notice's summary. The receipt lists the ship notices that
    prefilled it. A
    ship notice is applied once per order: sent again, it changes nothing.
    """

    _name = "hc.handler.procurement.asn"
    _inherit = "hc.handler"
    _description = "Procurement handler: ship notice in"
    _hc_directions = ("inbound",)

    def decode(self, message, body):
        fmt = message.flow_id._job_settings().payload_format
        try:
            if fmt == "x12":
                return x12_documents.read_856(body)
            if fmt == "xml":
                return [ubl_documents.read_despatch_advice(schema.parse_xml(body))]
            return [docs.read_asn_json(schema.load_json(body))]
        except docs.DocumentError as exc:
            raise schema.PayloadValidationError([str(exc)]) from None

    def process(self, message, document):
        resolver = self.env["hc.procurement.resolver"]
        pickings = self.env["stock.picking"].sudo()
        for asn in document:
            for shipped in asn["orders"]:
                order = resolver._purchase_order(
                    message.backend_id, shipped["po_number"]
                )
                resolver._check_peppol_parties(order, asn.get("parties"))
                # The processor is no stock user: the supplier's ship notice
                # prefills a receipt of its own order (checked above).
                pickings |= self._apply(message, order.sudo(), asn, shipped)
        return pickings

    def _apply(self, message, order, asn, shipped):
        asns = self.env["hc.procurement.asn"].sudo()
        existing = asns.search(
            [
                ("backend_id", "=", message.backend_id.id),
                ("name", "=", asn["shipment_id"]),
                ("order_id", "=", order.id),
            ]
        )
        if existing:
            return existing.picking_ids
        resolver = self.env["hc.procurement.resolver"]
        touched = order.env["stock.picking"]
        summary = []
        for doc_line in shipped["lines"]:
            line = resolver._order_line(
                order, doc_line["line_number"], doc_line["item_code"], doc_line["gtin"]
            )
            touched |= self._prefill(line, doc_line)
            summary.append(
                f"{line.hc_line_number} {line.product_id.display_name}: "
                f"{doc_line['quantity']}{self._keep_outstanding(line, doc_line)}"
            )
        self._clear_unannounced(touched)
        asn_record = asns.create(
            {
                "name": asn["shipment_id"],
                "backend_id": message.backend_id.id,
                "company_id": order.company_id.id,
                "order_id": order.id,
                "picking_ids": [(6, 0, touched.ids)],
                "message_id": message.id,
                "ship_date": asn.get("date") or False,
                "summary": "\n".join(summary),
            }
        )
        for picking in touched:
            resolver._note(
                picking,
                _(
                    "Prefilled from ship notice %(asn)s: %(lines)s",
                    asn=asn_record.name,
                    lines="; ".join(summary),
                ),
            )
        return touched

    def _keep_outstanding(self, line, doc_line):
        """Keep on the order line what the supplier says is still to come
        (and why); the words for the ship notice's summary."""
        outstanding = doc_line.get("outstanding")
        if outstanding is None:
            return ""  # the supplier does not say: what was known stays
        reason = doc_line.get("outstanding_reason")
        line.write(
            {
                "hc_outstanding_qty": float(outstanding),
                "hc_outstanding_reason": reason or False,
            }
        )
        if not outstanding:
            return _(" (nothing more to come)")
        if reason:
            return _(" (%(qty)s to follow: %(reason)s)", qty=outstanding, reason=reason)
        return _(" (%s to follow)", outstanding)

    # ------------------------------------------------------------------ prefill

    def _clear_unannounced(self, pickings):
        """A receipt prefilled by ship notices expects only what they announced.

        Odoo reserves the whole demand of a supplier receipt; the lines no ship
        notice announced are emptied, so that validating the receipt receives
        what was shipped and leaves the rest expected (as a backorder).
        """
        moves = pickings.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and not m.hc_asn_qty
        )
        moves.move_line_ids.filtered(lambda ml: not ml.picked).unlink()

    def _open_moves(self, line):
        return line.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
            and m.picking_id
            and m.picking_code == "incoming"
        ).sorted(lambda m: (m.hc_ack_backorder, m.date, m.id))

    def _prefill(self, line, doc_line):
        """Spread the shipped quantity over the line's open receipt moves."""
        moves = self._open_moves(line)
        if not moves:
            raise HcBusinessError(
                _(
                    "Line %(line)s of %(po)s has no receipt waiting for goods.",
                    line=line.hc_line_number,
                    po=line.order_id.name,
                ),
                kind="no_open_receipt",
                records=line.order_id,
            )
        quantity = line.product_uom._compute_quantity(
            float(doc_line["quantity"]), line.product_id.uom_id
        )
        parts = self._parts(line, doc_line, quantity)
        touched = line.env["stock.picking"]
        for move in moves:
            room = move.product_qty - move.hc_asn_qty
            if (
                float_compare(room, 0, precision_rounding=move.product_uom.rounding)
                <= 0
            ):
                continue
            taken, parts = self._take(parts, room)
            if taken:
                self._fill(move, taken)
                touched |= move.picking_id
            if not parts:
                break
        if parts:
            # more shipped than expected: the rest goes on the last receipt
            self._fill(moves[-1], parts)
            touched |= moves[-1].picking_id
        self._keep_instances(moves, doc_line)
        return touched

    def _keep_instances(self, moves, doc_line):
        """Each unit's or lot's own data (UBL item instances) on the receipt
        lines that carry its number: the supplier's lot of a serial number,
        the expiry and manufacture dates."""
        product = moves.product_id
        for entry in doc_line.get("instances") or ():
            values = {}
            if entry["serial"] and entry["lot"]:
                values["hc_supplier_lot"] = entry["lot"]
            if entry["manufactured"]:
                values["hc_manufacture_date"] = entry["manufactured"]
            if entry["expiry"] and product.use_expiration_date:
                values["expiration_date"] = dt.datetime.combine(
                    entry["expiry"], dt.time(12, 0)
                )
            name = entry["serial"] or entry["lot"]
            if values:
                moves.move_line_ids.filtered(
                    lambda ml, name=name: ml.lot_name == name
                ).write(values)

    def _parts(self, line, doc_line, quantity):
        """[(quantity, lot name or serial, expiry)] of a shipped line."""
        tracking = line.product_id.tracking
        if tracking == "serial":
            serials = doc_line["serials"]
            if len(serials) != int(round(quantity)):
                raise HcBusinessError(
                    _(
                        "Line %(line)s: %(qty)s units shipped but %(n)s serial "
                        "numbers given.",
                        line=doc_line["line_number"],
                        qty=quantity,
                        n=len(serials),
                    ),
                    kind="serials_mismatch",
                    records=line.order_id,
                )
            return [(1.0, serial, doc_line.get("expiry")) for serial in serials]
        if tracking == "lot":
            lots = doc_line["lots"]
            if not lots:
                raise HcBusinessError(
                    _(
                        "Line %s: the product is tracked by lot; no lot given.",
                        doc_line["line_number"],
                    ),
                    kind="lot_missing",
                    records=line.order_id,
                )
            if any(lot["quantity"] is None for lot in lots):
                raise HcBusinessError(
                    _(
                        "Line %s: several lots without their quantities.",
                        doc_line["line_number"],
                    ),
                    kind="lot_quantities",
                    records=line.order_id,
                )
            uom = line.product_uom
            return [
                (
                    uom._compute_quantity(
                        float(lot["quantity"]), line.product_id.uom_id
                    ),
                    lot["lot"],
                    lot["expiry"],
                )
                for lot in lots
            ]
        return [(quantity, None, None)]

    @staticmethod
    def _take(parts, room):
        """(parts that fit in ``room``, the rest); a lot may be split."""
        taken, rest = [], []
        for qty, name, expiry in parts:
            if room <= 0:
                rest.append((qty, name, expiry))
            elif qty <= room:
                taken.append((qty, name, expiry))
                room -= qty
            else:
                taken.append((room, name, expiry))
                rest.append((float_round(qty - room, 6), name, expiry))
                room = 0
        return taken, rest

    def _fill(self, move, parts):
        shipped = sum(qty for qty, _name, _exp in parts)
        if not any(name for _qty, name, _exp in parts):
            move.quantity = move.hc_asn_qty + shipped
        else:
            if not move.hc_asn_qty:
                # lines reserved by Odoo without a lot make way for the ASN's
                move.move_line_ids.filtered(lambda ml: not ml.lot_name).unlink()
            move.env["stock.move.line"].create(
                [
                    self._lot_line_values(move, qty, name, expiry)
                    for qty, name, expiry in parts
                ]
            )
        move.hc_asn_qty += shipped

    def _lot_line_values(self, move, qty, name, expiry):
        values = {
            "move_id": move.id,
            "picking_id": move.picking_id.id,
            "product_id": move.product_id.id,
            "product_uom_id": move.product_id.uom_id.id,
            "location_id": move.location_id.id,
            "location_dest_id": move.location_dest_id.id,
            "quantity": qty,
            "lot_name": name,
        }
        if expiry and move.product_id.use_expiration_date:
            values["expiration_date"] = dt.datetime.combine(expiry, dt.time(12, 0))
        return values
