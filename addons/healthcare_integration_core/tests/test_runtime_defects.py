# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Defects found running the core as a hospital would; each fails on 18.0.1."""

import json
import uuid
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from email.utils import format_datetime
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import ValidationError
from odoo.tests.common import TransactionCase

from odoo.addons.healthcare_integration_core.lib import transport
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import HcCase, SimulatorMixin


class TestPayloadStorage(HcCase):
    def test_payloads_commit_with_their_message_not_in_the_filestore(self):
        with self.jobs():
            message = self.send({"order": "PO-S1"})
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", "hc.message"), ("res_id", "=", message.id)])
        )
        self.assertFalse(attachments, "no filestore file can be collected under it")
        self.env.cr.execute(
            "SELECT size, sha256 FROM hc_message_payload "
            "WHERE message_id = %s AND kind = 'request'",
            (message.id,),
        )
        size, sha = self.env.cr.fetchone()
        self.assertEqual(size, len(b'{"order": "PO-S1"}'))
        self.assertEqual(len(sha), 64)
        self.assertEqual(message._body(), b'{"order": "PO-S1"}')

    def corrupt(self, message):
        self.env.cr.execute(
            "UPDATE hc_message_payload SET body = '' WHERE message_id = %s",
            (message.id,),
        )

    def test_altered_outbound_payload_is_never_sent(self):
        with self.jobs() as trap:
            message = self.send({"order": "PO-S2"})
            self.corrupt(message)
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertIn("does not match its checksum", message.error_text)
        self.assertFalse(self.received(), "an empty body never reaches the partner")

    def test_altered_inbound_payload_is_never_processed(self):
        with self.jobs() as trap:
            message = self.ingest(self.flow_in, b'{"codes": []}', "evt-c1")
            self.corrupt(message)
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.error_class, "technical")
        self.assertIn("does not match its checksum", message.error_text)


class TestMessageCost(HcCase):
    def test_a_sent_message_gets_no_chatter_line_and_no_follower(self):
        admin = self.env.ref("base.user_admin")
        with self.jobs():
            flow = self.flow_out.with_user(admin).with_context(tracking_disable=False)
            message = flow._send({"order": "PO-C1"})
        self.assertFalse(message.message_ids, "no 'created' line per message")
        self.assertFalse(message.message_follower_ids, "the sender is not subscribed")

    def test_a_delivery_reads_each_record_once_and_writes_each_once(self):
        """The job's own statements, once the worker's caches are warm: the
        lock with the payload, the message, flow and backend (each in one
        narrow read), the secrets, the attempt with the partner's answer, the
        message's update and the one notification that tells open screens
        (hc.message.actions._notify_changed). A worker keeps the flow,
        backend and secrets it read in an earlier transaction
        (test_delivery_cost)."""
        with self.jobs():
            warm_up, message = self.send({"order": "PO-C2"}), self.send({"order": "C3"})
        for job in (warm_up, message):
            runner = job._job_spec()["record"]
            runner = runner.with_env(runner.env(su=False))
            self.env.flush_all()
            self.env.invalidate_all()
            expected = 8 if job == message else None
            with self.assertQueryCount(expected) if expected else nullcontext():
                self.assertEqual(runner._run_job(), "done")
                self.env.flush_all()


class TestDeliveryUser(HcCase):
    def test_a_message_sent_for_a_user_without_integration_rights_is_delivered(self):
        """queue_job runs a job as the user it stored, without superuser
        rights: a buyer's order must not fail its delivery on the rights to
        the message, its flow or its backend."""
        buyer = self.env["res.users"].create(
            {
                "name": "Buyer",
                "login": "buyer_without_integration_rights",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        with self.jobs():
            message = self.flow_out.with_user(buyer).sudo()._send({"order": "PO-U1"})
        runner = message._job_spec()["record"]
        as_queue_job_runs_it = runner.with_env(runner.env(su=False))
        self.assertEqual(as_queue_job_runs_it._run_job(), "done")
        self.assertEqual(len(self.received()), 1)


class TestHeaderBounds(HcCase):
    def test_outbound_keys_are_bounded(self):
        with self.assertRaisesRegex(ValidationError, "255"):
            self.send(idempotency_key="K" * 9000)
        with self.assertRaisesRegex(ValidationError, "255"):
            self.send(correlation_id="C" * 9000)


class TestRetryAfter(HcCase):
    def deliver_once(self, retry_after):
        self.sim.script(
            "/api/orders",
            [{"status": 503, "headers": {"Retry-After": retry_after}}],
        )
        with self.jobs() as trap:
            message = self.send()
            trap.perform_enqueued_jobs()
        return message

    def test_absurd_retry_after_is_capped_and_the_attempt_recorded(self):
        message = self.deliver_once("999999999999")
        self.assertEqual(message.state, "retrying")
        self.assertEqual(message.attempt_ids.mapped("outcome"), ["retry"])
        wait = (message.next_attempt_at - fields.Datetime.now()).total_seconds()
        self.assertLessEqual(wait, self.flow_out.backoff_max + 1)
        self.assertIn("capped", message.error_text)

    def test_a_day_is_capped_to_the_longest_backoff(self):
        message = self.deliver_once("86400")
        wait = (message.next_attempt_at - fields.Datetime.now()).total_seconds()
        self.assertLessEqual(wait, self.flow_out.backoff_max + 1)

    def test_http_date_form_is_understood(self):
        self.flow_out.backoff_max = 600
        when = fields.Datetime.now() + timedelta(seconds=300)
        message = self.deliver_once(
            format_datetime(when.replace(tzinfo=None), usegmt=False)
        )
        wait = (message.next_attempt_at - fields.Datetime.now()).total_seconds()
        self.assertGreater(wait, 200)

    def test_capped_retries_reach_dead(self):
        self.sim.set_mode("/api/orders", 503, {"Retry-After": "999999999999"})
        with self.jobs() as trap:
            message = self.send()
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.attempt_count, self.flow_out.max_attempts)


class CommittedRunsMixin(SimulatorMixin):
    """Jobs run as queue_job's runner runs them, with real transactions
    (nothing rolled back by the test framework). The test's own transaction
    writes nothing, so that it holds no lock the committed ones would wait for.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = cls.start_simulator(name="crash-test")

    @contextmanager
    def committed(self):
        """An environment on a transaction of its own, committed at the end."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def statements(self, message_id):
        """(result, statements) of the message's job in its own transaction."""
        with self.committed() as env:
            before = env.cr.sql_log_count
            result = env["hc.message"].browse(message_id)._run_job()
            env.flush_all()
            return result, env.cr.sql_log_count - before

    def committed_message(self, name):
        """The id of a queued outbound message, committed with its backend."""
        with self.committed() as env, trap_jobs():
            backend = env["hc.backend"].create(
                {
                    "name": name,
                    "code": f"crash_{uuid.uuid4().hex[:8]}",
                    "base_url": self.sim.url,
                }
            )
            flow = env["hc.flow"].create(
                {
                    "flow_type_id": env.ref(
                        "healthcare_integration_core.flow_type_send"
                    ).id,
                    "name": f"{name} out",
                    "code": "crash_out",
                    "backend_id": backend.id,
                    "endpoint": "/api/orders",
                }
            )
            return flow._send({"order": f"{name}-1"}).id

    def another_message(self, message_id):
        """The id of a second message on the same flow, committed."""
        with self.committed() as env, trap_jobs():
            flow = env["hc.message"].browse(message_id).flow_id
            return flow._send({"order": f"{flow.name}-{uuid.uuid4().hex[:6]}"}).id

    def remove(self, message_id, job_uuid=None):
        with self.committed() as env:
            flow = env["hc.message"].browse(message_id).flow_id
            env["hc.message"].search([("flow_id", "=", flow.id)]).unlink()
            env.cr.execute("DELETE FROM queue_job WHERE uuid = %s", (job_uuid,))
            env["hc.flow"].search([("backend_id.code", "like", "crash_")]).unlink()
            env["hc.backend"].search([("code", "like", "crash_")]).unlink()

    def queued_job(self, message_id):
        """The uuid of a real queue_job row for the message's job."""
        with self.committed() as env:
            message = env["hc.message"].browse(message_id)
            job = message.with_delay()._run_job()
            message.job_uuid = job.uuid
            return job.uuid

    def run_as_the_runner(self, message_id, job_uuid):
        """The message's job as queue_job's runner runs it: its uuid in the
        context, in a transaction of its own."""
        with self.committed() as env:
            message = env["hc.message"].with_context(job_uuid=job_uuid)
            return message.browse(message_id)._run_job()

    def requeue_as_dead(self, job_uuid):
        """What queue_job's runner does with a started job whose worker died
        (``_query_requeue_dead_jobs``): pending again, one more retry."""
        with self.committed() as env:
            env.cr.execute(
                "UPDATE queue_job SET state = 'pending', retry = retry + 1 "
                "WHERE uuid = %s",
                (job_uuid,),
            )


class TestInterruptedAttempt(CommittedRunsMixin, TransactionCase):
    """A worker killed during a call: the job's transaction is lost, queue_job's
    record of its start is not."""

    def test_attempt_in_flight_at_a_crash_is_recorded_as_interrupted(self):
        message_id = self.committed_message("Crash")
        job_uuid = self.queued_job(message_id)
        try:
            with (
                self.assertRaises(KeyboardInterrupt),
                patch.object(transport, "send", self.killed_during_the_call),
            ):
                self.run_as_the_runner(message_id, job_uuid)
            self.requeue_as_dead(job_uuid)
            self.assertEqual(self.run_as_the_runner(message_id, job_uuid), "done")
            with self.committed() as env:
                message = env["hc.message"].browse(message_id)
                self.assertEqual(
                    message.attempt_ids.mapped("outcome"), ["interrupted", "done"]
                )
                self.assertEqual(message.attempt_ids.mapped("number"), [1, 2])
                self.assertEqual(message.attempt_count, 2)
                self.assertIn("may have received", message.attempt_ids[0].error_text)
        finally:
            self.remove(message_id, job_uuid)

    @staticmethod
    def killed_during_the_call(*_args, **_kwargs):
        raise KeyboardInterrupt("worker killed during the call")

    def test_a_first_run_records_no_interrupted_attempt(self):
        message_id = self.committed_message("First")
        job_uuid = self.queued_job(message_id)
        try:
            self.assertEqual(self.run_as_the_runner(message_id, job_uuid), "done")
            with self.committed() as env:
                message = env["hc.message"].browse(message_id)
                self.assertEqual(message.attempt_ids.mapped("outcome"), ["done"])
        finally:
            self.remove(message_id, job_uuid)

    def test_a_job_that_finds_its_message_locked_runs_again(self):
        """Returning would leave the message queued with no job (an ordered
        key stalled behind it): the job is retried instead."""
        message_id = self.committed_message("Locked")
        try:
            with self.registry.cursor() as holder:
                holder.execute(
                    "SELECT id FROM hc_message WHERE id = %s FOR NO KEY UPDATE",
                    (message_id,),
                )
                with (
                    self.assertRaises(RetryableJobError) as caught,
                    self.committed() as env,
                ):
                    env["hc.message"].browse(message_id)._run_job()
                self.assertTrue(caught.exception.ignore_retry)
            with self.committed() as env:
                message = env["hc.message"].browse(message_id)
                self.assertEqual(message.state, "queued")
                self.assertEqual(message._run_job(), "done")
        finally:
            self.remove(message_id)


class TestJobSettings(CommittedRunsMixin, TransactionCase):
    """A worker keeps the flow and backend settings its jobs read, while the
    rows are unchanged."""

    def test_settings_are_read_once_then_again_after_a_write(self):
        first = self.committed_message("Kept")
        try:
            self.assertEqual(self.statements(first)[0], "done")
            self.env["hc.job.settings"]._forget()
            result, reading = self.statements(self.another_message(first))
            self.assertEqual(result, "done")
            result, keeping = self.statements(self.another_message(first))
            self.assertEqual(result, "done")
            self.assertEqual(reading - keeping, 2, "the flow and backend not read")
            with self.committed() as env:
                env["hc.message"].browse(first).backend_id.action_pause()
            result, _count = self.statements(self.another_message(first))
            self.assertEqual(result, "waiting: flow or backend paused")
        finally:
            self.remove(first)

    def test_a_row_written_by_the_running_transaction_is_not_kept(self):
        first = self.committed_message("Unkept")
        try:
            self.env["hc.job.settings"]._forget()
            with self.committed() as env:
                message = env["hc.message"].browse(first)
                message.flow_id.backoff_base = 45
                self.assertEqual(message._run_job(), "done")
                # a second write in this transaction keeps the write_date
                message.flow_id.paused = True
            result, _count = self.statements(self.another_message(first))
            self.assertEqual(result, "waiting: flow or backend paused")
        finally:
            self.remove(first)


class TestOrderedReplay(HcCase):
    def test_replay_of_a_dead_ordered_message_releases_its_key(self):
        self.flow_out.ordered_per_key = True
        self.sim.script("/api/orders", [{"status": 400}])
        with self.jobs() as trap:
            first = self.send({"order": "A1"}, ordering_key="PO-A")
            second = self.send({"order": "A2"}, ordering_key="PO-A")
            self.run_jobs(trap)
            self.assertEqual((first.state, second.state), ("dead", "queued"))
            self.assertEqual(second.held_by_id, first)
            replay = first._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done")
        self.assertEqual(first.superseded_by_id, replay)
        self.assertEqual(second.state, "done", "released without mark resolved")
        bodies = [json.loads(r["body"])["order"] for r in self.received()]
        self.assertEqual(bodies, ["A1", "A1", "A2"])

    def test_recovery_releases_what_is_held_behind_a_settled_message(self):
        self.flow_out.ordered_per_key = True
        with self.jobs() as trap:
            first = self.send({"order": "B1"}, ordering_key="PO-B")
            second = self.send({"order": "B2"}, ordering_key="PO-B")
            trap.enqueued_jobs.clear()
            # as if the follower looked while the first was running and the
            # first's wake-up never saw the follower wait
            first.sudo().write({"state": "done"})
            second.sudo().write({"job_uuid": False, "held_by_id": first.id})
            released = self.env["hc.maintenance"]._cron_recover()
            self.assertIn(second, released)
            self.run_jobs(trap)
        self.assertEqual(second.state, "done")


class TestRpcSend(HcCase):
    def test_public_send_answers_a_reference(self):
        with self.jobs():
            answer = self.flow_out.send({"order": "RPC-1"}, idempotency_key="rpc-1")
            again = self.flow_out.send({"order": "RPC-1"}, idempotency_key="rpc-1")
        self.assertEqual(set(answer), {"id", "name", "state"})
        self.assertEqual(again, answer, "a retried call finds the same message")


class TestScheduledRun(HcCase):
    def test_scheduled_run_works_as_the_least_privilege_processor(self):
        flow = self.pull_flow("scheduled")
        self.sim.set_feed("scheduled", [{"id": "1", "updated_at": "2026-11-01"}])
        cron = flow.cron_id
        self.assertEqual(
            cron.user_id,
            self.env.ref("healthcare_integration_core.user_integration_bot"),
        )
        with self.jobs() as trap:
            # as ir.cron._run_job does: the server action, as the cron's user
            cron.with_user(cron.user_id)._callback(
                cron.cron_name, cron.ir_actions_server_id.id
            )
            self.run_jobs(trap)
        run = flow.run_ids
        self.assertEqual((run.origin, run.state), ("schedule", "done"))

    def test_a_run_that_cannot_start_is_a_failed_run(self):
        flow = self.pull_flow("broken")

        def broken(*_args, **_kwargs):
            raise RuntimeError("cannot start")

        self.patch(type(self.env["hc.sync.run"]), "_start_pull", broken)
        with self.assertLogs("odoo.addons.healthcare_integration_core", "ERROR"):
            run = self.env["hc.sync.run"]._cron_run(flow.id)
        self.assertEqual(run.state, "dead")
        self.assertIn("cannot start", run.error_text)
        self.assertEqual(flow.run_ids, run)
