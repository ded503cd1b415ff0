# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import date_utils

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.healthcare_integration_core.tests.common import (
    HcTestMixin,
    SimulatorMixin,
)

ONE_DAY = timedelta(days=1)


@tagged("post_install", "-at_install")
class TestAccrual(HcTestMixin, SimulatorMixin, AccountTestInvoicingCommon):
    """Received not invoiced at a month's end: accrued in the month's last
    batch, reversed in the next month's first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref(
            "healthcare_integration_core.group_hc_manager"
        ) | cls.env.ref("purchase.group_purchase_manager")
        cls.sim = cls.start_simulator(name="accrual-test")
        backend = cls.env["hc.backend"].create(
            {
                "name": "Group finance ERP",
                "code": "finance_erp_accrual",
                "base_url": cls.sim.url,
                "auth_type": "none",
                "company_id": cls.env.company.id,
            }
        )
        cls.accrued = cls.env["account.account"].create(
            {
                "name": "Accrued expenses",
                "code": "219900",
                "account_type": "liability_current",
            }
        )
        cls.flow = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_finance.flow_type_journal_out"
                ).id,
                "backend_id": backend.id,
                "name": "journal_out",
                "code": "journal_out_accrual",
                "finance_accrual_account_id": cls.accrued.id,
            }
        )
        today = fields.Date.context_today(cls.env.user)
        # last month's end: the hand-off runs for a cutoff that is past
        cls.period_end = date_utils.start_of(today, "month") - timedelta(days=1)
        cls.ordered_on = cls.period_end - timedelta(days=5)
        cls.cleaning = cls.env["product.product"].create(
            {
                "name": "Theatre cleaning (test)",
                "type": "service",
                "purchase_method": "receive",
                "property_account_expense_id": cls.company_data[
                    "default_account_expense"
                ].id,
            }
        )

    def order(self, quantity, price, received, billed=0, billed_on=None):
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.partner_a.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.cleaning.id,
                            "product_qty": quantity,
                            "price_unit": price,
                            "taxes_id": [(5, 0, 0)],
                        },
                    )
                ],
            }
        )
        order.button_confirm()
        order.date_approve = fields.Datetime.to_datetime(self.ordered_on)
        order.order_line.qty_received = received
        if billed:
            bill = self.env["account.move"].browse(
                order.action_create_invoice()["res_id"]
            )
            bill.invoice_line_ids.quantity = billed
            bill.invoice_date = billed_on or self.period_end - ONE_DAY
            bill.action_post()
        return order

    def hand_off(self, cutoff):
        with self.jobs() as trap:
            batch = self.env["hc.finance.batch"]._cron_hand_off(cutoff)
            self.run_jobs(trap)
        return batch.filtered(lambda b: b.flow_id == self.flow)

    def sent_entries(self, batch):
        [call] = [
            c
            for c in self.sim.requests(path="/finance/journal-batches")
            if json.loads(c["body"])["batch"] == batch.name
        ]
        return json.loads(call["body"])["entries"]

    def test_received_not_invoiced_accrued_and_reversed(self):
        # 6 of 10 received, 2 of them billed: 4 x 20 to accrue; an order
        # received and billed in full accrues nothing
        self.order(10, 20.0, received=6, billed=2)
        self.order(3, 50.0, received=3, billed=3)
        self.order(5, 9.0, received=0)
        # received in the period, billed in the next: 4 x 10 to accrue
        self.order(4, 10.0, received=4, billed=4, billed_on=self.period_end + ONE_DAY)

        # a day that is no period end accrues nothing
        self.hand_off(self.period_end - timedelta(days=1))
        self.assertFalse(
            self.env["account.move"].search([("hc_accrual_date", "!=", False)])
        )
        batch = self.hand_off(self.period_end)
        accrual, reversal = self.env["account.move"].search(
            [("hc_accrual_date", "=", self.period_end)], order="date"
        )
        self.assertEqual(accrual.date, self.period_end)
        self.assertEqual(reversal.date, self.period_end + timedelta(days=1))
        self.assertEqual(reversal.reversed_entry_id, accrual)
        self.assertEqual((accrual.state, reversal.state), ("posted", "posted"))
        liability = accrual.line_ids.filtered(
            lambda line: line.account_id == self.accrued
        )
        self.assertEqual(liability.credit, 120.0)
        expenses = accrual.line_ids - liability
        self.assertEqual(
            expenses.account_id, self.company_data["default_account_expense"]
        )
        self.assertEqual(sorted(expenses.mapped("debit")), [40.0, 80.0])

        # the accrual goes in the period's last batch, the reversal in the
        # next period's first, which says what it reverses
        self.assertIn(accrual, batch.move_ids)
        self.assertNotIn(reversal, batch.move_ids)
        names = [entry["entry"] for entry in self.sent_entries(batch)]
        self.assertIn(accrual.name, names)
        self.hand_off(self.period_end)  # the period's end run again
        self.assertEqual(
            self.env["account.move"].search_count(
                [("hc_accrual_date", "=", self.period_end)]
            ),
            2,
            "accrued once per period",
        )
        following = self.hand_off(self.period_end + ONE_DAY)
        self.assertIn(reversal, following.move_ids, "with the bill of that day")
        [entry] = [
            e for e in self.sent_entries(following) if e["entry"] == reversal.name
        ]
        self.assertEqual(entry["reverses"], accrual.name)

    def test_no_accrual_account_no_accrual(self):
        self.order(10, 20.0, received=6)
        self.flow.finance_accrual_account_id = False
        self.hand_off(self.period_end)
        self.assertFalse(
            self.env["account.move"].search([("hc_accrual_date", "!=", False)])
        )
