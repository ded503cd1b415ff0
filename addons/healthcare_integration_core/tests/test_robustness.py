# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields

from .common import HcCase


class TestRobustness(HcCase):
    def test_stuck_running_message_is_recovered(self):
        with self.jobs() as trap:
            message = self.send()
            trap.enqueued_jobs.clear()  # the worker died with the job
            message.sudo().write({"state": "running"})
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE hc_message SET write_date = %s WHERE id = %s",
                (fields.Datetime.now() - timedelta(hours=1), message.id),
            )
            message.invalidate_recordset()
            recovered = self.env["hc.maintenance"]._cron_recover()
            self.assertIn(message, recovered)
            self.assertEqual(message.state, "retrying")
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")
        self.assertEqual(len(self.received()), 1)

    def test_lost_job_is_requeued(self):
        with self.jobs() as trap:
            message = self.send()
            trap.enqueued_jobs.clear()  # its job was lost (never stored)
            message.sudo().next_attempt_at = fields.Datetime.now() - timedelta(hours=1)
            self.assertIn(message, self.env["hc.maintenance"]._cron_recover())
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")

    def test_poison_message_does_not_block_the_next(self):
        self.sim.script("/api/orders", [{"status": 400, "json": {"error": "bad"}}])
        with self.jobs() as trap:
            poison = self.send({"order": "BAD"})
            healthy = self.send({"order": "GOOD"})
            self.run_jobs(trap)
        self.assertEqual(poison.state, "dead")
        self.assertEqual(healthy.state, "done")

    def test_ordered_per_key_holds_only_that_key(self):
        self.flow_out.ordered_per_key = True
        self.sim.script("/api/orders", [{"status": 400}])
        with self.jobs() as trap:
            first_a = self.send({"order": "A1"}, ordering_key="PO-A")
            second_a = self.send({"order": "A2"}, ordering_key="PO-A")
            other_b = self.send({"order": "B1"}, ordering_key="PO-B")
            self.run_jobs(trap)
            self.assertEqual(first_a.state, "dead")
            self.assertEqual(second_a.state, "queued")
            self.assertIn(first_a.name, second_a.waiting_reason)
            self.assertEqual(other_b.state, "done")
            first_a.action_cancel()
            self.run_jobs(trap)
        self.assertEqual(second_a.state, "done")
        bodies = [r["body"] for r in self.received()]
        self.assertLess(
            bodies.index('{"order": "A1"}'), bodies.index('{"order": "A2"}')
        )

    def test_pause_then_resume_delivers_what_waited(self):
        self.flow_out.action_pause()
        with self.jobs() as trap:
            waiting = [self.send({"order": f"PO-{n}"}) for n in range(2)]
            self.run_jobs(trap)
            self.assertEqual([m.state for m in waiting], ["queued", "queued"])
            self.assertFalse(self.received())
            self.flow_out.action_resume()
            self.run_jobs(trap)
        self.assertEqual([m.state for m in waiting], ["done", "done"])
        self.assertEqual(len(self.received()), 2)

    def test_paused_backend_waits_too(self):
        self.backend.action_pause()
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
            self.assertEqual(message.state, "queued")
            self.backend.action_resume()
            self.run_jobs(trap)
        self.assertEqual(message.state, "done")
