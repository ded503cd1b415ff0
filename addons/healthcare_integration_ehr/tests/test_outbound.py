# Copyright 2026 Healthcare Integration for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from fhir.resources.R4B.devicedefinition import DeviceDefinition
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.supplydelivery import SupplyDelivery

from odoo.tests import TransactionCase, tagged

from .common import EhrFixtures, supply_request


@tagged("post_install", "-at_install")
class TestOutbound(EhrFixtures, TransactionCase):
    """SupplyDelivery, availability and master data go back to the EHR."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ehr()

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def validate(self, picking, quantity=None):
        move = picking.move_ids
        move.quantity = quantity if quantity is not None else move.product_uom_qty
        move.picked = True
        picking.with_context(cancel_backorder=False)._action_done()

    def test_supply_delivery_sent_when_the_transfer_is_done(self):
        self.stock(self.kit, 10)
        self.receive(supply_request(), key="sd-1")
        request = self.request_of()
        with self.jobs() as trap:
            self.validate(request.picking_ids, 1.0)
            self.run_jobs(trap)
            backorder = request.picking_ids.filtered(lambda p: p.state != "done")
            self.assertEqual(len(backorder), 1, "the rest is a backorder")
            self.assertEqual(request.state, "in_progress")
            self.validate(backorder)
            self.run_jobs(trap)
        self.assertEqual(request.state, "done")
        calls = [r for r in self.sim.requests() if "SupplyDelivery" in r["path"]]
        self.assertEqual(len(calls), 2)
        delivery_id = request.delivery_fhir_id
        self.assertTrue(delivery_id)
        for call in calls:
            self.assertEqual(call["method"], "PUT")
            self.assertEqual(call["path"], f"/fhir/SupplyDelivery/{delivery_id}")
        first, second = self.sent(f"/fhir/SupplyDelivery/{delivery_id}")
        self.assertEqual(first["status"], "in-progress")
        self.assertEqual(first["suppliedItem"]["quantity"]["value"], 1.0)
        self.assertEqual(second["status"], "completed")
        self.assertEqual(second["suppliedItem"]["quantity"]["value"], 2.0)
        self.assertEqual(second["basedOn"], [{"reference": "SupplyRequest/simple"}])
        self.assertEqual(second["destination"], {"reference": "Location/ward-3a"})
        self.assertEqual(
            second["suppliedItem"]["itemCodeableConcept"]["coding"][0]["code"],
            "KIT-HIP-01",
        )
        self.assertTrue(second["occurrenceDateTime"].endswith("Z"))
        SupplyDelivery.model_validate(second)
        self.assertEqual(
            {c["headers"].get("Accept") for c in calls}, {"application/fhir+json"}
        )
        messages = self.env["hc.message"].search(
            [("flow_id", "=", self.flows["ehr.supply_delivery_out"].id)]
        )
        self.assertEqual(set(messages.mapped("state")), {"done"})
        self.assertEqual(set(messages.mapped("ordering_key")), {request.name})
        tasks = self.tasks()
        self.assertEqual(
            [self.event_of(t) for t in tasks],
            ["backordered"],
            "awaited from the vendor",
        )
        self.assertEqual(tasks[0]["status"], "on-hold")
        self.assertEqual(tasks[0]["focus"], {"reference": "SupplyRequest/simple"})
        self.assertEqual(tasks[0]["location"], {"reference": "Location/ward-3a"})

    def test_availability_event_on_threshold_once_per_change(self):
        watch = self.env["hc.ehr.watch"].create(
            {
                "backend_id": self.backend.id,
                "product_id": self.gloves.id,
                "location_id": self.ward.id,
                "threshold": 10,
            }
        )
        self.stock(self.gloves, 12, self.ward)
        self.stock(self.gloves, 30)
        self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    (0, 0, {"product_id": self.gloves.id, "product_qty": 40})
                ],
            }
        ).button_confirm()
        with self.jobs() as trap:
            watch._check()
            self.assertFalse(trap.enqueued_jobs, "above the threshold: nothing")
            self.consume(self.gloves, 3)
            watch._check()  # the move's own check already reported 9
            self.run_jobs(trap)
            self.consume(self.gloves, 1)
            self.run_jobs(trap)
            self.stock(self.gloves, 20, self.ward)
            watch._check()
            self.run_jobs(trap)
        tasks = self.tasks()
        self.assertEqual(
            [(self.event_of(t), self.input_of(t, "on-hand")) for t in tasks],
            [("below_threshold", 9.0), ("below_threshold", 8.0), ("available", 28.0)],
        )
        self.assertEqual(
            {t["id"] for t in tasks},
            {f"odoo-avail-{self.gloves.id}-{self.ward.id}"},
            "one Task per item and location, updated",
        )
        self.assertEqual([t["status"] for t in tasks][-1], "completed")
        self.assertEqual(self.input_of(tasks[0], "threshold"), 10.0)
        item = tasks[0]["input"][0]["valueCodeableConcept"]["coding"]
        self.assertIn("GLV-M", [c["code"] for c in item])
        self.assertEqual(tasks[0]["location"], {"reference": "Location/ward-3a"})
        self.assertTrue(
            tasks[0]["restriction"]["period"]["end"], "the receipt under way"
        )
        self.assertEqual(watch.last_status, "ok")

    def consume(self, product, quantity):
        move = self.env["stock.move"].create(
            {
                "name": "ward use",
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": quantity,
                "location_id": self.ward.id,
                "location_dest_id": self.env.ref(
                    "healthcare_integration_ehr.stock_location_consumption"
                ).id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.picked = True
        move._action_done()

    def test_items_and_locations_go_out_and_their_ehr_codes_come_back(self):
        with self.jobs() as trap:
            self.kit.hc_ehr_item = True
            self.ward.hc_ehr_location = True
            self.run_jobs(trap)
            self.kit.name = self.kit.name  # same payload: not sent again
            self.run_jobs(trap)
        item_id = f"odoo-item-{self.kit.id}"
        [definition] = self.sent(f"/fhir/DeviceDefinition/{item_id}")
        self.assertEqual(definition["identifier"][0]["value"], "T-KIT-HIP")
        self.assertEqual(
            definition["udiDeviceIdentifier"][0]["deviceIdentifier"], "05012345678917"
        )
        DeviceDefinition.model_validate(definition)
        self.assertEqual(
            self.sent(f"/fhir/Location/odoo-loc-{self.ward.id}"),
            [],
            "a ward mapped to the EHR's own Location is not sent as a second one",
        )
        store = self.env["stock.location"].create(
            {
                "name": "Sterile store (test)",
                "location_id": self.warehouse.view_location_id.id,
                "usage": "internal",
            }
        )
        with self.jobs() as trap:
            store.hc_ehr_location = True
            self.run_jobs(trap)
            store.name = "Sterile store B (test)"
            self.run_jobs(trap)
        first, second = self.sent(f"/fhir/Location/odoo-loc-{store.id}")
        Location.model_validate(second)
        self.assertEqual(second["name"], "Sterile store B (test)")
        calls = [r for r in self.sim.requests() if "/fhir/Location/" in r["path"]]
        self.assertEqual(
            {c["headers"].get("Accept") for c in calls}, {"application/fhir+json"}
        )
        crosswalks = self.env["hc.crosswalk"].search(
            [("backend_id", "=", self.backend.id), ("external_code", "like", "EHR-")]
        )
        self.assertEqual(
            {(c.domain, c.external_code, c.record_ref) for c in crosswalks},
            {
                ("product", f"EHR-{item_id}", self.kit),
                ("location", f"EHR-odoo-loc-{store.id}", store),
            },
        )
