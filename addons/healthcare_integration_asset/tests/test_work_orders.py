# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import date

from .common import AssetCase


class TestWorkOrders(AssetCase):
    """Work orders in from the EAM, on the equipment they name."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        receipt = cls.receive(
            cls, cls.order(cls, quantity=2).picking_ids, ["WO-S1", "WO-S2"]
        )
        cls.pump, cls.spare = receipt.hc_equipment_ids.sorted("serial_no")
        cls.map_eam(cls, cls.pump, "EAM-7001")

    def work_order(self, **values):
        return self.simulators.work_order(**values)

    def test_work_order_for_known_equipment_by_eam_id_then_closed(self):
        with self.jobs() as trap:
            opened = self.event(
                "work_order_in",
                self.work_order(
                    asset_id="EAM-7001",
                    work_order_id="WO-1",
                    status="in_progress",
                    scheduled_at="2026-03-03T08:30:00Z",
                    updated_at="2026-03-02T10:00:00Z",
                ),
                "wo-1-a",
            )
            self.run_jobs(trap)
            self.assertEqual(opened.state, "done", opened.error_text)
            request = opened._linked_record()
            self.assertRecordValues(
                request,
                [
                    {
                        "equipment_id": self.pump.id,
                        "hc_eam_ref": "WO-1",
                        "maintenance_type": "corrective",
                        "name": "Occlusion alarm does not clear",
                        "stage_id": self.env.ref("maintenance.stage_1").id,
                        "request_date": date(2026, 3, 2),
                    }
                ],
            )
            self.assertIn("pressure sensor", request.description)
            closed = self.event(
                "work_order_in",
                self.work_order(
                    asset_id="EAM-7001",
                    work_order_id="WO-1",
                    status="closed",
                    closed_at="2026-03-04T16:00:00Z",
                    duration_hours=2.5,
                    labour_cost=180.0,
                    parts_cost=95.5,
                    updated_at="2026-03-04T16:05:00Z",
                ),
                "wo-1-b",
            )
            stale = self.event(
                "work_order_in",
                self.work_order(
                    asset_id="EAM-7001",
                    work_order_id="WO-1",
                    status="open",
                    updated_at="2026-03-01T09:00:00Z",
                ),
                "wo-1-c",
            )
            self.run_jobs(trap)
        self.assertEqual((closed.state, stale.state), ("done", "done"))
        self.assertEqual(closed._linked_record(), request)
        self.assertTrue(request.stage_id.done, "the stale event did not reopen it")
        self.assertRecordValues(
            request,
            [
                {
                    "close_date": date(2026, 3, 4),
                    "duration": 2.5,
                    "hc_labour_cost": 180.0,
                    "hc_parts_cost": 95.5,
                    "hc_total_cost": 275.5,
                }
            ],
        )
        self.assertEqual(
            self.env["maintenance.request"].search_count([("hc_eam_ref", "=", "WO-1")]),
            1,
        )

    def test_preventive_work_order_found_by_serial_learns_the_eam_id(self):
        with self.jobs() as trap:
            message = self.event(
                "work_order_in",
                self.work_order(
                    serial="WO-S2",
                    asset_id="EAM-7002",
                    work_order_id="PM-77",
                    type="pm",
                ),
            )
            self.run_jobs(trap)
        self.assertEqual(message.state, "done", message.error_text)
        request = message._linked_record()
        self.assertEqual(request.equipment_id, self.spare)
        self.assertEqual(request.maintenance_type, "preventive")
        self.assertEqual(self.spare.hc_eam_ref, "EAM-7002")

    def test_unknown_equipment_is_a_business_exception_until_mapped(self):
        with self.jobs() as trap:
            message = self.event(
                "work_order_in",
                self.work_order(asset_id="EAM-404", work_order_id="WO-404"),
            )
            self.run_jobs(trap)
            self.assertEqual(message.state, "dead")
            self.assertEqual(
                (message.error_class, message.exception_kind),
                ("business", "unknown_equipment"),
            )
            self.assertIn("EAM-404", message.error_text)
            self.assertFalse(
                self.env["maintenance.request"].search([("hc_eam_ref", "=", "WO-404")])
            )
            self.map_eam(self.spare, "EAM-404")
            replay = message._replay()
            self.run_jobs(trap)
        self.assertEqual(replay.state, "done", replay.error_text)
        self.assertEqual(replay._linked_record().equipment_id, self.spare)

    def test_patient_data_is_dropped_before_storage(self):
        document = self.work_order(
            asset_id="EAM-7001",
            work_order_id="WO-PHI",
            patient={"name": "Jane Doe", "mrn": "MRN-123"},
            patient_id="P-778",
        )
        with self.jobs() as trap:
            message = self.event("work_order_in", document)
            self.run_jobs(trap)
        self.assertEqual(message.state, "done", message.error_text)
        stored = json.loads(message._body())
        self.assertNotIn("patient", stored)
        self.assertNotIn("patient_id", stored)
        self.assertNotIn(b"Jane", message._body())
        self.assertEqual(stored["work_order_id"], "WO-PHI")

    def test_malformed_work_order_fails_validation(self):
        with self.jobs() as trap:
            message = self.event(
                "work_order_in", {"work_order_id": "WO-X", "serial": "WO-S1"}
            )
            bad_value = self.event(
                "work_order_in",
                self.work_order(
                    asset_id="EAM-7001", work_order_id="WO-Y", status="closed"
                ),
            )
            self.run_jobs(trap)
        self.assertEqual((message.state, message.error_class), ("dead", "validation"))
        self.assertIn("status", message.error_text)
        self.assertEqual(bad_value.exception_kind, "invalid_document")
        self.assertIn("closed_at", bad_value.error_text)
