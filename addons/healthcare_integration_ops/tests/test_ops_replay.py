# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A replay that resolves a failure takes it off the dashboard and closes its
alert at once; an alert's text follows its value."""

from odoo.addons.healthcare_integration_core.tests.common import HcCase


class TestReplayClearsOperations(HcCase):
    def test_successful_replay_leaves_the_dashboard_failures(self):
        with self.jobs() as trap:
            original = self.dead_message(trap)
            self.assertTrue(
                self.env["hc.ops.stats"]._unacknowledged_dead(self.flow_out)
            )
            original._replay()
            self.run_jobs(trap)
        dead = self.env["hc.ops.stats"]._unacknowledged_dead(self.flow_out)
        self.assertFalse(dead, "out of the dashboard's failures")

    def test_replay_closes_the_open_alert(self):
        rule = self.env["hc.alert.rule"].create(
            {
                "name": "Replay watch",
                "condition": "dead_messages",
                "backend_id": self.backend.id,
                "threshold": 0,
            }
        )
        with self.jobs() as trap:
            original = self.dead_message(trap)
            opened, _closed = rule._evaluate()
            self.assertEqual(len(opened), 1)
            cron = self.env.ref("healthcare_integration_ops.cron_hc_alert_evaluate")
            triggers = self.env["ir.cron.trigger"].search_count(
                [("cron_id", "=", cron.id)]
            )
            original._replay()
            self.run_jobs(trap)
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers,
            "the rules look again without waiting for their round",
        )
        _opened, closed = rule._evaluate()
        self.assertEqual(closed, opened)
        self.assertEqual(opened.state, "closed")


class TestAlertValue(HcCase):
    def test_description_follows_the_value(self):
        rule = self.env["hc.alert.rule"].create(
            {
                "name": "Count watch",
                "condition": "dead_messages",
                "backend_id": self.backend.id,
                "threshold": 0,
            }
        )
        self.sim.fail_next("/api/orders", count=6, status=503)
        with self.jobs() as trap:
            self.send({"order": "V-1"})
            self.run_jobs(trap)
            [alert], _closed = rule._evaluate()
            self.assertIn("1 failed message(s)", alert.description)
            self.send({"order": "V-2"})
            self.run_jobs(trap)
        rule._evaluate()
        self.assertEqual(alert.value, 2)
        self.assertIn("2 failed message(s)", alert.description)
