# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import date

from .common import PayrollCase


class TestBatchLive(PayrollCase):
    """The batch form that *Close cutoff and send* opens follows the batch:
    sent, then acknowledged by the provider, without a reload (hc.live)."""

    def test_an_open_batch_form_is_told_of_the_acknowledgement(self):
        self.work(self.hire("E8301", "Ana Martins"), date(2025, 3, 3))
        self.sim.script(
            "/payroll/inputs", [{"status": 202, "json": {"status": "queued"}}]
        )
        with self.jobs() as trap:
            action = self.period.action_close_cutoff()
            self.run_jobs(trap)
        batch = self.env["hc.payroll.batch"].browse(action["res_id"])
        self.assertEqual(batch.state, "sent")
        self.env.cr.flush()
        before = self.env["bus.bus"].search([]).ids
        batch._hc_reconcile({"status": "rejected", "reason": "closed"})
        self.env.cr.flush()  # what a commit does first: precommit hooks run
        told = [
            json.loads(n.message)["payload"]
            for n in self.env["bus.bus"].search([("id", "not in", before)])
            if json.loads(n.message)["type"] == "hc.record/changed"
        ]
        self.assertIn({"model": "hc.payroll.batch", "id": batch.id}, told)
        view = self.env.ref("healthcare_integration_payroll.hc_payroll_batch_view_form")
        self.assertIn('widget="hc_live_statusbar"', view.arch)
