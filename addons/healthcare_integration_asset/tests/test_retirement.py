# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form

from .common import AssetCase


class TestRetirement(AssetCase):
    """Retirement: scrap the equipment, remove the asset (OCA), tell the other side."""

    def in_service_pump(self, serial):
        first_day, period = self.previous_period()
        receipt = self.receive(self.order(quantity=1).picking_ids, [serial])
        pump = receipt.hc_equipment_ids
        pump._hc_set_in_service(first_day)
        self.env["hc.asset.finance.period"]._run_month_end(period)
        self.assertEqual(pump.hc_asset_id.state, "open")
        return pump

    def test_retirement_in_odoo_posts_the_removal_and_notifies_the_eam(self):
        with self.jobs() as trap:
            pump = self.in_service_pump("RT-1")
            self.map_eam(pump, "EAM-9001")
            self.env["maintenance.request"].create(
                {"name": "Battery swap", "equipment_id": pump.id}
            )
            wizard = Form(
                self.env["hc.asset.retire.wizard"].with_context(
                    default_equipment_id=pump.id
                )
            )
            wizard.reason = "traded_in"
            wizard.sale_value = 1500.0
            wizard.note = "Traded in for the VIP-300 series"
            retire = wizard.save()
            self.assertEqual(retire.open_work_order_count, 1)
            with self.assertRaisesRegex(UserError, "open work orders"):
                retire.action_retire()
            retire.confirm_open_work_orders = True
            retire.action_retire()
            [message] = self.env["hc.message"].search(
                [("flow_id", "=", self.flows["retirement_out"].id)]
            )
            self.run_jobs(trap)
        asset = pump.hc_asset_id
        self.assertTrue(pump.scrap_date)
        self.assertEqual(
            (pump.hc_retirement_reason, pump.hc_retired_from), ("traded_in", "odoo")
        )
        self.assertEqual(asset.state, "removed")
        removal = asset.depreciation_line_ids.filtered(
            lambda line: line.type == "remove"
        )
        move = removal.move_id
        self.assertEqual(move.state, "posted")
        residual = removal.amount
        by_account = {line.account_id: line.balance for line in move.line_ids}
        self.assertEqual(by_account[self.account_proceeds], 1500.0)
        gain_or_loss = 1500.0 - residual
        if gain_or_loss > 0:
            self.assertAlmostEqual(by_account[self.account_gain], -gain_or_loss, 2)
        else:
            self.assertAlmostEqual(by_account[self.account_loss], -gain_or_loss, 2)
        self.assertEqual(pump.hc_book_value, 0.0)
        self.assertEqual(message.state, "done", message.error_text)
        [call] = self.sim.requests(path="/api/eam/retirements")
        sent = json.loads(call["body"])
        self.assertEqual(
            (sent["asset_id"], sent["reason"], sent["sale_value"]),
            ("EAM-9001", "traded_in", 1500.0),
        )

    def test_retirement_from_the_eam_waits_for_open_work_orders(self):
        with self.jobs() as trap:
            pump = self.in_service_pump("RT-2")
            order = self.env["maintenance.request"].create(
                {"name": "Annual inspection", "equipment_id": pump.id}
            )
            event = self.simulators.lifecycle(
                "retired",
                serial="RT-2",
                retired_on=str(fields.Date.today()),
                reason="damaged",
            )
            message = self.event("lifecycle_in", event)
            self.run_jobs(trap)
            self.assertEqual(
                (message.state, message.exception_kind), ("dead", "open_work_orders")
            )
            self.assertFalse(pump.scrap_date)
            order.stage_id = self.env.ref("maintenance.stage_3")
            replay = message._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done", replay.error_text)
        self.assertEqual(
            (pump.hc_retirement_reason, pump.hc_retired_from), ("damaged", "eam")
        )
        self.assertEqual(pump.hc_asset_id.state, "removed")
        self.assertFalse(
            self.env["hc.message"].search(
                [("flow_id", "=", self.flows["retirement_out"].id)]
            ),
            "a retirement from the EAM is not sent back to it",
        )

    def test_retiring_equipment_never_put_in_service_cancels_its_asset(self):
        receipt = self.receive(self.order(quantity=1).picking_ids, ["RT-3"])
        pump = receipt.hc_equipment_ids
        pump._hc_retire(pump.effective_date, "damaged", note="Dropped on delivery")
        asset = pump.hc_asset_id.with_context(active_test=False)
        self.assertEqual((asset.state, asset.active), ("draft", False))
        self.assertTrue(pump.scrap_date)
