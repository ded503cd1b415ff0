# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.healthcare_integration_core.lib import retry
from odoo.addons.healthcare_integration_core.lib import states as st
from odoo.addons.healthcare_integration_reconciliation.lib import kpi as lib

ACK_TYPES = (
    "procurement.ack_in",
    "procurement.ack_in_x12",
    "procurement.ack_in_ubl",
)
INVOICE_TYPES = (
    "procurement.invoice_in",
    "procurement.invoice_in_x12",
    "procurement.invoice_in_ubl",
)
RECEIPT_TYPES = ("procurement.receipt_out",)
LINKED_PARTNER_MODELS = ("purchase.order", "account.move", "stock.picking")


class HcKpi(models.AbstractModel):
    """Procurement's KPIs, observed as its messages finish: order
    acknowledgement latency, invoice first-pass match rate, procurement cycle
    time (order sent to goods received), the supplier scorecard's on-time
    delivery and fill rate, and every procurement KPI per supplier."""

    _inherit = "hc.kpi"

    # EXTENDS hc.kpi
    @api.model
    def _observe_finished(self, message):
        result = super()._observe_finished(message)
        code = message.flow_type_id.code
        if code in ACK_TYPES:
            self._observe_ack(message)
        elif code in INVOICE_TYPES:
            self._observe_invoice(message)
        elif code in RECEIPT_TYPES:
            self._observe_receipt(message)
        return result

    # EXTENDS hc.kpi
    @api.model
    def _partner_of(self, message):
        if message.flow_id.domain != "procurement":
            return super()._partner_of(message)
        record = message._linked_record() if message.res_id else None
        if record is not None and record._name in LINKED_PARTNER_MODELS:
            return record.partner_id.commercial_partner_id
        suppliers = message.backend_id.sudo().procurement_supplier_ids
        return suppliers if len(suppliers) == 1 else None

    def _observe_ack(self, message):
        """Seconds from the order sent to its acknowledgement received."""
        order = message._linked_record() if message.state == st.DONE else None
        if order is None or order._name != "purchase.order" or not order.hc_sent_at:
            return
        seconds = max((message.create_date - order.hc_sent_at).total_seconds(), 0)
        self._observe(
            lib.ACK_LATENCY,
            seconds,
            message,
            partner=order.partner_id.commercial_partner_id,
        )

    def _observe_invoice(self, message):
        """1 when an invoice is matched the first time it is processed: a
        replay, or an invoice refused as a business exception first, is no
        first pass."""
        if message.parent_relation == "replay":
            return
        if message.state == st.DONE:
            bill = message._linked_record()
            if bill is None or bill._name != "account.move":
                return
            matched = bill.hc_match_state == "matched"
        elif message.error_class == retry.ERROR_BUSINESS:
            matched = False
        else:
            return
        self._observe(
            lib.INVOICE_FIRST_MATCH,
            1 if matched else 0,
            message,
            partner=self._partner_of(message),
        )

    def _observe_receipt(self, message):
        """At goods received (the receipt's notice going out): the cycle time
        from the order sent; per order line, delivered on time (by its
        planned date) or not; on an order's first receipt, the share of the
        ordered quantity it brought (fill rate)."""
        receipt = message._linked_record() if message.state == st.DONE else None
        if receipt is None or receipt._name != "stock.picking":
            return
        order = receipt.purchase_id
        supplier = order.partner_id.commercial_partner_id
        if order.hc_sent_at and receipt.date_done:
            seconds = max((receipt.date_done - order.hc_sent_at).total_seconds(), 0)
            self._observe(lib.CYCLE_TIME, seconds, message, partner=supplier)
        moves = receipt.move_ids.filtered(
            lambda m: m.purchase_line_id and m.state == "done"
        )
        for move in moves:
            planned = move.purchase_line_id.date_planned
            on_time = bool(planned) and receipt.date_done.date() <= planned.date()
            self._observe(lib.ON_TIME_DELIVERY, int(on_time), message, partner=supplier)
        if not receipt.backorder_id and moves:
            lines = moves.purchase_line_id
            ordered = sum(lines.mapped("product_qty"))
            received = sum(moves.mapped("quantity"))
            if ordered:
                self._observe(
                    lib.FILL_RATE,
                    min(received / ordered, 1.0),
                    message,
                    partner=supplier,
                )
