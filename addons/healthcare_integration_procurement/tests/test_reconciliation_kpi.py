# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields

from . import test_invoice_in as invoice_tests
from .common import ProcurementCase

LINES = [("gloves", 20, 8.75), ("syringe", 10, 14.20)]
REPORT = "/control-report"


class TestProcurementReconciliationKpi(ProcurementCase):
    """Orders reconciled with the supplier's report; procurement KPIs."""

    receive = invoice_tests.TestInvoiceIn.receive

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hc.procurement.tolerance"].search([]).unlink()
        cls.env["hc.procurement.tolerance"].create(
            {"company_id": cls.company.id, "price_percent": 2.0, "qty_percent": 0.0}
        )
        # the supplier platform reports from another system than its order API
        cls.reporting = cls.env["hc.backend"].create(
            {
                "name": "Test MedDistrib reporting",
                "code": "t_meddistrib_reports",
                "base_url": f"{cls.sim.url}/reports",
                "auth_type": "none",
            }
        )

    def kpi(self, kpi):
        self.env["hc.kpi.daily"]._compact()
        return self.env["hc.kpi.daily"].search([("kpi", "=", kpi)])

    def test_orders_reconciled_with_the_supplier_report(self):
        flow = self.flow("json", "po_out")
        first = self.order(self.supplier_json, LINES)
        second = self.order(self.supplier_json, LINES[:1])
        today = fields.Date.today()  # a period is a UTC day
        reconciliation = self.env["hc.reconciliation"].create(
            {
                "name": "MedDistrib orders",
                "flow_id": flow.id,
                "handler_model": "hc.reconciliation.handler.procurement.orders",
                "control_backend_id": self.reporting.id,
                "control_endpoint": REPORT + "?date={date}",
                "first_day": today,
                "lag_days": 0,
            }
        )
        # the supplier has the first order at another total, not the second
        report = {
            "documents": [
                {"type": "order", "reference": first.name, "amount": "1.00"},
            ]
        }
        self.sim.script(f"/reports{REPORT}", [{"json": report}], method="GET")
        period = reconciliation._reconcile_day(today)
        self.assertEqual(period.state, "differences", period.error_text)
        found = {d.reference: d for d in period.difference_ids}
        self.assertEqual(found[first.name].kind, "amount_differs")
        self.assertEqual(found[first.name].our_amount, first.amount_total)
        self.assertEqual(found[second.name].kind, "missing_at_partner")
        self.assertEqual(
            (found[second.name].res_model, found[second.name].res_id),
            ("purchase.order", second.id),
        )
        self.assertEqual(found[second.name].message_id, second._hc_last_order_message())
        self.assertEqual((period.our_count, period.their_count), (2, 1))

    def test_ack_latency_and_supplier_exception_rate(self):
        order = self.order(self.supplier_json, LINES[:1])
        ack = {
            "po_number": order.name,
            "lines": [
                {
                    "line_number": 1,
                    "item": "NBG-4402M",
                    "status": "accepted",
                    "quantity": 20,
                }
            ],
        }
        message = self.receive_payload(self.flow("json", "ack_in"), ack)
        self.assertEqual(message.state, "done", message.error_text)
        [latency] = self.kpi("ack_latency")
        self.assertEqual(latency.partner_id, self.supplier_json)
        self.assertEqual(latency.count, 1)
        expected = (message.create_date - order.hc_sent_at).total_seconds()
        self.assertAlmostEqual(latency.total, expected, places=3)
        # an ack of an order never sent is a business exception of the supplier
        unknown = self.receive_payload(
            self.flow("json", "ack_in"), dict(ack, po_number="PO-NOPE")
        )
        self.assertEqual(unknown.exception_kind, "unknown_order")
        rows = self.kpi("exception_rate").filtered(
            lambda r: r.flow_id == self.flow("json", "ack_in")
        )
        self.assertEqual(rows.partner_id, self.supplier_json)
        self.assertEqual((sum(rows.mapped("count")), sum(rows.mapped("total"))), (2, 1))

    def test_invoice_first_pass_match_rate(self):
        flow = self.flow("json", "invoice_in")
        order = self.order(self.supplier_json, LINES)
        self.receive(order)

        def invoice(number, qty2):
            return {
                "invoice_number": number,
                "date": "2026-03-20",
                "currency": self.company.currency_id.name,
                "lines": [
                    {"line_number": 1, "item": "NBG-4402M", "quantity": 20},
                    {"line_number": 2, "item": "NBS-1010LL", "quantity": qty2},
                ],
            }

        for number, qty in (("MD-1", 10), ("MD-2", 12)):
            body = invoice(number, qty)
            for line, price in zip(body["lines"], (8.75, 14.20), strict=True):
                line["unit_price"] = price
            message = self.receive_payload(flow, body)
            self.assertEqual(message.state, "done", message.error_text)
        [rate] = self.kpi("invoice_first_pass")
        self.assertEqual((rate.count, rate.total), (2, 1))
        self.assertEqual(rate.reading, "50.0 %")
        self.assertEqual(rate.partner_id, self.supplier_json)
        # the goods received close the cycle of the order
        [cycle] = self.kpi("cycle_time")
        self.assertEqual(cycle.partner_id, self.supplier_json)
        self.assertEqual(cycle.count, 1)
        # the scorecard: both lines by their planned date, all of it at once
        [on_time] = self.kpi("on_time_delivery")
        self.assertEqual((on_time.count, on_time.total), (2, 2))
        [fill] = self.kpi("fill_rate")
        self.assertEqual((fill.count, fill.total), (1, 1))

    def test_partial_first_receipt_fill_rate(self):
        order = self.order(self.supplier_json, LINES)
        self.receive(order, {1: 10, 2: 10})  # 20 ordered on line 1
        [fill] = self.kpi("fill_rate")
        self.assertEqual(fill.count, 1)
        self.assertAlmostEqual(fill.total, 20 / 30)
        self.assertEqual(fill.partner_id, self.supplier_json)
