# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A replay that succeeds resolves what it replays; a resolved message is
not replayed again."""

import json

from odoo.exceptions import UserError

from .common import HcCase


class TestReplayResolution(HcCase):
    def test_successful_replay_resolves_its_original(self):
        with self.jobs() as trap:
            original = self.dead_message(trap)
            replay = original._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done")
        self.assertEqual(original.state, "done", "no longer a failure")
        self.assertEqual(original.superseded_by_id, replay)
        self.assertEqual(original.resolved_by_id, self.env.user)
        self.assertEqual(replay.trace_id, original.trace_id, "one trace")
        self.assertNotEqual(replay.traceparent, original.traceparent, "a new span")
        self.assertFalse(
            self.env["hc.message"].search_count(
                [("id", "=", original.id), ("state", "=", "dead")]
            ),
            "out of the failed messages",
        )
        self.assertIn(
            f"Resolved by its replay {replay.name}",
            original.message_ids.mapped("body")[0],
        )

    def test_resolved_message_is_not_replayed_again(self):
        with self.jobs() as trap:
            original = self.dead_message(trap)
            original._replay()
            self.run_jobs(trap)
            with self.assertRaisesRegex(UserError, "already replayed successfully"):
                original.action_replay()
        self.assertEqual(len(original.child_ids), 1, "no second replay")
        self.assertEqual(len(self.received()), 4, "three failures, one delivery")

    def test_replay_under_way_is_not_doubled(self):
        with self.jobs() as trap:
            original = self.dead_message(trap)
            replay = original._replay()
            refusal = f"already being replayed by {replay.name}"
            with self.assertRaisesRegex(UserError, refusal):
                original._replay()

    def test_done_message_is_not_replayed(self):
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
            with self.assertRaisesRegex(UserError, "already processed"):
                message.action_replay()

    def test_replay_of_a_failed_replay_resolves_the_whole_chain(self):
        with self.jobs() as trap:
            original = self.dead_message(trap)
            self.sim.fail_next("/api/orders", count=3, status=503)
            first = original._replay()
            self.run_jobs(trap)
            self.assertEqual((original.state, first.state), ("dead", "dead"))
            second = first._replay()
            self.run_jobs(trap)
        self.assertEqual(second.state, "done")
        self.assertEqual((original.state, first.state), ("done", "done"))
        self.assertEqual(original.superseded_by_id, second)
        self.assertEqual(first.superseded_by_id, second)

    def test_last_attempt_of_a_dead_message_does_not_say_will_retry(self):
        with self.jobs() as trap:
            message = self.dead_message(trap)
        self.assertEqual(
            message.attempt_ids.mapped("outcome"), ["retry", "retry", "failed"]
        )

    def test_bulk_actions_from_the_failed_list(self):
        with self.jobs() as trap:
            first = self.dead_message(trap, {"order": "B-1"})
            second = self.dead_message(trap, {"order": "B-2"})
            both = first | second
            both.action_acknowledge()
            self.assertEqual(both.acknowledged_by_id, self.env.user)
            action = both.action_replay()
            self.assertEqual(action["view_mode"], "list,form")
            self.run_jobs(trap)
        self.assertEqual(both.mapped("state"), ["done", "done"])
        for xmlid in ("retry", "replay", "acknowledge"):
            server_action = self.env.ref(
                f"healthcare_integration_core.hc_message_server_action_{xmlid}"
            )
            self.assertEqual(server_action.binding_model_id.model, "hc.message")

    def test_add_mapping_then_replay_from_the_message(self):
        payload = {"codes": [{"domain": "uom", "code": "BX"}]}
        with self.jobs() as trap:
            message = self.ingest(self.flow_in, payload, "evt-map")
            self.run_jobs(trap)
            self.assertEqual(message.state, "dead")
            self.assertEqual(
                (message.unmapped_domain, message.unmapped_codes), ("uom", "BX")
            )
            action = message.action_add_mapping()
            wizard = (
                self.env["hc.mapping.wizard"]
                .with_context(**action["context"])
                .create({})
            )
            self.assertEqual(wizard.line_ids.mapped("external_code"), ["BX"])
            wizard.line_ids.odoo_value = "Box of 10"
            opened = wizard.action_confirm()
            self.run_jobs(trap)
        entry = self.env["hc.crosswalk"].search(
            [("backend_id", "=", self.backend.id), ("external_code", "=", "BX")]
        )
        self.assertEqual((entry.domain, entry.odoo_value), ("uom", "Box of 10"))
        replay = self.env["hc.message"].browse(opened["res_id"])
        self.assertEqual(replay.state, "done")
        self.assertEqual(message.state, "done")

    def test_add_mapping_offers_each_code_in_its_own_kind(self):
        """A document lacking codes of two kinds: one *Add mapping* for all,
        and the message shown as a business exception, not as dead."""
        payload = {
            "codes": [
                {"domain": "uom", "code": "BX"},
                {"domain": "cost_center", "code": "CC-9"},
            ]
        }
        with self.jobs() as trap:
            message = self.ingest(self.flow_in, payload, "evt-map-2")
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.status, "exception")
        self.assertEqual(message.unmapped_codes, "CC-9, BX")
        Message = self.env["hc.message"]
        for domain, found in (
            ([("status", "=", "exception")], True),
            ([("status", "in", ("dead", "done"))], False),
            ([("status", "!=", "exception")], False),
            ([("status", "not in", ("dead",))], True),
        ):
            self.assertEqual(
                bool(Message.search([("id", "=", message.id), *domain])), found, domain
            )
        wizard = (
            self.env["hc.mapping.wizard"]
            .with_context(**message.action_add_mapping()["context"])
            .create({})
        )
        self.assertEqual(
            [(line.domain, line.external_code) for line in wizard.line_ids],
            [("cost_center", "CC-9"), ("uom", "BX")],
        )
        wizard.line_ids.odoo_value = "mapped"
        wizard.replay = False
        wizard.action_confirm()
        entries = self.env["hc.crosswalk"].search(
            [("backend_id", "=", self.backend.id), ("odoo_value", "=", "mapped")]
        )
        self.assertEqual(
            sorted(entries.mapped("domain")), ["cost_center", "uom"], "each its kind"
        )

    def test_a_technical_give_up_stays_dead(self):
        with self.jobs() as trap:
            message = self.dead_message(trap)
        self.assertEqual(message.status, "dead")
        self.assertTrue(
            self.env["hc.message"].search(
                [("id", "=", message.id), ("status", "=", "dead")]
            )
        )

    def test_open_screens_are_told_when_messages_change(self):
        Bus = self.env["bus.bus"]
        before = Bus.search([]).ids
        with self.jobs() as trap:
            first = self.send({"order": "L-1"})
            second = self.send({"order": "L-2"})
            self.run_jobs(trap)
        self.env.cr.flush()  # what a commit does first: precommit hooks run
        sent = Bus.search([("id", "not in", before)])
        changed = [
            (json.loads(n.channel), json.loads(n.message))
            for n in sent
            if json.loads(n.message)["type"] == "hc.message/changed"
        ]
        self.assertEqual(len(changed), 1, "one notification per transaction")
        [(channel, message)] = changed
        self.assertEqual(message["payload"]["ids"], sorted((first | second).ids))
        group = self.env.ref("healthcare_integration_core.group_hc_user")
        self.assertEqual(channel[1:], ["res.groups", group.id], "integration users")

    def test_an_open_form_is_told_of_each_retry(self):
        """A message retrying is no longer shown *Queued* until it ends."""
        Bus = self.env["bus.bus"]
        self.sim.fail_next("/api/orders", count=1, status=503)
        with self.jobs() as trap:
            message = self.send({"order": "L-R"})
            self.env.flush_all()
            before = Bus.search([]).ids
            self.env.invalidate_all()
            trap.perform_enqueued_jobs()
        self.env.invalidate_all()
        self.assertEqual(message.state, "retrying")
        self.env.cr.flush()  # what a commit does first: precommit hooks run
        told = [
            json.loads(n.message)["payload"]["ids"]
            for n in Bus.search([("id", "not in", before)])
            if json.loads(n.message)["type"] == "hc.message/changed"
        ]
        self.assertEqual(told, [[message.id]])

    def test_duration_is_never_negative(self):
        message = self.env["hc.message"].create(
            {
                "flow_id": self.flow_out.id,
                "backend_id": self.backend.id,
                "direction": "outbound",
                "state": "queued",
            }
        )
        message._finish("duplicate", error_text="Already delivered")
        self.assertGreaterEqual(message.duration_ms, 0)
