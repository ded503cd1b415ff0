# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
import json

from .common import AssetCase


class TestEquipmentOut(AssetCase):
    """Equipment out to the EAM: on creation and on change, in order, with its id."""

    def test_new_equipment_goes_to_the_eam_which_gives_its_id(self):
        with self.jobs() as trap:
            receipt = self.receive(self.order(quantity=2).picking_ids, ["S-1", "S-2"])
            equipments = receipt.hc_equipment_ids
            self.assertFalse(any(equipments.mapped("hc_eam_in_sync")))
            self.run_jobs(trap)
        posts = self.sim.requests(path="/api/eam/assets", method="POST")
        self.assertEqual(len(posts), 2)
        sent = json.loads(posts[0]["body"])
        self.assertEqual(sent["serial"], "S-1")
        self.assertEqual(sent["status"], "received")
        self.assertEqual(sent["vendor"], "Infusion Systems Ltd")
        self.assertEqual(sent["cost_centre"], "CC-ICU")
        self.assertEqual(sent["department"], "Intensive Care Unit")
        self.assertIsNone(sent["asset_id"])
        for equipment in equipments:
            self.assertTrue(equipment.hc_eam_ref.startswith("EAM-"))
            self.assertTrue(equipment.hc_eam_in_sync)
            self.assertEqual(equipment.hc_message_count, 1)
            self.assertEqual(equipment.hc_last_state, "done")

    def test_each_change_the_eam_keeps_goes_out_once_in_order(self):
        with self.jobs() as trap:
            receipt = self.receive(self.order(quantity=1).picking_ids, ["S-9"])
            equipment = receipt.hc_equipment_ids
            equipment.location = "ICU bed 4"
            equipment.warranty_date = "2031-01-31"
            equipment.note = "<p>not kept by the EAM</p>"
            messages = self.env["hc.message"].search(
                [("res_model", "=", equipment._name), ("res_id", "=", equipment.id)],
                order="id",
            )
            self.assertEqual(len(messages), 3)
            self.assertEqual(
                set(messages.mapped("ordering_key")), {f"equipment/{equipment.id}"}
            )
            self.sim.fail_next("/api/eam/assets", count=1, status=503)
            self.run_jobs(trap)
        self.assertEqual(messages.mapped("state"), ["done"] * 3)
        calls = [
            (r["method"], r["path"], r["status"])
            for r in self.sim.requests()
            if r["path"].startswith("/api/eam/assets")
        ]
        eam_id = equipment.hc_eam_ref
        self.assertEqual(
            calls,
            [
                ("POST", "/api/eam/assets", 503),
                ("POST", "/api/eam/assets", 201),
                ("PUT", f"/api/eam/assets/{eam_id}", 200),
                ("PUT", f"/api/eam/assets/{eam_id}", 200),
            ],
        )
        last = json.loads(self.sim.requests(method="PUT")[-1]["body"])
        self.assertEqual((last["warranty_end"], last["revision"]), ("2031-01-31", 3))
        self.assertTrue(equipment.hc_eam_in_sync)
        out_of_sync = self.env["maintenance.equipment"].search(
            [("hc_eam_in_sync", "=", False), ("id", "=", equipment.id)]
        )
        self.assertFalse(out_of_sync)

    def test_an_eam_id_given_twice_leaves_the_message_done_and_says_so(self):
        """The EAM answers the id of other equipment (its numbering restarted):
        the call went out, so the message is done with the reason and the
        EAM is not called again; the equipment stays unmapped."""
        with self.jobs() as trap:
            first = self.receive(self.order(quantity=1).picking_ids, ["S-21"])
            self.run_jobs(trap)
        self.sim._counter = itertools.count(int(first.hc_equipment_ids.hc_eam_ref[4:]))
        with self.jobs() as trap:
            second = self.receive(self.order(quantity=1).picking_ids, ["S-22"])
            self.run_jobs(trap)
        equipment = second.hc_equipment_ids
        [message] = self.env["hc.message"].search(
            [("res_model", "=", equipment._name), ("res_id", "=", equipment.id)]
        )
        self.assertEqual(message.state, "done")
        self.assertIn("the answer was not understood", message.error_text)
        self.assertIn("already", message.error_text)
        self.assertFalse(equipment.hc_eam_ref)
        posts = [
            r
            for r in self.sim.requests(path="/api/eam/assets", method="POST")
            if json.loads(r["body"])["serial"] == "S-22"
        ]
        self.assertEqual(len(posts), 1)
