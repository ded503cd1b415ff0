# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Received messages processed several per queue job (issue #27, item 4).

A received message joins its flow's pending job instead of adding its own;
that job processes every message that joined it, each with its own attempt
and outcome. The statements a joined message costs do not depend on the
machine's load; the end-to-end rate of ``bench/bench_throughput.py`` does.
"""

from datetime import datetime
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.healthcare_integration_core.models.hc_message_batch import (
    MESSAGES_PER_JOB,
)
from odoo.addons.queue_job.job import Job

from ..models.hc_message_states import HcMessageStates
from .test_receive_service import ReceiveCase

# a record-only message that joined a job: the savepoint around its handler
# and its release; the job's look-ups of its joined messages, their payloads,
# their attempts and their outcomes (one statement each) and the one
# notification are shared. With every addon of the suite installed a batch
# of eleven paid two statements more than the core alone (0.2 a message),
# hence the bound
JOINED_MESSAGE_STATEMENTS = 2.5


@tagged("post_install", "-at_install")
class TestBatchProcessing(ReceiveCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_flows()

    def receive(self, number):
        receipt = self.receive_signed(number, key=f"b-{number}")
        return self.env["hc.message"].browse(receipt.message.id)

    def job(self, message):
        """(state, identity key) of the queue job of ``message``."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT state, identity_key FROM queue_job WHERE uuid = %s",
            (message.job_uuid,),
        )
        return self.env.cr.fetchone()

    def perform(self, message):
        """Run the message's job as queue_job's worker does; its result."""
        self.env.flush_all()
        self.env.invalidate_all()
        job = Job.load(self.env, message.job_uuid)
        result = job.perform()
        self.env.flush_all()
        self.env.invalidate_all()
        return result

    def test_received_messages_join_the_flows_pending_job(self):
        messages = [self.receive(n) for n in range(4)]
        self.assertEqual(len({m.job_uuid for m in messages}), 1, "one job")
        self.assertEqual(
            self.job(messages[0]), ("pending", f"hc-inbound-{self.flow.id}")
        )
        self.env.cr.execute(
            "SELECT count(*) FROM queue_job WHERE identity_key = %s",
            (f"hc-inbound-{self.flow.id}",),
        )
        self.assertEqual(self.env.cr.fetchone()[0], 1)
        result = self.perform(messages[0])
        self.assertEqual(result, "done; 3 joined: 3 done")
        for message in messages:
            self.assertEqual(message.state, "done")
            self.assertEqual(message.attempt_count, 1)
            self.assertEqual(len(message.attempt_ids), 1, "an attempt of its own")

    def test_a_job_taken_by_the_runner_is_not_joined(self):
        first = self.receive(1)
        self.env.cr.execute(
            "UPDATE queue_job SET state = 'enqueued' WHERE uuid = %s",
            (first.job_uuid,),
        )
        second = self.receive(2)
        self.assertNotEqual(second.job_uuid, first.job_uuid)
        self.assertEqual(self.job(second)[0], "pending")

    def test_each_joined_message_has_its_own_outcome(self):
        messages = [self.receive(n) for n in range(3)]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hc_message_payload SET body = '' WHERE message_id = %s",
            (messages[1].id,),
        )
        self.assertEqual(self.perform(messages[0]), "done; 2 joined: 1 dead, 1 done")
        self.assertEqual(
            [m.state for m in messages], ["done", "dead", "done"], "its own savepoint"
        )
        self.assertIn("does not match its checksum", messages[1].error_text)

    def test_messages_over_a_jobs_share_get_one_job_of_their_own(self):
        messages = [self.receive(n) for n in range(MESSAGES_PER_JOB + 3)]
        first_job = messages[0].job_uuid
        self.perform(messages[0])
        done = [m for m in messages if m.state == "done"]
        left = [m for m in messages if m.state != "done"]
        self.assertEqual(len(done), MESSAGES_PER_JOB)
        self.assertEqual(len(left), 3)
        self.assertEqual(len({m.job_uuid for m in left}), 1)
        self.assertNotEqual(left[0].job_uuid, first_job)
        self.assertEqual(self.job(left[0]), ("pending", None), "not to be joined")
        self.assertEqual(self.perform(left[0]), "done; 2 joined: 2 done")

    def test_a_joined_message_costs_two_statements(self):
        # warm the worker's caches (settings, job function, processing user)
        self.perform(self.receive(0))
        counts = {}
        # the core's own statements: addons observing finished messages add
        # theirs (the reconciliation's KPIs: a savepoint and an upsert each)
        core_hook = HcMessageStates._hc_on_finished
        finished = patch.object(
            type(self.env["hc.message"]), "_hc_on_finished", core_hook
        )
        for size in (1, 11):
            messages = [self.receive(100 * size + n) for n in range(size)]
            self.env.flush_all()
            self.env.invalidate_all()
            job = Job.load(self.env, messages[0].job_uuid)
            before = self.env.cr.sql_log_count
            with finished:
                job.perform()
                self.env.flush_all()
            counts[size] = self.env.cr.sql_log_count - before
            self.env.invalidate_all()
            self.assertTrue(all(m.state == "done" for m in messages))
        per_message = (counts[11] - counts[1]) / 10
        self.assertLessEqual(per_message, JOINED_MESSAGE_STATEMENTS, counts)

    def test_a_job_rolled_back_runs_again_with_every_message(self):
        messages = [self.receive(n) for n in range(3)]
        job_uuid = messages[0].job_uuid
        self.env.flush_all()
        with self.assertRaises(InterruptedError), self.env.cr.savepoint():
            Job.load(self.env, job_uuid).perform()
            raise InterruptedError("worker killed before the commit")
        self.env.invalidate_all()
        self.assertEqual([m.state for m in messages], ["queued"] * 3)
        self.assertEqual({m.job_uuid for m in messages}, {job_uuid})
        self.assertEqual(self.perform(messages[0]), "done; 2 joined: 2 done")

    def test_a_message_its_job_left_is_recovered(self):
        """A message that joined a job which ended without it (skipped while
        another transaction held it) is queued again by the recovery."""
        messages = [self.receive(n) for n in range(2)]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE queue_job SET state = 'done' WHERE uuid = %s",
            (messages[0].job_uuid,),
        )
        self.env.cr.execute(
            "UPDATE hc_message SET next_attempt_at = %s WHERE id = %s",
            (datetime(2000, 1, 1), messages[1].id),
        )
        self.env.invalidate_all()
        recovered = self.env["hc.maintenance"]._recover_lost_jobs()
        self.assertEqual(recovered, messages[1])
        self.assertNotEqual(messages[1].job_uuid, messages[0].job_uuid)
        self.assertEqual(self.perform(messages[1]), "done")
