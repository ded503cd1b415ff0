# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from unittest.mock import patch

from odoo.addons.healthcare_integration_core.exceptions import HcMappingError
from odoo.addons.healthcare_integration_core.models import hc_sync_run_pull

from .common import HcCase


class TestCrosswalk(HcCase):
    def inbound(self, payload, key):
        return self.ingest(self.flow_in, json.dumps(payload).encode(), key)

    def test_resolve_in_bulk(self):
        partner = self.env["res.partner"].create({"name": "Medline"})
        xwalk = self.env["hc.crosswalk"].create(
            {
                "backend_id": self.backend.id,
                "domain": "supplier",
                "external_code": "MED",
                "record_ref": f"res.partner,{partner.id}",
            }
        )
        found = self.env["hc.crosswalk"]._resolve(
            self.backend, "supplier", ["MED", "MED"]
        )
        self.assertEqual(found, {"MED": xwalk})
        with self.assertRaises(HcMappingError) as caught:
            self.env["hc.crosswalk"]._resolve(
                self.backend, "supplier", ["MED", "X1", "X2"]
            )
        self.assertEqual(caught.exception.codes, ["X1", "X2"])

    def test_unmatched_code_then_mapping_then_replay(self):
        payload = {
            "codes": [{"domain": "uom", "code": "BX"}, {"domain": "uom", "code": "EA"}]
        }
        self.env["hc.crosswalk"].create(
            {
                "backend_id": self.backend.id,
                "domain": "uom",
                "external_code": "EA",
                "odoo_value": "Units",
            }
        )
        with self.jobs() as trap:
            message = self.inbound(payload, "evt-uom")
            self.run_jobs(trap)
            self.assertEqual(message.state, "dead")
            self.assertEqual(message.error_class, "business")
            self.assertIn("BX", message.error_text)
            self.assertIn("Unit of measure", message.error_text)
            self.assertNotIn("EA", message.error_text.split(":")[-1])
            self.env["hc.crosswalk"].create(
                {
                    "backend_id": self.backend.id,
                    "domain": "uom",
                    "external_code": "BX",
                    "odoo_value": "Box of 10",
                }
            )
            replay = message._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done")
        self.assertEqual(replay.parent_id, message)

    def test_failed_processing_leaves_nothing_half_applied(self):
        handler = self.env["hc.handler.crosswalk.check"]
        original = type(handler).process

        def half_then_fail(this, message, document):
            this.env["res.partner"].sudo().create({"name": "half-applied"})
            return original(this, message, document)

        self.patch(type(handler), "process", half_then_fail)
        with self.jobs() as trap:
            message = self.inbound(
                {"codes": [{"domain": "tax", "code": "NOPE"}]}, "evt-h"
            )
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "half-applied")])
        )

    def test_invalid_json_is_a_validation_error(self):
        with self.jobs() as trap:
            message = self.ingest(self.flow_in, b"{not json", "evt-json")
            self.run_jobs(trap)
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.error_class, "validation")
        self.assertIn("Invalid JSON", message.error_text)


class TestBatch(HcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow_batch = cls.env["hc.flow"].create(
            {
                "flow_type_id": cls.env.ref(
                    "healthcare_integration_core.flow_type_crosswalk_check_pull"
                ).id,
                "name": "Item feed",
                "code": "item_feed",
                "backend_id": cls.backend.id,
                "endpoint": "/feeds/items",
                "batch_page_size": 2,
            }
        )
        cls.env["hc.crosswalk"].create(
            {
                "backend_id": cls.backend.id,
                "domain": "product",
                "external_code": "OK",
                "odoo_value": "ok",
            }
        )

    def items(self, *codes):
        return [
            {
                "id": str(n),
                "updated_at": f"2026-11-0{n + 1}T00:00:00Z",
                "codes": [{"domain": "product", "code": code}],
            }
            for n, code in enumerate(codes)
        ]

    def test_batch_flow_owns_a_cron(self):
        cron = self.flow_batch.cron_id
        self.assertTrue(cron.active)
        self.assertIn(str(self.flow_batch.id), cron.code)
        self.flow_batch.flow_type_id = self.env.ref(
            "healthcare_integration_core.flow_type_crosswalk_check"
        )
        self.assertFalse(cron.active)

    def test_pull_all_pages_and_advance_watermark(self):
        self.sim.set_feed("items", self.items("OK", "OK", "OK"), page_size=2)
        with self.jobs() as trap:
            run = self.flow_batch._run_batch()
            self.run_jobs(trap)
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.message_ids), 2)
        self.assertEqual(run.count_skipped, 3)
        self.assertEqual(self.flow_batch.watermark, "2026-11-03T00:00:00Z")
        self.assertEqual(run.watermark_to, "2026-11-03T00:00:00Z")

    def test_watermark_advance_is_runtime_state_a_users_edit_is_audited(self):
        """A pull moving the watermark waits on no audit head and posts no
        chatter; an administrator resetting it (to pull again) is audited."""
        flow = self.flow_batch
        audited = [("res_model", "=", "hc.flow"), ("res_id", "=", flow.id)]
        Audit = self.env["hc.audit.log"]
        entries, notes = Audit.search_count(audited), len(flow.message_ids)
        self.sim.set_feed("items", self.items("OK", "OK", "OK"), page_size=2)
        with self.jobs() as trap:
            self.flow_batch._run_batch()
            self.run_jobs(trap)
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking messages are posted there
        self.assertEqual(flow.watermark, "2026-11-03T00:00:00Z")
        self.assertEqual(Audit.search_count(audited), entries)
        self.assertEqual(len(flow.message_ids), notes)
        flow.watermark = "2026-11-01T00:00:00Z"
        entry = Audit.search(audited, limit=1, order="id desc")
        self.assertEqual(entry.action, "write")
        self.assertIn("2026-11-03T00:00:00Z", entry.changes)
        with self.assertRaises(ValueError):
            flow._write_runtime({"endpoint": "/elsewhere"})
        # the runtime's mark is an object no request can carry in its context
        flow.with_context(hc_runtime_write=True).watermark = "2026-11-02"
        self.assertEqual(Audit.search_count(audited), entries + 2)

    def test_run_closes_when_its_progress_ran_between_pages(self):
        self.sim.set_feed("items", self.items("OK", "OK", "OK"), page_size=2)
        with (
            patch.object(hc_sync_run_pull, "APPLIED_PAGES_PER_JOB", 1),
            # the check's pages are checked as they are stored
            patch.object(hc_sync_run_pull, "PAGES_PER_JOB", 1),
            self.jobs() as trap,
        ):
            run = self.flow_batch._run_batch()
            trap.perform_enqueued_jobs()  # the first pull job: one page
            self.assertEqual((run.state, run.pages_done), ("running", 1))
            self.run_jobs(trap)  # the next pull job, and the progress job
        self.assertEqual((run.state, run.pages_done), ("done", 2))
        self.assertEqual(run.count_skipped, 3)

    def test_watermark_not_advanced_past_a_failed_chunk(self):
        self.sim.set_feed(
            "items", self.items("OK", "OK", "BAD", "OK", "OK"), page_size=2
        )
        with self.jobs() as trap:
            run = self.flow_batch._run_batch()
            self.run_jobs(trap)
        chunks = run.message_ids.sorted("run_sequence")
        self.assertEqual(chunks.mapped("state"), ["done", "dead", "done"])
        self.assertEqual(self.flow_batch.watermark, "2026-11-02T00:00:00Z")
        self.assertEqual(run.state, "dead")
        self.assertEqual(run.count_failed, 1)
        # next run starts from the watermark: the failed page comes again
        self.sim.reset()
        self.sim.set_feed(
            "items", self.items("OK", "OK", "OK", "OK", "OK"), page_size=2
        )
        with self.jobs() as trap:
            rerun = self.flow_batch._run_batch()
            self.run_jobs(trap)
        self.assertEqual(rerun.watermark_from, "2026-11-02T00:00:00Z")
        self.assertEqual(rerun.state, "done")
        self.assertEqual(self.flow_batch.watermark, "2026-11-05T00:00:00Z")

    def test_record_only_pull_needs_no_job_per_page(self):
        flow = self.pull_flow("recorded", batch_page_size=2)
        self.sim.set_feed(
            "recorded",
            [{"id": str(n), "updated_at": f"2026-11-0{n}"} for n in range(1, 6)],
            page_size=2,
        )
        with self.jobs() as trap:
            flow.action_run_batch()
            trap.assert_jobs_count(1)  # the pull
            trap.perform_enqueued_jobs()
            self.assertFalse(trap.enqueued_jobs, "no job per page")
        run = self.env["hc.sync.run"].search([("flow_id", "=", flow.id)])
        self.assertEqual(run.state, "done")
        self.assertEqual((run.page_count, run.pages_done, run.count_skipped), (3, 3, 5))
        self.assertEqual(flow.watermark, "2026-11-05")
        chunks = run.message_ids
        self.assertEqual(set(chunks.mapped("state")), {"done"})
        self.assertEqual(
            [json.loads(chunk._body()) for chunk in chunks.sorted("run_sequence")][-1],
            [{"id": "5", "updated_at": "2026-11-05"}],
        )


class TestPushBatch(HcCase):
    def test_push_run_advances_watermark_past_delivered_pages_only(self):
        self.sim.script(
            "/api/orders", [{"status": 200}, {"status": 400, "json": {"error": "bad"}}]
        )
        pages = [
            ([{"n": 1}], "2026-11-01"),
            ([{"n": 2}], "2026-11-02"),
            ([{"n": 3}], "2026-11-03"),
        ]
        with self.jobs() as trap:
            run = self.flow_out._send_batch(pages)
            self.assertEqual(len(run.message_ids), 3)
            self.run_jobs(trap)
        chunks = run.message_ids.sorted("run_sequence")
        self.assertEqual(chunks.mapped("state"), ["done", "dead", "done"])
        self.assertEqual(self.flow_out.watermark, "2026-11-01")
        self.assertEqual(run.state, "dead")
        self.assertEqual((run.count_created, run.count_failed), (2, 1))

    def test_interrupted_pull_is_resumed_by_recovery(self):
        flow = self.pull_flow("resumed", batch_page_size=2)
        self.sim.set_feed(
            "resumed",
            [{"id": str(n), "updated_at": f"2026-11-0{n}"} for n in range(1, 4)],
            page_size=2,
        )
        run = self.env["hc.sync.run"].create(
            {"flow_id": flow.id, "kind": "pull", "watermark_from": ""}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hc_sync_run SET write_date = now() - interval '1 day' "
            "WHERE id = %s",
            (run.id,),
        )
        run.invalidate_recordset()
        with self.jobs() as trap:
            self.env["hc.maintenance"]._cron_recover()
            self.assertEqual(len(trap.enqueued_jobs), 1, "the pull is queued again")
            self.run_jobs(trap)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.count_skipped, 3)
        self.assertEqual(flow.watermark, "2026-11-03")
