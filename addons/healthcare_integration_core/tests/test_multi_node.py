# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What holds when several Odoo nodes (or workers) run one database at once:
one running pull per flow, a keyed push started once, one job pulling a run,
the audit chain's head held by whoever writes it."""

import shutil
import tempfile
from pathlib import Path
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests.common import TransactionCase, tagged
from odoo.tools import mute_logger

from ..lib import filetransport
from ..models.hc_sync_run import HcSyncRun
from ..models.hc_sync_run_pull import PULL_LOCK_CLASS
from .common import HcCase

FEED = [{"id": str(n), "updated_at": f"2026-11-0{n}"} for n in range(1, 4)]


class TestRunsAcrossNodes(HcCase):
    def setUp(self):
        super().setUp()
        self.sim.set_feed("overlap", FEED, page_size=2)
        self.flow = self.pull_flow("overlap", batch_page_size=2)

    def runs(self):
        return self.env["hc.sync.run"].search([("flow_id", "=", self.flow.id)])

    def test_a_pull_does_not_start_while_the_last_one_runs(self):
        with self.jobs() as trap:
            run = self.flow._run_batch()
            # Run now shows the run at work (hc.sync.run.actions), starts none
            shown = self.flow.action_run_batch()
            self.assertIn(run.name, shown["params"]["message"])
            skipped = self.env["hc.sync.run"]._cron_run(self.flow.id)
            self.assertFalse(skipped, "the schedule skips, records no failed run")
            self.assertEqual(self.runs(), run)
            self.run_jobs(trap)
        self.assertEqual(run.state, "done")
        with self.jobs() as trap:
            again = self.flow._run_batch()
            self.run_jobs(trap)
        self.assertNotEqual(again, run)
        self.assertEqual(again.watermark_from, "2026-11-03")

    def test_two_pulls_started_at_the_same_moment_make_one_run(self):
        with self.jobs():
            run = self.flow._run_batch()
            # the other worker's check ran before this run was committed
            with (
                patch.object(HcSyncRun, "_running_pull", lambda self, flow: None),
                mute_logger("odoo.sql_db"),
            ):
                skipped = self.env["hc.sync.run"]._cron_run(self.flow.id)
                self.assertFalse(skipped)
                with self.assertRaisesRegex(UserError, "at the same time"):
                    self.flow._run_batch()
        self.assertEqual(self.runs(), run)

    def test_a_keyed_push_started_twice_at_once_is_sent_once(self):
        pages = [([{"n": 1}], "2026-11-01")]
        with self.jobs():
            run = self.flow_out._send_batch(pages, key="2026-11")
            with (
                patch.object(HcSyncRun, "_keyed_run", lambda self, flow, key: None),
                mute_logger("odoo.sql_db"),
            ):
                again = self.flow_out.with_context(
                    hc_run_origin="schedule"
                )._send_batch(pages, key="2026-11")
        self.assertFalse(again)
        self.assertEqual(len(run.message_ids), 1)
        self.assertEqual(
            self.env["hc.message"].search_count([("flow_id", "=", self.flow_out.id)]),
            1,
        )

    def test_a_pull_job_leaves_alone_a_run_another_job_is_pulling(self):
        with self.jobs() as trap:
            run = self.flow._run_batch()
            self.env.flush_all()
            with self.env.registry.cursor() as other_job:
                other_job.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", (PULL_LOCK_CLASS, run.id)
                )
                self.assertEqual(run._pull(), "another job is pulling this run")
                self.assertEqual(run.page_count, 0, "no page fetched twice")
            self.run_jobs(trap)
        self.assertEqual((run.state, run.page_count), ("done", 2))

    def test_recovery_adds_no_pull_job_while_one_is_pending(self):
        with self.jobs() as trap:
            run = self.flow._run_batch()
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE hc_sync_run SET write_date = now() - interval '1 day' "
                "WHERE id = %s",
                (run.id,),
            )
            run.invalidate_recordset()
            self.env["hc.maintenance"]._cron_recover()
            self.assertEqual(len(trap.enqueued_jobs), 1, "the pending pull only")
            self.run_jobs(trap)
        self.assertEqual(run.state, "done")


class TestRateLimitAcrossNodes(HcCase):
    def setUp(self):
        super().setUp()
        # slots are committed at once, outside the test's transaction
        self.forget_slots()
        self.addCleanup(self.forget_slots)

    def forget_slots(self):
        with self.env.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM hc_backend_call_slot WHERE backend_id = %s",
                (self.backend.id,),
            )

    def test_calls_about_to_be_made_count_before_their_jobs_commit(self):
        self.backend.rate_limit_per_minute = 2
        # three deliveries deciding at once, none of them committed yet
        self.assertEqual(self.backend._rate_limit_take(), 0.0)
        self.assertEqual(self.backend._rate_limit_take(), 0.0)
        self.assertGreater(self.backend._rate_limit_take(), 30)

    def test_a_slot_taken_on_another_node_counts(self):
        self.backend.rate_limit_per_minute = 1
        with self.env.registry.cursor() as other_node:
            other_node.execute(
                "INSERT INTO hc_backend_call_slot (backend_id, taken_at) "
                "VALUES (%s, extract(epoch FROM clock_timestamp()))",
                (self.backend.id,),
            )
        self.assertGreater(self.backend._rate_limit_take(), 30)


class TestFilePickupAcrossNodes(HcCase):
    def test_a_file_archived_after_the_listing_is_skipped_not_a_failed_run(self):
        root = Path(tempfile.mkdtemp(prefix="hc-share-"))
        self.addCleanup(shutil.rmtree, root)
        for folder in ("in", "archive"):
            (root / folder).mkdir()
        for name in ("a.json", "b.json"):
            (root / "in" / name).write_text('{"n": 1}')
        backend = self.env["hc.backend"].create(
            {
                "name": "Share",
                "code": "share_race",
                "transport": "folder",
                "file_root": str(root),
            }
        )
        flow = self.env["hc.flow"].create(
            {
                "flow_type_id": self.env.ref(
                    "healthcare_integration_core.flow_type_receive"
                ).id,
                "name": "Files in",
                "code": "files_in",
                "backend_id": backend.id,
                "file_glob": "*.json",
            }
        )
        read = filetransport.FolderFiles.get

        def archived_meanwhile(files, name):
            if name == "a.json":  # the job of a's message, on another node
                (root / "in" / name).rename(root / "archive" / name)
            return read(files, name)

        with (
            patch.object(filetransport.FolderFiles, "get", archived_meanwhile),
            self.jobs() as trap,
        ):
            run = flow._run_batch()
            trap.perform_enqueued_jobs()  # the poll
        self.assertEqual((run.state, run.count_created), ("done", 1))
        stored = self.env["hc.message"].search([("flow_id", "=", flow.id)])
        self.assertEqual(stored.mapped("file_name"), ["b.json"])


# after the install: these commit a move of the chain's head from another
# cursor, which the transaction loading the next modules (older snapshot,
# audited demo records) must not meet
@tagged("post_install", "-at_install")
class TestAuditChainAcrossNodes(TransactionCase):
    """A plain case: nothing audited by the class holds the chain's head."""

    ACTION = "test_entry_of_another_node"

    def forget_other_entry(self):
        with self.env.registry.cursor() as cr:
            cr.execute("DELETE FROM hc_audit_log WHERE action = %s", (self.ACTION,))
            cr.execute(
                "UPDATE hc_audit_chain_head SET entry_hash = coalesce("
                "(SELECT entry_hash FROM hc_audit_log ORDER BY id DESC LIMIT 1), %s)",
                ("0" * 64,),
            )

    def test_an_entry_committed_meanwhile_is_never_forked(self):
        audit = self.env["hc.audit.log"]
        self.assertFalse(audit._first_broken_entry())  # this snapshot
        with self.env.registry.cursor() as other_node:
            api.Environment(other_node, SUPERUSER_ID, {})["hc.audit.log"]._log(
                self.ACTION
            )
        self.addCleanup(self.forget_other_entry)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.SerializationFailure),
            self.env.cr.savepoint(),
        ):
            audit._log("test_entry_of_this_node")
        with self.env.registry.cursor() as fresh:
            env = api.Environment(fresh, SUPERUSER_ID, {})
            self.assertFalse(env["hc.audit.log"]._first_broken_entry())


@tagged("post_install", "-at_install")
class TestModuleUpdateWhileNodesRun(TransactionCase):
    def test_an_update_does_not_trip_over_heads_moved_by_a_running_node(self):
        self.env["hc.audit.log"].search([], limit=1)  # this snapshot
        with self.env.registry.cursor() as running_node:
            running_node.execute(
                "UPDATE hc_audit_chain_head SET entry_hash = entry_hash"
            )
        # the update of the modules calls init() again: no serialization failure
        self.env["hc.audit.log"].init()
