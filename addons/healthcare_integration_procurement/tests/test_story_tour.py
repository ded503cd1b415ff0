# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The X12-over-SFTP procurement story of readme/USAGE.md, clicked in the
browser; the test plays the supplier (its SFTP server and the simulator's
*Send 855 / 856 / 810*) between the tour's phases."""

from odoo.tests import tagged

from odoo.addons.healthcare_integration_core.tests.common import SftpServerMixin
from odoo.addons.queue_job.job import Job

from .common import ProcurementHttpCase

ANSWERS = {
    "ack_in_x12": "855_*.x12",
    "asn_in_x12": "856_*.x12",
    "invoice_in_x12": "810_*.x12",
}


@tagged("post_install", "-at_install")
class TestProcurementStoryTour(SftpServerMixin, ProcurementHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sshd = cls.start_sftp_server()
        sftp = cls.sftp_backend_values(cls.sshd, cls.backend_x12.code)
        cls.backend_x12.write(
            {
                key: value
                for key, value in sftp.items()
                if key not in ("name", "code", "connect_timeout")
            }
        )
        for name, glob in ANSWERS.items():
            cls.flows[("x12", name)].write({"file_glob": glob, "x12_ack": "997"})
        # the simulator drops its answers in Odoo's in folder, as in the demo
        cls.sim.sftp_root = cls.sshd.root

    def setUp(self):
        super().setUp()
        self.last_job_before = max(self.env["queue.job"].search([]).ids, default=0)

    def run_pending_jobs(self, rounds=10):
        """Run the queued jobs as the job runner would (none runs in tests),
        each as its own user, until none is left."""
        for _round in range(rounds):
            self.env.flush_all()
            self.env.invalidate_all()
            # this test's jobs: others' committed leftovers are not its story
            pending = self.env["queue.job"].search(
                [
                    ("state", "in", ("pending", "enqueued")),
                    ("id", ">", self.last_job_before),
                ],
                order="id",
            )
            if not pending:
                return
            for stored in pending:
                job = Job.load(self.env, stored.uuid)
                job.set_started()
                job.store()
                job.perform()
                self.env.flush_all()
                job.set_done()
                job.store()
        raise AssertionError("jobs kept requeueing themselves")

    def tour(self, url, name):
        self.env.flush_all()
        self.start_tour(url, name, login="admin")

    def test_order_answered_by_files_received_and_billed(self):
        order = self.order(
            self.supplier_x12,
            [("gloves", 20, 8.75), ("syringe", 16, 14.20)],
            confirm=False,
        )
        self.tour(
            "/odoo/action-purchase.purchase_rfq", "hc_procurement_story_order_tour"
        )
        self.assertEqual(order.state, "purchase")
        self.run_pending_jobs()  # the 850 goes to the supplier's server
        self.assertEqual(order.hc_transmission_state, "sent")
        self.sim.send_855(order.name)
        form = f"/odoo/action-purchase.purchase_rfq/{order.id}"
        self.tour(form, "hc_procurement_story_fetch_tour")
        self.run_pending_jobs()  # the pull stores the 855, its job applies it
        self.assertEqual(order.hc_transmission_state, "acknowledged")
        self.sim.send_856(order.name)
        self.supplier_x12.action_hc_fetch_answers()
        self.run_pending_jobs()
        self.tour(form, "hc_procurement_story_answered_tour")
        receipt = order.picking_ids.filtered("hc_asn_ids").sorted("id")[:1]
        self.tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "hc_procurement_story_receipt_tour",
        )
        self.assertEqual(receipt.state, "done")
        self.sim.send_810(order.name)
        self.supplier_x12.action_hc_fetch_answers()
        self.run_pending_jobs()
        [bill] = order.invoice_ids
        self.assertEqual(bill.hc_match_state, "mismatch")
        self.tour(
            "/odoo/action-healthcare_integration_procurement.account_move_action_hc_mismatch",
            "hc_procurement_story_bill_tour",
        )

    def test_fetch_answers_shows_the_run_the_schedule_started(self):
        flow = self.flows[("x12", "ack_in_x12")]
        scheduled = self.env["hc.sync.run"]._cron_run(flow.id)
        answer = self.supplier_x12.action_hc_fetch_answers()
        text = answer["params"]["message"]
        self.assertIn(f"{flow.name} was already at work", text)
        self.assertIn(f"its run {scheduled.name}", text)
        self.assertIn("by the schedule", text)
        runs = self.env["hc.sync.run"].search([("flow_id", "=", flow.id)])
        self.assertEqual(runs, scheduled, "no second pull of the flow")
