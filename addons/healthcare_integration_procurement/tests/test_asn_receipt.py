# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime as dt
import json

from .common import ProcurementCase

LINES = [
    ("gloves", 20, 8.75),
    ("iv_set", 4, 212.16),
    ("gauze", 25, 5.10),
    ("pump", 2, 1450.0),
]


class TestAsnAndReceipt(ProcurementCase):
    """Ship notices prefill the receipt; a validated receipt goes back out."""

    def asn_856(self, order, asn="ASN-T-1"):
        return self.receive_payload(
            self.flow("x12", "asn_in_x12"),
            self.data("856_asn_serials.edi", **{"{PO}": order.name, "{ASN}": asn}),
        )

    def move(self, order, number):
        return self.line(order, number).move_ids.filtered(lambda m: m.state != "cancel")

    def test_856_with_lots_and_serials_prefills_the_receipt(self):
        order = self.order(self.supplier_x12, LINES)
        receipt = order.picking_ids
        message = self.asn_856(order)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(message._linked_record(), receipt)
        self.assertEqual(receipt.hc_asn_ids.name, "ASN-T-1")
        self.assertEqual(receipt.hc_asn_ids.order_id, order)
        # gloves: 12 of 20 shipped, the rest still expected
        gloves = self.move(order, 1)
        self.assertEqual((gloves.product_uom_qty, gloves.quantity), (20, 12))
        # IV sets: two lots (SLN) with their quantities and expiry date
        iv_lines = self.move(order, 2).move_line_ids.sorted("lot_name")
        self.assertEqual(
            [(ml.lot_name, ml.quantity) for ml in iv_lines],
            [("IV24A0317", 3), ("IV24A0402", 1)],
        )
        self.assertEqual(iv_lines[0].expiration_date.date(), dt.date(2028, 3, 31))
        # pump: one move line per serial number
        self.assertEqual(
            sorted(self.move(order, 4).move_line_ids.mapped("lot_name")),
            ["NBP3K-001942", "NBP3K-001943"],
        )
        # gauze was not shipped: nothing prefilled
        self.assertFalse(self.move(order, 3).quantity)
        # the same ship notice again changes nothing
        again = self.receive_payload(
            self.flow("x12", "asn_in_x12"),
            self.data(
                "856_asn_serials.edi", **{"{PO}": order.name, "{ASN}": "ASN-T-1"}
            ),
            key="asn-resent",
        )
        self.assertEqual(again.state, "done")
        self.assertEqual(self.move(order, 1).quantity, 12)
        self.assertEqual(len(self.move(order, 2).move_line_ids), 2)

    def test_serial_count_must_match(self):
        order = self.order(self.supplier_x12, LINES)
        body = self.data("856_asn_serials.edi", **{"{PO}": order.name, "{ASN}": "A-3"})
        message = self.receive_payload(
            self.flow("x12", "asn_in_x12"), body.replace(b"SN1**2*EA", b"SN1**3*EA")
        )
        self.assertEqual(
            (message.state, message.exception_kind), ("dead", "serials_mismatch")
        )
        self.assertFalse(order.picking_ids.hc_asn_ids, "nothing applied")

    def test_json_and_ubl_ship_notices(self):
        order = self.order(
            self.supplier_json, [("iv_set", 10, 212.16), ("pump", 1, 1450.0)]
        )
        message = self.receive_payload(
            self.flow("json", "asn_in_ubl"),
            self.data("ubl_despatch_advice.xml", **{"{PO}": order.name}),
        )
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(self.move(order, 1).move_line_ids.lot_name, "IV26-0311")
        self.assertEqual(self.move(order, 1).quantity, 6)
        self.assertEqual(self.move(order, 2).move_line_ids.lot_name, "NBP3K-900001")
        message = self.receive_payload(
            self.flow("json", "asn_in"),
            {
                "shipment_id": "SH-2",
                "po_number": order.name,
                "lines": [
                    {
                        "line_number": 1,
                        "item": "NBI-2060",
                        "quantity": 4,
                        "lots": [{"lot": "IV26-0400", "expiry": "2028-06-30"}],
                    }
                ],
            },
        )
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(self.move(order, 1).quantity, 10)
        self.assertEqual(len(order.picking_ids.hc_asn_ids), 2)

    def test_validated_receipt_goes_out_with_lots_and_refusals(self):
        order = self.order(self.supplier_x12, LINES)
        self.asn_856(order)
        receipt = order.picking_ids
        gloves = self.move(order, 1)
        gloves.write({"hc_refused_qty": 2, "hc_refused_reason": "Crushed boxes"})
        gloves.quantity = 10
        self.move(order, 3).quantity = 0  # the gauze did not come
        with self.jobs() as trap:
            receipt.with_context(skip_backorder=True).button_validate()
            self.run_jobs(trap)
        [request] = self.sim.requests(path="/northbay/receipts")
        body = json.loads(request["body"])
        self.assertEqual(body["po_number"], order.name)
        self.assertEqual(body["ship_notices"], ["ASN-T-1"])
        lines = {line["line_number"]: line for line in body["lines"]}
        self.assertEqual(
            (lines[1]["shipped"], lines[1]["received"], lines[1]["refused"]),
            (12, 10, 2),
        )
        self.assertEqual(lines[1]["refused_reason"], "Crushed boxes")
        self.assertEqual(
            sorted((lot["lot"], lot["quantity"]) for lot in lines[2]["lots"]),
            [("IV24A0317", 3), ("IV24A0402", 1)],
        )
        self.assertEqual(lines[2]["lots"][0]["expiry"], "2028-03-31")
        self.assertEqual(sorted(lines[4]["serials"]), ["NBP3K-001942", "NBP3K-001943"])
        self.assertEqual(receipt.hc_message_count, 2)  # the ASN in, the receipt out
