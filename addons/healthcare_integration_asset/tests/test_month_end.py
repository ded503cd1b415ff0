# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from .common import AssetCase


class TestMonthEnd(AssetCase):
    """Month-end capitalization to finance: once per period, corrections as deltas."""

    def finance_pushes(self):
        return [
            json.loads(r["body"])
            for r in self.sim.requests(path="/api/finance/capital-assets")
        ]

    def test_period_is_pushed_once_and_a_correction_sends_the_delta(self):
        first_day, period = self.previous_period()
        distribution = {str(self.icu.id): 60, str(self.radiology.id): 40}
        with self.jobs() as trap:
            order = self.order(quantity=2, price=1200.0, distribution=distribution)
            receipt = self.receive(order.picking_ids, ["ME-1", "ME-2"])
            one, two = receipt.hc_equipment_ids.sorted("serial_no")
            one._hc_set_in_service(first_day)
            [closing] = self.env["hc.asset.finance.period"]._run_month_end(period)
            self.run_jobs(trap)
            self.assertEqual(one.hc_asset_id.state, "open")
            self.assertEqual(two.hc_asset_id.state, "draft", "not in service yet")
            [run] = closing.run_ids
            self.assertEqual((run.idempotency_key, run.state), (period, "done"))
            [push] = self.finance_pushes()
            self.assertEqual((push["period"], push["kind"]), (period, "period"))
            self.assertEqual(push["cutoff"], str(closing.date_to))
            rows = {row["cost_centre"]: row for row in push["cost_centres"]}
            # 1200 EUR = 2400 USD, 60 % intensive care, 40 % radiology
            self.assertEqual(rows["CC-ICU"]["capitalized"], 1440.0)
            self.assertEqual(rows["CC-RAD"]["capitalized"], 960.0)
            self.assertEqual(rows["CC-ICU"]["capitalized_count"], 1)
            depreciation = one.hc_asset_id.depreciation_line_ids.filtered(
                lambda line: line.move_check and line.type == "depreciate"
            )
            self.assertEqual(
                len(depreciation), 1, "the period's depreciation is posted"
            )
            self.assertEqual(depreciation.move_id.state, "posted")
            self.assertAlmostEqual(
                push["totals"]["depreciation"], depreciation.amount, places=2
            )
            self.assertEqual(one.hc_book_value, 2400.0 - depreciation.amount)

            # the same period again: nothing new to send
            self.sim.reset()
            again = self.env["hc.asset.finance.period"]._run_month_end(period)
            self.run_jobs(trap)
            self.assertEqual(again, closing)
            self.assertEqual(len(closing.run_ids), 1)
            self.assertFalse(self.finance_pushes())

            # commissioning entered late for that period: a correction
            two._hc_set_in_service(first_day)
            self.env["hc.asset.finance.period"]._run_month_end(period)
            self.run_jobs(trap)
        self.assertEqual(len(closing.run_ids), 2)
        self.assertEqual(
            closing.run_ids.sorted("id")[-1].idempotency_key, f"{period}/r1"
        )
        [correction] = self.finance_pushes()
        self.assertEqual(
            (correction["kind"], correction["revision"]), ("correction", 1)
        )
        rows = {row["cost_centre"]: row for row in correction["cost_centres"]}
        self.assertEqual(rows["CC-ICU"]["capitalized"], 1440.0)
        self.assertEqual(rows["CC-ICU"]["capitalized_count"], 1)
        sent = {line.cost_centre: line for line in closing.line_ids}
        self.assertEqual(sent["CC-ICU"].capitalized, 2880.0)
        self.assertEqual(sent["CC-RAD"].capitalized_count, 0)
        self.assertEqual(closing.capitalized, 4800.0)
