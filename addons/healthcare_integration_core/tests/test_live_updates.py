# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Screens follow their record live (hc.live), and *Run now* shows the run
at work rather than refusing."""

import json

from .common import HcCase

FEED = [{"id": str(n), "updated_at": f"2026-11-0{n}"} for n in range(1, 4)]


class TestLiveRecords(HcCase):
    def record_notifications(self, before):
        self.env.cr.flush()  # what a commit does first: precommit hooks run
        return [
            (json.loads(n.channel), json.loads(n.message)["payload"])
            for n in self.env["bus.bus"].search([("id", "not in", before)])
            if json.loads(n.message)["type"] == "hc.record/changed"
        ]

    def test_a_changed_record_is_told_on_its_own_channel_once(self):
        before = self.env["bus.bus"].search([]).ids
        run = self.env["hc.sync.run"].create({"flow_id": self.flow_out.id})
        run.page_count = 2
        run.pages_done = 1
        told = self.record_notifications(before)
        db = self.env.cr.dbname
        self.assertEqual(
            told,
            [
                (
                    [db, "hc_record", "hc.sync.run", run.id],
                    {"model": "hc.sync.run", "id": run.id},
                )
            ],
            "one notification per record and transaction",
        )
        self.assertEqual(run.progress, 50.0)

    def test_a_delivered_message_tells_its_linked_record(self):
        partner = self.env["res.partner"].create({"name": "Live partner"})
        before = self.env["bus.bus"].search([]).ids
        with self.jobs() as trap:
            message = self.send({"order": "LIVE-1"})
            message.write({"res_model": "res.partner", "res_id": partner.id})
            self.run_jobs(trap)
        told = [payload for _channel, payload in self.record_notifications(before)]
        self.assertIn({"model": "res.partner", "id": partner.id}, told)

    def test_the_record_channel_is_granted_to_its_readers_only(self):
        """What ir.websocket adds to a browser's channels when it asks for
        ``hc_record:<model>:<id>`` (the rest of its chain needs a request)."""
        run = self.env["hc.sync.run"].create({"flow_id": self.flow_out.id})
        name = f"hc_record:hc.sync.run:{run.id}"
        live = self.env["hc.live"]
        db = self.env.cr.dbname
        self.assertEqual(
            live._channel_for(name), (db, "hc_record", "hc.sync.run", run.id)
        )
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "live_outsider",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        self.assertIsNone(live.with_user(outsider)._channel_for(name), "no read access")
        for bad in (
            "hc_record:no.such.model:1",
            f"hc_record:hc.sync.run:{run.id + 999}",
            "hc_record:hc.sync.run:1;drop",
        ):
            self.assertIsNone(live._channel_for(bad), bad)


class TestRunNow(HcCase):
    def setUp(self):
        super().setUp()
        self.sim.set_feed("live", FEED, page_size=2)
        self.flow = self.pull_flow("live", batch_page_size=2)

    def test_run_now_shows_the_run_the_schedule_started(self):
        with self.jobs() as trap:
            run = self.env["hc.sync.run"]._cron_run(self.flow.id)
            self.assertEqual(run.origin, "schedule")
            answer = self.flow.action_run_batch()
            self.assertEqual(answer["tag"], "display_notification")
            self.assertIn(run.name, answer["params"]["message"])
            self.assertIn(
                f"{self.flow.name} was already at work",
                answer["params"]["message"],
            )
            self.assertIn("by the schedule", answer["params"]["message"])
            self.assertEqual(answer["params"]["next"]["res_id"], run.id)
            self.assertEqual(
                self.env["hc.sync.run"].search([("flow_id", "=", self.flow.id)]),
                run,
                "no second run",
            )
            self.run_jobs(trap)
        self.assertEqual(run.state, "done")

    def test_run_now_starts_a_run_and_opens_it(self):
        with self.jobs() as trap:
            answer = self.flow.action_run_batch()
            run = self.env["hc.sync.run"].search([("flow_id", "=", self.flow.id)])
            self.assertEqual(
                answer["params"]["message"],
                f"{self.flow.name} started. Pulls pages from a partner's feed and "
                f"stores them; applies nothing. Its run: {run.name}.",
            )
            self.assertEqual(answer["params"]["next"]["res_id"], run.id)
            self.run_jobs(trap)
        self.assertEqual(run.state, "done")
