# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError

from .common import ContractCase, contract


class TestContractMatch(ContractCase):
    """The three-way match holds bills to the contract price of the order date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hc.procurement.tolerance"].search([]).unlink()
        cls.tolerance = cls.env["hc.procurement.tolerance"].create(
            {
                "company_id": cls.company.id,
                "price_percent": 10.0,
                "contract_percent": 1.0,
            }
        )

    def setUp(self):
        super().setUp()
        self.pull([contract()])

    def test_billed_over_contract_is_its_own_exception_with_the_same_way_out(self):
        # ordered at the catalog price, billed as ordered: the order matches,
        # the contract (8.40) does not
        order = self.received_order([("gloves", 20, 8.75), ("syringe", 10, 14.05)])
        bill = self.bill(order, {})
        self.assertEqual(bill.hc_match_state, "mismatch")
        self.assertEqual(bill.payment_state, "blocked")
        lines = {ln.purchase_line_id.product_id: ln for ln in bill.hc_match_line_ids}
        gloves = lines[self.products["gloves"]]
        self.assertEqual(
            (gloves.verdict, gloves.ok, gloves.contract_price),
            ("contract_variance", False, 8.40),
        )
        self.assertIn("contract price 8.4 of CTR-T-1", gloves.reason)
        self.assertIn("(4.17%)", gloves.reason)
        syringe = lines[self.products["syringe"]]
        self.assertTrue(syringe.ok, "14.05 is within 1 % of 14.00")
        self.assertEqual(syringe.contract_id, self.contract_of("CTR-T-1"))
        with self.assertRaisesRegex(UserError, "three-way match"):
            bill.action_post()
        wizard = (
            self.env["hc.procurement.match.decision"]
            .with_context(default_move_id=bill.id, default_decision="approve")
            .create({"reason": "Contract renegotiation pending"})
        )
        wizard.action_confirm()
        self.assertEqual(
            (bill.hc_match_state, bill.payment_state), ("approved", "not_paid")
        )
        [entry] = self.env["hc.audit.log"].search(
            [
                ("action", "=", "match_variance_approved"),
                ("res_model", "=", "account.move"),
                ("res_id", "=", bill.id),
            ]
        )
        self.assertIn("contract_variance", entry.changes)
        self.assertIn("Contract renegotiation pending", entry.changes)

    def test_within_the_contract_tolerance_is_matched(self):
        order = self.received_order([("gloves", 20, 8.40)])
        bill = self.bill(order, {"gloves": 8.45})  # +0.6 %
        self.assertEqual(bill.hc_match_state, "matched", bill.hc_match_summary)
        self.assertEqual(bill.hc_match_line_ids.contract_price, 8.40)

    def test_a_line_not_on_the_order_beside_contract_lines(self):
        order = self.received_order([("gloves", 20, 8.40)])
        order.action_create_invoice()
        bill = order.invoice_ids
        bill.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.products["pump"].id, "price_unit": 9.0}
                    )
                ]
            }
        )
        bill._hc_run_three_way_match()
        verdicts = {ln.description: ln.verdict for ln in bill.hc_match_line_ids}
        self.assertEqual(
            sorted(verdicts.values()), ["matched", "not_on_order"], verdicts
        )
        self.assertEqual(bill.hc_match_state, "mismatch")

    def test_contract_price_of_the_order_date_not_of_the_bill(self):
        # ordered last year, before the contract: no contract price applies
        order = self.received_order([("gloves", 20, 8.75)])
        order.date_approve = fields.Datetime.now().replace(
            year=fields.Date.today().year - 1
        )
        bill = self.bill(order, {})
        self.assertEqual(bill.hc_match_state, "matched", bill.hc_match_summary)
        self.assertFalse(bill.hc_match_line_ids.contract_id)

    def test_own_tolerance_amount_and_credit_note_request(self):
        self.tolerance.write(
            {
                "contract_percent": 5.0,
                "contract_amount_limited": True,
                "contract_amount": 0.10,
            }
        )
        order = self.received_order([("gloves", 20, 8.40)])
        bill = self.bill(order, {"gloves": 8.60})  # 2.4 % but 0.20 a unit
        self.assertEqual(bill.hc_match_line_ids.verdict, "contract_variance")
        self.env["hc.procurement.match.decision"].with_context(
            default_move_id=bill.id, default_decision="credit_note"
        ).create({"reason": "Credit 0.20 a box"}).action_confirm()
        self.assertTrue(bill.hc_credit_note_requested_at)
        self.assertEqual(bill.payment_state, "blocked", "still blocked")
        # the supplier's corrected bill at the contract price matches
        bill.invoice_line_ids.price_unit = 8.40
        bill._hc_rematch()
        self.assertEqual(bill.hc_match_state, "matched")
        self.assertNotEqual(bill.payment_state, "blocked")

    def test_price_variance_kpi_per_supplier(self):
        order = self.received_order([("gloves", 20, 8.40)])
        bill = self.bill(order, {"gloves": 8.82})  # +5 % over contract
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_procurement.flow_type_invoice_in"
                ).id,
                "backend_id": self.backend.id,
            }
        )
        with self.jobs():
            message = self.ingest(flow, b'{"invoice": "T-1"}')
        message.write(
            {
                "state": "done",
                "done_at": fields.Datetime.now() - timedelta(minutes=1),
                "res_model": "account.move",
                "res_id": bill.id,
            }
        )
        self.env["hc.kpi"]._observe_finished(message)
        self.env["hc.kpi.daily"]._compact()
        [row] = self.env["hc.kpi.daily"].search(
            [("kpi", "=", "contract_price_variance")]
        )
        self.assertEqual((row.count, row.partner_id), (1, self.supplier))
        self.assertAlmostEqual(row.total, 0.05, places=4)
        self.assertEqual(row.reading, "5.0 %")

    def test_price_variance_kpi_declared_alerted_on_like_the_suites_own(self):
        # declared through hc.kpi._hc_kpi_definitions: a rate, lower is better
        label, _unit, higher_is_better = self.env["hc.kpi"]._hc_kpi_definitions()[
            "contract_price_variance"
        ]
        self.assertEqual(label, "Price variance against contract")
        self.assertFalse(higher_is_better)
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_procurement.flow_type_invoice_in"
                ).id,
                "backend_id": self.backend.id,
            }
        )
        now = fields.Datetime.now()
        for value in (0.05, 0.01):
            self.env["hc.kpi.daily"]._observe(
                "contract_price_variance", value, self.company, now, flow=flow
            )
        rule = self.env["hc.alert.rule"].create(
            {
                "name": "Contract variance over 2 %",
                "condition": "kpi",
                "kpi": "contract_price_variance",
                "kpi_threshold": 2,
                "flow_id": flow.id,
            }
        )
        self.assertEqual(rule.kpi_unit, "%")
        opened, _closed = rule._evaluate(now)
        self.assertEqual(opened.value, 3)
        self.assertIn("Price variance against contract", opened.name)
        self.assertIn("above 2 %", opened.description)
