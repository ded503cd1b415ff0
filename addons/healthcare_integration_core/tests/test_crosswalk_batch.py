# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.addons.healthcare_integration_core.exceptions import HcMappingError

from .common import HcCase


class TestCrosswalk(HcCase):
    def inbound(self, payload, key):
        return self.env["hc.message"]._create_inbound(
            self.flow_in, json.dumps(payload).encode(), key, None
        )

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
        flow = self.flow_in
        original = type(flow)._hc_inbound_crosswalk_check

        def half_then_fail(this, message, document):
            this.env["res.partner"].sudo().create({"name": "half-applied"})
            return original(this, message, document)

        self.patch(type(flow), "_hc_inbound_crosswalk_check", half_then_fail)
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
            message = self.env["hc.message"]._create_inbound(
                self.flow_in, b"{not json", "evt-json", None
            )
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
                "name": "Item feed",
                "code": "item_feed",
                "backend_id": cls.backend.id,
                "direction": "inbound",
                "trigger": "schedule",
                "sync_mode": "batch",
                "endpoint": "/feeds/items",
                "batch_page_size": 2,
                "handler": "crosswalk_check",
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
        self.flow_batch.sync_mode = "near_realtime"
        self.assertFalse(cron.active)

    def test_pull_all_pages_and_advance_watermark(self):
        self.sim.set_feed("items", self.items("OK", "OK", "OK"), page_size=2)
        with self.jobs() as trap:
            run = self.flow_batch._run_batch()
            self.run_jobs(trap)
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.child_ids), 2)
        self.assertEqual(run.count_skipped, 3)
        self.assertEqual(self.flow_batch.watermark, "2026-11-03T00:00:00Z")
        self.assertEqual(run.watermark_to, "2026-11-03T00:00:00Z")

    def test_watermark_not_advanced_past_a_failed_chunk(self):
        self.sim.set_feed(
            "items", self.items("OK", "OK", "BAD", "OK", "OK"), page_size=2
        )
        with self.jobs() as trap:
            run = self.flow_batch._run_batch()
            self.run_jobs(trap)
        chunks = run.child_ids.sorted("sequence")
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
            run = self.flow_out.send_batch(pages)
            self.assertEqual(len(run.child_ids), 3)
            self.run_jobs(trap)
        chunks = run.child_ids.sorted("sequence")
        self.assertEqual(chunks.mapped("state"), ["done", "dead", "done"])
        self.assertEqual(self.flow_out.watermark, "2026-11-01")
        self.assertEqual(run.state, "dead")
        self.assertEqual((run.count_created, run.count_failed), (2, 1))

    def test_interrupted_pull_is_closed_by_recovery(self):
        run = self.env["hc.message"].create(
            {
                "flow_id": self.flow_out.id,
                "backend_id": self.backend.id,
                "direction": "outbound",
                "is_batch_run": True,
                "state": "running",
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hc_message SET write_date = now() - interval '1 day' WHERE id = %s",
            (run.id,),
        )
        run.invalidate_recordset()
        with self.jobs() as trap:
            self.env["hc.message"]._cron_recover()
            self.assertFalse(trap.enqueued_jobs)
        self.assertEqual(run.state, "dead")
        self.assertIn("resumes from the watermark", run.error_text)
